"""Marketing-mix model: baseline + response(spend) per channel, Bayesian, with ROI, carry-over and repeat value."""

from zhongcao.analyses.mmm.analysis import MmmAnalysis, weekly_inputs
from zhongcao.analyses.mmm.model import BayesianMMM, LiftStudy
from zhongcao.analyses.mmm.transforms import (
    Chain,
    GeometricAdstock,
    HillSaturation,
    LogisticSaturation,
    WeibullAdstock,
    default_chain,
)

__all__ = ["BayesianMMM", "Chain", "GeometricAdstock", "HillSaturation", "LiftStudy", "LogisticSaturation",
           "MmmAnalysis", "WeibullAdstock", "default_chain", "weekly_inputs"]
