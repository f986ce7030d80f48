"""Acceptance on real Xiaohongshu notes (../shared/data/xhs): what the text analyses report is whole words
carried by several creators. The 500 notes with comments and the 2,000 summaries are ingested as a user
would (``zhongcao import``, then ingest); scenes and trends run on the workspace; segment pain points run
on the summaries grouped by their cluster label, each creator's texts in a segment joined into one text so
a term's people are distinct creators. Term quality is judged by ``zhongcao.text.quality`` against the
corpus itself (known words crossing, substring creators by poster), not by the analyses' own counts.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from tests.conftest import shared_data
from zhongcao import pipeline
from zhongcao.analyses.audience.segments import SegmentAnalysis
from zhongcao.analyses.scenes.analysis import SceneAnalysis
from zhongcao.analyses.trends.analysis import TrendAnalysis
from zhongcao.analyses.vocabulary import lexicon_for
from zhongcao.contract import BrandConfig
from zhongcao.engine import Workspace
from zhongcao.ingest.importers import import_files
from zhongcao.text import Lexicon, tokenise
from zhongcao.text.discover import discover_words
from zhongcao.text.quality import TermJudge, term_quality

MAX_BAD = 0.05
MIN_CREATORS = 5


class _Marts:
    def __init__(self, marts: dict[str, pa.Table]) -> None:
        self._marts, self.brand = marts, BrandConfig()

    def mart(self, name: str) -> pa.Table:
        return self._marts[name]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = shared_data("xhs")
    tmp = tmp_path_factory.mktemp("xhs")
    import_files([folder / "matching_records_filtered_500.csv", folder / "clustered_summaries_post_text.csv"], tmp / "in")
    pipeline.ingest(tmp / "in", tmp / "ws")
    notes = pd.read_csv(folder / "matching_records_filtered_500.csv")
    summaries = pd.read_csv(folder / "clustered_summaries_post_text.csv")
    corpus = ((notes["post_title"].fillna("") + " " + notes["post_content"].fillna("") + " "
               + notes["post_comment_content"].fillna("")).tolist() + summaries["summary"].astype(str).tolist())
    authors = notes["poster_id"].tolist() + summaries["poster_id"].tolist()
    return {"ws": Workspace(tmp / "ws"), "corpus": corpus, "authors": authors, "summaries": summaries}


def _judge(real: dict[str, object]) -> TermJudge:
    return TermJudge(lexicon_for(real["ws"]), real["corpus"], min_creators=MIN_CREATORS,  # type: ignore[arg-type]
                     authors=real["authors"])  # type: ignore[arg-type]


def _check(name: str, items: dict[str, list[str]], judge: TermJudge) -> None:
    assert items, f"{name}: nothing reported on real notes"
    for item, terms in items.items():
        q = term_quality(terms[:10], judge=judge)
        print(f"{name} {item}: {' '.join(terms[:10])}  bad {q.bad}/{q.terms} {q.examples}")
        assert q.share_bad <= MAX_BAD, (name, item, q.examples)
        for reason in ("placeholder", "shortcode", "cross_script"):
            assert q.reasons[reason] == 0, (name, item, reason, q.examples)
        for t in terms:
            n = judge.creators_of(t)
            assert n is not None and n >= MIN_CREATORS, (name, item, t, n)


def test_real_note_scenes_are_whole_words_of_many_creators(real: dict[str, object]) -> None:
    scenes = SceneAnalysis(min_creators=MIN_CREATORS).fit(real["ws"])  # type: ignore[arg-type]
    judge = _judge(real)
    _check("scene", {r.label: list(r.terms) for r in scenes.scenes_.itertuples()}, judge)
    labels = term_quality(scenes.scenes_["label"].tolist(), judge=judge)
    assert labels.bad == 0, labels.examples
    assert (scenes.scenes_["creators"] >= MIN_CREATORS).all()
    print("scenes term quality (the analysis's own):", scenes.term_quality_)


def test_real_note_trends_are_whole_words_of_many_creators(real: dict[str, object]) -> None:
    # A small export: a looser burst test than the default so that some weeks rise at all.
    trends = TrendAnalysis(min_count=3, min_z=2.0, min_creators=MIN_CREATORS).fit(real["ws"])  # type: ignore[arg-type]
    rising = trends.rising_[trends.rising_["source"] == "term"]
    items = {str(w): list(g.sort_values("z", ascending=False)["item"]) for w, g in rising.groupby("week")}
    _check("trend", items, _judge(real))


def test_real_note_segment_pain_points_are_whole_words_of_many_creators(real: dict[str, object]) -> None:
    s: pd.DataFrame = real["summaries"]  # type: ignore[assignment]
    # One text per creator and segment: the users behind a term are then distinct creators.
    per = s.groupby(["num_category_text", "poster_id"])["summary"].agg(lambda x: " ".join(x.astype(str))).reset_index()
    seg = pd.DataFrame({"attribute": "age_band", "value": per["num_category_text"].astype(str), "source": "comment",
                        "text": per["summary"], "users": 1, "n": 1})
    sizes = per.groupby("num_category_text").size()
    panel = pd.DataFrame({"status": "platform", "attribute": "age_band", "value": sizes.index.astype(str),
                          "leads": sizes.to_numpy() * 100})
    src = _Marts({"segment_text": pa.Table.from_pandas(seg), "lead_outcomes": pa.Table.from_pandas(panel)})
    fit = SegmentAnalysis(attribute="age_band", min_group_size=1, top_terms=10, min_creators=MIN_CREATORS).fit(src)
    items = {str(v): list(g.sort_values("rank")["term"]) for v, g in fit.terms_.groupby("segment")}
    judge = TermJudge(None, real["corpus"], min_creators=MIN_CREATORS, authors=real["authors"])  # type: ignore[arg-type]
    _check("segment", items, judge)


def test_real_notes_teach_their_own_words(real: dict[str, object]) -> None:
    # The workspace holds 391 notes of 68 creators (the export's comments carry no ids, so no comment rows):
    # it learns what it can and stores it; the whole corpus (notes, comments, summaries) teaches more.
    ws: Workspace = real["ws"]  # type: ignore[assignment]
    stored = pipeline.words(ws)
    assert ws.learned_words() is not None and list(stored.columns)[:3] == ["word", "count", "docs"]
    words = discover_words(real["corpus"], authors=real["authors"])  # type: ignore[arg-type]
    print("learned from the whole corpus:", " ".join(words["word"]))
    assert len(words) >= 10 and (words["docs"] >= 5).all()
    assert not words["word"].str.contains(r"[a-z]").any()  # Chinese n-grams only
    tokens = {t for doc in tokenise(real["corpus"], Lexicon().with_learned(words["word"])) for t in doc}
    assert set(words["word"]) <= tokens  # each learned word now comes out whole somewhere in the corpus


def test_term_quality_before_this_text_layer_is_measured_not_assumed() -> None:
    # The measure flags what the issue saw on these notes before: shortcodes, placeholders, glue, fragments.
    corpus = ["[笑哭R]小红书上的穿搭博主", ":teddy_bear: bear小熊", "nan", "充电盒大小刚好", "小红书上的好物"] * 3
    q = term_quality(["哭r", "teddy", "nan·nannan", "bear小", "书上", "分享", "穿搭博主"], corpus=corpus)
    assert q.reasons["shortcode"] == 2 and q.reasons["placeholder"] == 2 and q.reasons["cross_script"] == 1
    assert q.reasons["fragment"] == 1 and q.reasons["generic"] == 1 and q.terms == 8 and q.bad == 7


def test_min_creators_is_declared_and_enforced() -> None:
    assert SceneAnalysis().min_creators == MIN_CREATORS and TrendAnalysis().min_creators == MIN_CREATORS
    assert SegmentAnalysis().min_creators == MIN_CREATORS
    assert Path(__file__).exists()
