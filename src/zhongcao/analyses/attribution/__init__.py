"""Cross-platform attribution, ROI, mid-funnel signals and lift studies (docs/attribution.md)."""

from zhongcao.analyses.attribution.analysis import MODELS, AttributionAnalysis
from zhongcao.analyses.attribution.models import PathModels, heuristic, markov, path_table, shapley

__all__ = ["MODELS", "AttributionAnalysis", "PathModels", "heuristic", "markov", "path_table", "shapley"]
