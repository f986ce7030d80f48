"""The regional category matrix (地域化品类矩阵): province and region × scene TGI, and what to post where.

Reads the same marts as :class:`SceneAnalysis`, whose scenes it builds on (a parameter, ``scenes``:
the pipeline hands over the run's fitted scene analysis, so NMF runs once per run). Readers' provinces
come from ``scene_note_audience`` (panel users); when a workspace has no panel readers (a real
note export alone), the authors' IP provinces in ``note_metrics`` stand in, counted in notes.
Province spellings are normalised (广东省, 广东, 粤, 深圳 → 广东) before grouping into regions.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE, Analysis, Interval, MartSource, fitted
from zhongcao.analyses.scenes.analysis import SceneAnalysis, segment_tgi
from zhongcao.analyses.scenes.measures import tgi
from zhongcao.contract.geo import normalise_province, region_group
from zhongcao.engine import PEOPLE_SKETCH_SIZE
from zhongcao.errors import InsufficientDataError

_LEVELS = {"region": "province", "region_group": "region"}


class RegionAnalysis(Analysis):
    """Province/region × scene TGI with 90% intervals and minimum support, and a content matrix.

    Parameters
    ----------
    scenes:
        The scene analysis the matrix builds on; None: a default :class:`SceneAnalysis` with this
        ``min_group_size``. A fitted one is used as it is.
    min_group_size:
        Regions with fewer panel users, or cells with fewer reads, than this are suppressed.
    lead_scenes:
        How many scenes each region's content matrix leads with.
    words:
        How many words each region × scene cell suggests.
    """

    name: ClassVar[str] = "regions"
    marts: ClassVar[tuple[str, ...]] = SceneAnalysis.marts
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "scenes": [SceneAnalysis, None],
        # the people sketches count distinct readers exactly only up to their size: a larger minimum
        # would suppress every cell without saying why
        "min_group_size": [Interval(int, 1, PEOPLE_SKETCH_SIZE)],
        "lead_scenes": [Interval(int, 1, 10)],
        "words": [Interval(int, 1, 30)],
    }

    def __init__(self, scenes: SceneAnalysis | None = None, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                 lead_scenes: int = 2, words: int = 6) -> None:
        self.scenes = scenes
        self.min_group_size = min_group_size
        self.lead_scenes = lead_scenes
        self.words = words

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        scenes = fitted(self.scenes if self.scenes is not None else SceneAnalysis(min_group_size=self.min_group_size),
                        source)
        notes = scenes.note_scenes()
        audience = source.mart("scene_note_audience").to_pandas()
        audience = audience.assign(value=audience["value"].astype(str))
        if (audience["attribute"] == "region").any():
            self.basis_ = "readers"
            cells = segment_tgi(notes, audience, scenes.segment_sizes(), self.min_group_size, ("region", "region_group"))
            reg = audience[audience["attribute"] == "region"]
            weights = reg.assign(group=reg["value"].map(lambda v: region_group(normalise_province(v)) or "unknown"))
            weights = weights.groupby(["note_id", "group"])["readers"].sum().unstack(fill_value=0.0)
        else:
            self.basis_ = "authors"
            cells, weights = _author_cells(notes, self.min_group_size)
        if cells.empty or cells["suppressed"].all():
            raise InsufficientDataError("no region has enough readers or notes for a regional matrix")
        labels = dict(zip(scenes.scenes_["scene"], scenes.scenes_["label"], strict=True))
        cells = cells.assign(level=cells["attribute"].map(_LEVELS), label=cells["scene"].map(labels))
        cells = cells.rename(columns={"value": "area"})
        self.scenes_ = scenes.scenes_[["scene", "label", "terms", "notes", "examples"]].copy()
        self.matrix_ = cells[["level", "area", "scene", "label", "reads", "share", "tgi", "tgi_low", "tgi_high",
                              "suppressed"]].reset_index(drop=True)
        self.matrix_["significant"] = self.matrix_["tgi_low"] > 100
        self.content_ = self._content(scenes, notes, weights)
        return self

    def _content(self, scenes: SceneAnalysis, notes: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
        """Per region: the scenes to lead with, the words to use, example notes and the products they fit."""
        model = scenes.scene_model()
        vocab = model.vocabulary
        m = self.matrix_
        regional = m[(m["level"] == "region") & m["significant"] & ~m["suppressed"]]
        w = weights.reindex(notes["note_id"]).fillna(0.0)
        everyone = w.sum(axis=1).to_numpy(float)
        rows = []
        for area, cells in regional.groupby("area"):
            top = cells.sort_values("tgi", ascending=False).head(self.lead_scenes)
            here = w[area].to_numpy(float) if area in w.columns else np.zeros(len(notes))
            for rank, cell in enumerate(top.itertuples(), 1):
                mine = notes["scene"].to_numpy() == cell.scene
                rows.append({
                    "region": area, "rank": rank, "scene": int(cell.scene), "label": cell.label,
                    "tgi": float(cell.tgi), "tgi_low": float(cell.tgi_low), "tgi_high": float(cell.tgi_high),
                    "words": _words(model.tfidf, vocab, model.components[cell.scene], mine, here, everyone, self.words),
                    "examples": _examples(notes, mine, here),
                    "products": _products(notes, mine, here),
                })
        return pd.DataFrame(rows, columns=["region", "rank", "scene", "label", "tgi", "tgi_low", "tgi_high", "words",
                                           "examples", "products"])


def _words(tfidf: Any, vocab: np.ndarray, component: np.ndarray, mine: np.ndarray, here: np.ndarray,
           everyone: np.ndarray, n: int) -> list[str]:
    """The scene's terms this region's readers meet most, relative to all readers of the scene.

    Among the scene's 30 heaviest terms, each term's reader-weighted TF-IDF mass in the region
    is compared with its mass among everyone; score = regional mass × regional/overall ratio.
    """
    cand = np.argsort(-component)[:30]
    cand = cand[component[cand] > 0]
    if not mine.any() or not len(cand):
        return []
    sub = tfidf[np.flatnonzero(mine)][:, cand]
    reg = np.asarray(sub.T @ here[mine]).ravel()
    allw = np.asarray(sub.T @ everyone[mine]).ravel()
    reg_share = reg / reg.sum() if reg.sum() > 0 else reg
    all_share = allw / allw.sum() if allw.sum() > 0 else allw
    score = reg_share * np.divide(reg_share, all_share, out=np.zeros_like(reg_share), where=all_share > 0)
    order = np.argsort(-score)[:n]
    return [str(vocab[cand[i]]) for i in order if score[i] > 0]


def _examples(notes: pd.DataFrame, mine: np.ndarray, here: np.ndarray, n: int = 3) -> list[str]:
    idx = np.flatnonzero(mine)
    best = idx[np.argsort(-here[idx])[:n]]
    return [str(notes["title"].iloc[i] or str(notes["body"].iloc[i])[:40]) for i in best if here[i] > 0]


def _products(notes: pd.DataFrame, mine: np.ndarray, here: np.ndarray, n: int = 2) -> list[str]:
    p = pd.Series(here[mine], index=notes["product"].to_numpy()[mine])
    p = p[p.index.notna() & (p.index.astype(str) != "")]
    return [str(x) for x in p.groupby(level=0).sum().sort_values(ascending=False).head(n).index]


def _author_cells(notes: pd.DataFrame, min_group: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Without panel readers: notes per author province/region × scene, TGI on note counts."""
    province = notes["region"].map(lambda v: normalise_province(v) or "unknown")
    frame = notes.assign(region=province, region_group=province.map(lambda v: region_group(v) or "unknown"))
    frame = frame[frame["scene"] >= 0]
    rows = []
    total = float(len(frame))
    scene_total = frame.groupby("scene").size()
    # A note counts once: the minimum support is in notes (min_group / 5 of them, at least 10).
    min_notes = max(10, min_group // 5)
    for attr in ("region", "region_group"):
        seg_total = frame.groupby(attr).size()
        for (area, scene), n in frame.groupby([attr, "scene"]).size().items():
            t, lo, hi = tgi(float(n), float(seg_total[area]), float(scene_total[scene]), total)
            small = n < min_notes or area == "unknown"
            rows.append({"scene": int(scene), "attribute": attr, "value": area, "reads": float(n),
                         "share": n / seg_total[area], "tgi": t, "tgi_low": lo, "tgi_high": hi,
                         "suppressed": bool(small)})
    cells = pd.DataFrame(rows)
    if len(cells):
        cells.loc[cells["suppressed"], ["reads", "share", "tgi", "tgi_low", "tgi_high"]] = math.nan
    weights = pd.crosstab(frame["note_id"], frame["region_group"]).astype(float)
    return cells, weights
