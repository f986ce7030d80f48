"""Brand safety: a trained negativity model with a transparent lexicon, negative volume by day, attacks."""

from zhongcao.analyses.safety.analysis import SafetyAnalysis
from zhongcao.analyses.safety.sentiment import complaints, is_negative, lexicon_scores, negativity, scores

__all__ = ["SafetyAnalysis", "complaints", "is_negative", "lexicon_scores", "negativity", "scores"]
