"""Repurchase and customer value: cohort repeat rates, BG/NBD + Gamma-Gamma."""

from zhongcao.analyses.repurchase.analysis import RepurchaseAnalysis
from zhongcao.analyses.repurchase.clv import BetaGeoParams, GammaGammaParams, fit_bgnbd, fit_gamma_gamma

__all__ = ["BetaGeoParams", "GammaGammaParams", "RepurchaseAnalysis", "fit_bgnbd", "fit_gamma_gamma"]
