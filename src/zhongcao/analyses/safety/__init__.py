"""Brand safety: a transparent negativity model, negative volume by day, coordinated attacks."""

from zhongcao.analyses.safety.analysis import SafetyAnalysis
from zhongcao.analyses.safety.sentiment import is_negative, scores

__all__ = ["SafetyAnalysis", "is_negative", "scores"]
