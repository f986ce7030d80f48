"""Who we lost and to whom: lost leads, real competitors, and segment pain points."""

from zhongcao.analyses.audience.lost import LostLeadAnalysis
from zhongcao.analyses.audience.segments import SegmentAnalysis
from zhongcao.analyses.audience.stats import informative_prior, log_odds_dirichlet, tgi

__all__ = ["LostLeadAnalysis", "SegmentAnalysis", "informative_prior", "log_odds_dirichlet", "tgi"]
