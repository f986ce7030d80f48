"""Layer 4: the Chinese text layer shared by the analyses.

One tokenise function hides the segmentation library; a lexicon teaches it the brand's words
and tags entities (brand, product, competitor, place, service); phrases join frequent pairs.
"""

from zhongcao.text.lexicon import Lexicon, entity_type, tag_entities
from zhongcao.text.normalise import hashtags, normalise
from zhongcao.text.phrases import detect_phrases, join_phrases
from zhongcao.text.tokenise import stopwords, tokenise

__all__ = ["Lexicon", "detect_phrases", "entity_type", "hashtags", "join_phrases", "normalise", "stopwords",
           "tag_entities", "tokenise"]
