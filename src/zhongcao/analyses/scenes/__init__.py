"""Which life scene sells the product, where: scene mining, unplanned uses, regional matrix, strategy lift."""

from zhongcao.analyses.scenes.analysis import SceneAnalysis

__all__ = ["SceneAnalysis"]
