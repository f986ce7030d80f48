"""Creators who really move product: profile, genuine use, soft-ad score, fake engagement, shortlist."""

from zhongcao.analyses.creators.analysis import CreatorAnalysis
from zhongcao.analyses.creators.neardup import near_duplicate_groups

__all__ = ["CreatorAnalysis", "near_duplicate_groups"]
