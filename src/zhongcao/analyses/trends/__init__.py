"""Trends: rising terms, scenes and queries week over week (burst detection), as a digest."""

from zhongcao.analyses.trends.analysis import TrendAnalysis

__all__ = ["TrendAnalysis"]
