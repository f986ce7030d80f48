"""Unplanned uses: scenes far from what the brand sells on, that grow, engage and convert.

"Far" is measured in the TF-IDF term space the scenes live in: the cosine distance between a
scene's NMF term vector and the *planned* vector, an indicator over the vocabulary of the
brand's ``selling_points`` and ``scenes`` words (and the text layer's tokens of them, so
专业户外 also counts 专业 and 户外). 1.0 means the scene's vocabulary shares no term with the
brand's own story; 0 means it is the brand's story.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from zhongcao.analyses.scenes.discovery import SceneModel, cosine_distance, scene_documents
from zhongcao.contract import BrandConfig
from zhongcao.text import Lexicon


def planned_terms(brand: BrandConfig, lexicon: Lexicon | None) -> list[str]:
    """The brand's planned story as terms: selling points, scene names and scene words, and their tokens."""
    words = [*brand.selling_points, *brand.scenes.keys(), *(w for ws in brand.scenes.values() for w in ws)]
    tokens = scene_documents(words, lexicon, phrase_min_count=10**9) if words else []
    return list(dict.fromkeys([w.lower() for w in words] + [t for doc in tokens for t in doc]))


def distances(model: SceneModel, planned: list[str]) -> np.ndarray:
    v = model.term_vector(planned)
    return np.array([cosine_distance(model.components[k], v) for k in range(model.components.shape[0])])


def rank_unplanned(scenes: pd.DataFrame, far: float) -> pd.DataFrame:
    """Scenes that are far (distance ≥ ``far``), growing (the trend's lower bound above 0), engaging
    (save or comment rate above the average note's) and converting (reader conversion above average;
    a scene without panel readers passes this test, having nothing to show against it).

    Ranked by opportunity = growth (end share ÷ start share) × save-rate ratio × conversion
    ratio (each against all notes; a missing ratio counts as 1), so a scene that grows, is
    saved more and converts better rises to the top.
    """
    s = scenes.copy()
    s["far"] = s["distance"] >= far
    s["growing"] = s["trend_low"] > 0
    conv = s["conversion_ratio"].where(s["conversion_ratio"].notna(), 1.0)
    save = s["save_ratio"].where(s["save_ratio"].notna(), 1.0)
    s["opportunity"] = s["growth"].clip(lower=0) * save.clip(lower=0) * conv.clip(lower=0)
    s["engaging"] = (s["save_ratio"] > 1) | (s["comment_ratio"] > 1)
    s["converting"] = s["conversion_ratio"].isna() | (s["conversion_ratio"] > 1)
    out = s[s["far"] & s["growing"] & s["engaging"] & s["converting"]].sort_values("opportunity", ascending=False)
    return out.reset_index(drop=True)


def lives_in(segments: pd.DataFrame, scene: int, attributes: tuple[str, ...] = ("gender", "age_band")
             ) -> dict[str, list[str]]:
    """Per attribute, the segment values whose TGI for the scene is significantly above 100."""
    seg = segments[(segments["scene"] == scene) & ~segments["suppressed"]]
    out: dict[str, list[str]] = {}
    for attr in attributes:
        s = seg[(seg["attribute"] == attr) & (seg["tgi_low"] > 100)].sort_values("tgi", ascending=False)
        if len(s):
            out[attr] = [str(v) for v in s["value"]]
    return out


def describe_segment(lives: dict[str, list[str]]) -> str:
    return " · ".join(f"{k}={'/'.join(v)}" for k, v in lives.items()) or "—"


def safe_ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) else math.nan
