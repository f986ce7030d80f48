"""Reading notes: genuine use (真实自用) and the soft-ad score (一看就是软文).

Both are transparent rules over public note text; every flag carries the phrases that fired.

Genuine use, per creator, over notes about the brand: organic notes published before the
creator's first sponsored note (or with no sponsorship at all) that use first-person long-use
language (用了三个月, 回购, 一直在用, 自用 …), how many distinct months they span and how many
distinct strong markers (repurchase, continued or self-paid use) they use. Score = long-use
organic notes before sponsorship + (months spanned − 1) + min(strong markers, 3); genuine when the
score is at least ``genuine_min_score`` (default 5) with two or more such notes.

Soft-ad score, per note (text folded to simplified script): hard-sell phrases (闭眼入, 手慢无, 可以下手了 …), discount codes (优惠码/口令/暗号/福利码 …
+ a code mixing letters and digits), superlatives (全网最低, 天花板 …), brand copy shared verbatim by
notes of many creators (8-character shingles seen under ``copy_min_creators`` or more creators),
minus personal experience (first-person use). Which scores read as ads is calibrated on the world
(:func:`calibrate_soft_ads`): notes not about the brand are the null (the brand's soft ads cannot be
among them), each brand note gets an empirical p-value (the share of null notes scoring as high),
and Benjamini–Hochberg keeps the false-discovery rate at ``fdr``; the fixed threshold stays a minimum
effect (brand notes share product copy that other notes lack, so on clip-earbuds significance alone
flagged ordinary brand notes: precision 0.10). With fewer than ``MIN_NULL`` notes outside the brand
(an export of the brand's own notes only) the fixed threshold alone is used. Sponsored
notes that read as ads are disclosed ads; unsponsored ones are likely undisclosed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from zhongcao.analyses.stats import bh_qvalues
from zhongcao.text.normalise import fold

# A week is not long use (踩雷 posts say 用了一周就坏了); months and years are.
LONG_USE = re.compile(r"用了(?:快|小)?(?:[一二两三四五六七八九十半\d]+(?:个)?(?:月|年)多?)|用了(?:很久|好久|多年|几年)|"
                      r"回购|一直(?:在)?用|一直买|自用|自己花钱|第二单|长期使用|陪了我|用到现在|空瓶|"
                      r"第[二三四五六七八九十\d]+次(?:买|购买|回购)|又买了|再次购买|老顾客|囤货|囤了")
# Repurchase, continued and self-paid use: what a paid one-off review rarely says (months of use alone is not).
STRONG = re.compile(r"回购|一直(?:在)?用|一直买|自用|自己花钱|第二单|长期使用|陪了我|用到现在|空瓶|第.+次|又买了|再次购买|"
                    r"老顾客|囤")
FIRST_PERSON = re.compile(r"我|我家|自己|本人|亲测|娃|孩子")
HARD_SELL = re.compile(r"闭眼入|绝绝子|手慢无|冲就完了|谁买谁夸|不买后悔|yyds|按头安利|不允许还有人不知道|挖到宝|"
                       r"冲鸭|赶紧买|速速|必入|无限回购|链接在评论区|可以(?:放心)?下手了?|放心入|入手不亏|抓紧入")
# A code word is letters and digits mixed (GOOD50, 520JIA): 尺码 XXL or 口令 123 are not codes.
CODE = re.compile(r"[\u4e00-\u9fff]{0,3}(?:码|口令|暗号|备注)\s*[:：]?\s*"
                  r"(?:[A-Za-z]+\d[A-Za-z\d]*|\d+[A-Za-z][A-Za-z\d]*)")
MIN_NULL = 100  # notes outside the brand needed to calibrate the soft-ad score on the world
SUPERLATIVE = re.compile(r"全网最低|最低价|天花板|第一名|史上最|全网最|no\.?1|top1|最好用|最值", re.IGNORECASE)
_SHINGLE = 8
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def _hits(pattern: re.Pattern[str], text: str) -> list[str]:
    return pattern.findall(text or "")


def _shingles(text: str) -> set[str]:
    t = _STRIP.sub("", text or "")
    return {t[i:i + _SHINGLE] for i in range(max(len(t) - _SHINGLE + 1, 0))}


def shared_copy(notes: pd.DataFrame, min_creators: int) -> pd.Series:
    """Per note: how many of its 8-character shingles appear in notes of ``min_creators``+ creators."""
    sh = [_shingles(f"{a} {b}") for a, b in zip(notes["title"], notes["body"], strict=True)]
    owners: dict[str, set[str]] = {}
    for creator, s in zip(notes["creator_id"], sh, strict=True):
        for x in s:
            owners.setdefault(x, set()).add(creator)
    common = {x for x, c in owners.items() if len(c) >= min_creators}
    return pd.Series([len(s & common) for s in sh], index=notes.index, dtype=float)


def soft_ad_scores(notes: pd.DataFrame, *, copy_min_creators: int = 8, copy_baseline: float | None = None,
                   ) -> pd.DataFrame:
    """One row per note: the components, the score and the phrases that fired."""
    # Folded (width, case, traditional script: 券碼 is 券码) so a note written in either script reads the same.
    text = [fold(f"{a} {b}") for a, b in zip(notes["title"].fillna(""), notes["body"].fillna(""), strict=True)]
    hard = [_hits(HARD_SELL, t) for t in text]
    codes = [_hits(CODE, t) for t in text]
    sup = [_hits(SUPERLATIVE, t) for t in text]
    personal = np.array([bool(LONG_USE.search(t)) or len(FIRST_PERSON.findall(t)) >= 1 for t in text])
    copy = shared_copy(notes, copy_min_creators)
    # Shared shingles are normal within a category (everyone says 控笔); only copy well above the
    # typical note's overlap counts, in steps of that typical overlap.
    base = float(copy.median()) if copy_baseline is None else copy_baseline
    copy_excess = ((copy - base) / max(base, 5.0)).clip(lower=0, upper=2)
    score = (np.minimum([len(h) for h in hard], 4) + 2 * np.minimum([len(c) for c in codes], 2)
             + np.minimum([len(s) for s in sup], 2) + copy_excess.to_numpy() - 2 * personal)
    return pd.DataFrame({
        "note_id": notes["note_id"].to_numpy(), "creator_id": notes["creator_id"].to_numpy(),
        "sponsored": notes["sponsored"].fillna(False).astype(bool).to_numpy(),
        "hard_sell": [len(h) for h in hard], "codes": [len(c) for c in codes], "superlatives": [len(s) for s in sup],
        "shared_copy": copy.to_numpy(), "personal": personal, "score": np.asarray(score, float),
        "phrases": ["、".join(dict.fromkeys([*h, *c, *s])) for h, c, s in zip(hard, codes, sup, strict=True)],
    })


def calibrate_soft_ads(score: np.ndarray, about: np.ndarray, fdr: float, fallback: float
                       ) -> tuple[np.ndarray, np.ndarray, str]:
    """Which brand notes read as ads: (flags, q-values, method). ``about``: the note is about the brand."""
    score, about = np.asarray(score, float), np.asarray(about, bool)
    null = np.sort(score[~about])
    q = np.ones(len(score))
    if len(null) < MIN_NULL:
        return about & (score >= fallback), q, "threshold"
    idx = np.flatnonzero(about)
    # Empirical p-value: the share of null notes scoring at least as high (plus one, so never zero).
    p = (1 + len(null) - np.searchsorted(null, score[idx], side="left")) / (1 + len(null))
    q[idx] = bh_qvalues(p)
    # The fixed threshold stays the minimum effect (two ad signals): brand notes share product copy that notes
    # outside the brand lack, so significance against them alone would call ordinary brand notes ads.
    return about & (q <= fdr) & (score >= fallback), q, "fdr"


def genuine_use(notes: pd.DataFrame) -> pd.DataFrame:
    """One row per creator with notes about the brand: evidence of genuine, self-paid use."""
    n = notes.copy()
    n["sponsored"] = n["sponsored"].fillna(False).astype(bool)
    first_sp = n[n["sponsored"]].groupby("creator_id")["published_at"].min()
    n["first_sponsored"] = n["creator_id"].map(first_sp)
    n["before"] = ~n["sponsored"] & (n["first_sponsored"].isna() | (n["published_at"] < n["first_sponsored"]))
    text = n["title"].fillna("") + " " + n["body"].fillna("")
    n["long_use_phrases"] = [list(dict.fromkeys(LONG_USE.findall(t))) for t in text]
    n["long_use"] = n["long_use_phrases"].map(bool) & n["before"]
    rows = []
    for creator, g in n.groupby("creator_id"):
        lu = g[g["long_use"]]
        months = lu["published_at"].dt.to_period("M").nunique() if len(lu) else 0
        strong = {p for ps in lu["long_use_phrases"] for p in ps if STRONG.search(p)}
        rows.append({"creator_id": creator, "brand_notes": len(g), "organic_before_sponsorship": int(g["before"].sum()),
                     "long_use_notes": len(lu), "months_spanned": int(months),
                     "sponsored_notes": int(g["sponsored"].sum()),
                     "strong_markers": len(strong),
                     "score": float(len(lu) + max(months - 1, 0) + min(len(strong), 3)),
                     "evidence_notes": list(lu["note_id"].astype(str))[:5],
                     "phrases": "、".join(dict.fromkeys(p for ps in lu["long_use_phrases"] for p in ps))})
    return pd.DataFrame(rows, columns=["creator_id", "brand_notes", "organic_before_sponsorship", "long_use_notes",
                                       "months_spanned", "sponsored_notes", "strong_markers", "score", "evidence_notes", "phrases"])


def flatten(values: Iterable[Iterable[str]]) -> list[str]:
    return [v for vs in values for v in vs]
