"""Layer 4: one subpackage per question. Analyses read marts through a MartSource."""

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE, Analysis, MartSource
from zhongcao.analyses.registry import REGISTRY, create

__all__ = ["DEFAULT_MIN_GROUP_SIZE", "REGISTRY", "Analysis", "MartSource", "create"]
