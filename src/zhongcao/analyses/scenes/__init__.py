"""Which life scene sells the product, where: scene mining, unplanned uses, regional matrix, strategy lift."""

from zhongcao.analyses.scenes.analysis import SceneAnalysis
from zhongcao.analyses.scenes.regions import RegionAnalysis
from zhongcao.analyses.scenes.strategy import LiftAnalysis

__all__ = ["LiftAnalysis", "RegionAnalysis", "SceneAnalysis"]
