"""Which life scenes the notes show, who reads them, and which uses the brand never planned.

Reads marts only: ``note_text`` and ``note_metrics`` (public notes, one row per note),
``scene_note_comments`` (public comment texts per note, no user ids), ``scene_note_audience``
(distinct panel readers, buyers and a people sketch per note × segment) and ``lead_outcomes``
(panel size per segment, for suppression). Scenes are mined from text only, never from a planted label.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE, Analysis, Interval, MartSource, with_vocabulary
from zhongcao.analyses.scenes.discovery import (
    SceneModel,
    binary_matrix,
    fit_scenes,
    match_brand_scenes,
    npmi_coherence,
    scene_documents,
    scene_label,
)
from zhongcao.analyses.scenes.measures import rate_ratio, share_trend, tgi
from zhongcao.analyses.scenes.unplanned import distances, lives_in, planned_terms, rank_unplanned
from zhongcao.analyses.stats import distinct_people
from zhongcao.analyses.vocabulary import (
    DEFAULT_MIN_CREATORS,
    TermSupport,
    lexicon_for,
    series_keys,
)
from zhongcao.engine import PEOPLE_SKETCH_SIZE
from zhongcao.errors import InsufficientDataError
from zhongcao.text import Lexicon
from zhongcao.text.quality import term_quality

SEGMENT_ATTRIBUTES = ("gender", "age_band", "city_tier", "region_group")


class SceneAnalysis(Analysis):
    """Scene discovery (NMF on TF-IDF of notes + comments), persona × scene TGI, unplanned uses.

    Parameters
    ----------
    n_scenes:
        Number of scenes (NMF components) to mine.
    min_group_size:
        Segments with fewer panel users (or fewer scene readers) than this are suppressed.
    min_share:
        A note belongs to its dominant scene when that scene holds at least this share of its weight.
    far:
        Cosine distance from the brand's planned story at or above which a scene counts as unplanned.
    min_df:
        Terms in fewer notes than this are left out of the vocabulary.
    seed:
        NMF initialisation seed (nndsvda is deterministic; the seed breaks ties).
    min_creators:
        A term, and a scene, is reported only when at least this many distinct creators carry it;
        a creator's near-duplicate notes (one template series) count once when scenes are learned.
    """

    name: ClassVar[str] = "scenes"
    marts: ClassVar[tuple[str, ...]] = with_vocabulary(
        "note_text", "note_metrics", "scene_note_comments", "scene_note_audience", "lead_outcomes")
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "n_scenes": [Interval(int, 2, 50)],
        # the people sketches count distinct readers exactly only up to their size: a larger minimum
        # would suppress every cell without saying why
        "min_group_size": [Interval(int, 1, PEOPLE_SKETCH_SIZE)],
        "min_share": [Interval(float, 0.0, 1.0)],
        "far": [Interval(float, 0.0, 1.0)],
        "min_df": [Interval(int, 1, None)],
        "seed": [Interval(int, 0, None)],
        "min_creators": [Interval(int, 1, None)],
    }

    def __init__(self, n_scenes: int = 8, min_group_size: int = DEFAULT_MIN_GROUP_SIZE, min_share: float = 0.25,
                 far: float = 0.9, min_df: int = 5, seed: int = 0, min_creators: int = DEFAULT_MIN_CREATORS) -> None:
        self.n_scenes = n_scenes
        self.min_group_size = min_group_size
        self.min_share = min_share
        self.far = far
        self.min_df = min_df
        self.seed = seed
        self.min_creators = min_creators

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        notes = _notes(source)
        if len(notes) < max(20, 3 * self.n_scenes):
            raise InsufficientDataError(f"scene mining needs at least {max(20, 3 * self.n_scenes)} notes; got {len(notes)}")
        lexicon = lexicon_for(source)
        docs = scene_documents(notes["text"].tolist(), lexicon)
        creators = notes["creator_id"].fillna("").astype(str).tolist()
        series = series_keys((notes["title"].fillna("") + " " + notes["body"].fillna("")).tolist(), creators)
        support = TermSupport(docs, creators, series, lexicon, self.min_creators)
        docs = [[t for t in d if support.reportable(t)] for d in docs]
        first = np.unique(series, return_index=True)[1]  # one note per template series teaches the scenes
        model = fit_scenes(docs, self.n_scenes, min_df=min(self.min_df, max(1, len(first) // 50)), seed=self.seed,
                           fit_rows=np.sort(first))
        assign = model.assignment(self.min_share)
        # A scene carried by fewer than min_creators creators is one creator's series, not a scene.
        by_scene = pd.Series(creators).groupby(assign).nunique()
        thin = [int(k) for k, n in by_scene.items() if k >= 0 and n < self.min_creators]
        assign = np.where(np.isin(assign, thin), -1, assign)
        notes = notes.assign(scene=assign)
        self._support = support
        self._model, self._notes, self._docs = model, notes, docs
        audience = source.mart("scene_note_audience").to_pandas()
        audience = audience.assign(value=audience["value"].astype(str))
        self._sizes = panel_sizes(source)
        self.segments_ = segment_tgi(notes, audience, self._sizes, self.min_group_size)
        self.scenes_ = self._scene_table(source, model, notes, docs, audience, lexicon)
        self.scenes_ = self.scenes_[~self.scenes_["scene"].isin(thin)].reset_index(drop=True)
        reported = [t for ts in self.scenes_["terms"] for t in ts] + self.scenes_["label"].tolist()
        self.term_quality_ = term_quality(reported, lexicon, corpus=notes["text"].tolist(),
                                          creators=support.creators, min_creators=self.min_creators).to_dict()
        self.quarterly_ = _quarterly(notes, self.scenes_)
        self.unplanned_ = rank_unplanned(self.scenes_, self.far)
        self.unplanned_["segment"] = [lives_in(self.segments_, int(k)) for k in self.unplanned_["scene"]]
        self.planned_terms_ = planned_terms(source.brand, lexicon)
        return self

    def scene_model(self) -> SceneModel:
        """The fitted NMF scene model (vocabulary, TF-IDF, components); for the regional matrix."""
        self.check_is_fitted()
        return self._model

    def segment_sizes(self) -> dict[tuple[str, str], float]:
        """Panel users per segment (attribute, value), for suppression; for the regional matrix."""
        self.check_is_fitted()
        return self._sizes

    def note_scenes(self) -> pd.DataFrame:
        """note_id → scene (−1: none), with the note's text fields; for the regional matrix."""
        self.check_is_fitted()
        return self._notes

    def _scene_table(self, source: MartSource, model: SceneModel, notes: pd.DataFrame, docs: list[list[str]],
                     audience: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
        k_all = model.components.shape[0]
        named = match_brand_scenes(model, source.brand.scenes)
        dist = distances(model, planned_terms(source.brand, lexicon))
        binary, index = binary_matrix(docs)
        years = (notes["day"] - notes["day"].min()).dt.days.to_numpy(float) / 365.25
        allr = audience[audience["attribute"] == "all"].groupby("note_id")[["readers", "buyers"]].sum()
        reads = notes["note_id"].map(allr["readers"]).fillna(0).to_numpy(float)
        buys = notes["note_id"].map(allr["buyers"]).fillna(0).to_numpy(float)
        views = notes["views"].to_numpy(float)
        saves = notes["collects"].to_numpy(float)
        comments = notes["comments"].to_numpy(float)
        rows = []
        for k in range(k_all):
            mine = notes["scene"].to_numpy() == k
            terms = model.top_terms(k, 10)
            weight = model.doc_weights[:, k]
            best = np.argsort(-weight)[:3]
            trend = share_trend(years, mine.astype(float))
            save_r = rate_ratio(saves[mine].sum(), views[mine].sum(), saves.sum(), views.sum())
            comment_r = rate_ratio(comments[mine].sum(), views[mine].sum(), comments.sum(), views.sum())
            conv = rate_ratio(buys[mine].sum(), reads[mine].sum(), buys.sum(), reads.sum())
            rows.append({
                "scene": k, "label": named.get(k) or scene_label(terms) or f"scene {k}",
                "creators": int(notes.loc[mine, "creator_id"].nunique()),
                "brand_scene": named.get(k), "terms": terms, "notes": int(mine.sum()),
                "note_share": float(mine.mean()),
                "examples": [str(notes["title"].iloc[i] or notes["body"].iloc[i][:40]) for i in best],
                "example_ids": [str(notes["note_id"].iloc[i]) for i in best],
                "save_rate": _div(saves[mine].sum(), views[mine].sum()), "save_ratio": save_r[0],
                "comment_rate": _div(comments[mine].sum(), views[mine].sum()), "comment_ratio": comment_r[0],
                "readers": float(reads[mine].sum()), "buyers": float(buys[mine].sum()),
                "conversion": _div(buys[mine].sum(), reads[mine].sum()), "conversion_ratio": conv[0],
                "conversion_low": conv[1], "conversion_high": conv[2],
                "distance": float(dist[k]), "trend": trend["slope"], "trend_low": trend["slope_low"],
                "trend_high": trend["slope_high"], "trend_p": trend["p_value"], "share_start": trend["share_start"],
                "share_end": trend["share_end"], "growth": trend["growth"],
                "coherence": npmi_coherence(terms, binary, index),
            })
        return pd.DataFrame(rows)


def _div(a: float, b: float) -> float:
    return float(a / b) if b > 0 else math.nan


def _notes(source: MartSource) -> pd.DataFrame:
    text = source.mart("note_text").to_pandas()
    metrics = source.mart("note_metrics").to_pandas()[["note_id", "creator_id", "day", "region", "views", "collects",
                                                       "comments"]]
    comments = source.mart("scene_note_comments").to_pandas()
    notes = text.merge(metrics, on="note_id", how="left")
    if len(comments):
        # Identical comments repeat the same words; one copy per note carries the scene signal.
        joined = comments.groupby("note_id")["text"].agg(lambda s: " ".join(s.astype(str)))
        notes["comment_text"] = notes["note_id"].map(joined).fillna("")
    else:
        notes["comment_text"] = ""
    notes["text"] = (notes["title"].fillna("") + " " + notes["body"].fillna("") + " " + notes["comment_text"])
    notes["day"] = pd.to_datetime(notes["day"])
    for col in ("views", "collects", "comments"):
        notes[col] = notes[col].fillna(0).astype(float)
    return notes[notes["text"].str.strip().ne("")].reset_index(drop=True)


def panel_sizes(source: MartSource) -> dict[tuple[str, str], float]:
    from zhongcao.contract.geo import normalise_province, region_group

    panel = source.mart("lead_outcomes").to_pandas()
    panel = panel[panel["status"] == "platform"]
    sizes: dict[tuple[str, str], float] = {}
    for row in panel.groupby(["attribute", "value"])["leads"].sum().reset_index().itertuples():
        key = str(row.value)
        if row.attribute == "region":
            key = normalise_province(key) or "unknown"
            group = region_group(key) or "unknown"
            sizes[("region_group", group)] = sizes.get(("region_group", group), 0.0) + float(row.leads)
        sizes[(str(row.attribute), key)] = sizes.get((str(row.attribute), key), 0.0) + float(row.leads)
    return sizes


def segment_tgi(notes: pd.DataFrame, audience: pd.DataFrame, sizes: dict[tuple[str, str], float],
                min_group: int, attributes: tuple[str, ...] = SEGMENT_ATTRIBUTES) -> pd.DataFrame:
    """Scene × segment reads (reader-note pairs), the segment's share in the scene, TGI and its interval."""
    from zhongcao.contract.geo import normalise_province, region_group

    cols = ["scene", "attribute", "value", "reads", "segment_reads", "share", "tgi", "tgi_low", "tgi_high",
            "panel_users", "suppressed"]
    if audience.empty:
        return pd.DataFrame(columns=cols)
    a = audience.merge(notes[["note_id", "scene"]], on="note_id")
    a = a[a["scene"] >= 0]
    reg = a[a["attribute"] == "region"]
    province = reg["value"].map(lambda v: normalise_province(v) or "unknown")
    groups = reg.assign(attribute="region_group", value=province.map(lambda v: region_group(v) or "unknown"))
    a = pd.concat([a[a["attribute"] != "region"], reg.assign(value=province), groups], ignore_index=True)
    cell = a.groupby(["attribute", "value", "scene"])["readers"].sum()
    # Reads count a person once per note; the minimum group counts each person once per cell.
    people = distinct_people(a, ["attribute", "value", "scene"])
    seg_total = a.groupby(["attribute", "value"])["readers"].sum()
    scene_total = a[a["attribute"] == "all"].groupby("scene")["readers"].sum()
    total = float(scene_total.sum())
    panel_all = sizes.get(("all", "all"), math.nan)
    # Reader-note pairs are not independent: a user reads several notes. Inflate the variance
    # by the pairs per panel user (a design effect) so intervals are not falsely narrow.
    deff = total / panel_all if panel_all and not math.isnan(panel_all) else 1.0
    rows = []
    for (attr, value, scene), n in cell.items():
        if attr == "all" or attr not in attributes:
            continue
        seg_n = float(seg_total[(attr, value)])
        panel = sizes.get((str(attr), str(value)), math.nan)
        small = (people[(attr, value, scene)] < min_group or (not math.isnan(panel) and panel < min_group)
                 or value == "unknown")
        t, lo, hi = tgi(float(n), seg_n, float(scene_total.get(scene, 0.0)), total, deff=deff)
        rows.append({"scene": int(scene), "attribute": attr, "value": value, "reads": float(n),
                     "segment_reads": seg_n, "share": float(n) / seg_n if seg_n else math.nan,
                     "tgi": t, "tgi_low": lo, "tgi_high": hi, "panel_users": panel, "suppressed": bool(small)})
    out = pd.DataFrame(rows, columns=cols)
    # Suppressed cells publish nothing but their existence.
    out.loc[out["suppressed"], ["reads", "share", "tgi", "tgi_low", "tgi_high", "panel_users"]] = math.nan
    return out


def _quarterly(notes: pd.DataFrame, scenes: pd.DataFrame) -> pd.DataFrame:
    q = notes.assign(quarter=notes["day"].dt.to_period("Q").astype(str))
    counts = q.groupby(["quarter", "scene"]).size().unstack(fill_value=0)
    share = counts.div(counts.sum(axis=1), axis=0)
    long = share.stack().rename("share").reset_index()
    long = long[long["scene"] >= 0]
    labels = dict(zip(scenes["scene"], scenes["label"], strict=True))
    return long.assign(label=long["scene"].map(labels)).reset_index(drop=True)
