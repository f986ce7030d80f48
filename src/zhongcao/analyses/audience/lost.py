"""Lost leads (战败人群): who they were, what they did after leaving their number, and whom they chose.

Reads only marts: ``lead_outcomes`` (leads by outcome and profile, plus the panel baseline),
``lead_post_engagement`` (notes and searches per outcome within 60 days after the lead) and
``note_text`` (public note text) and ``note_metrics`` (each public note's creator). No user rows are
read, so it runs on clean-room exports.

Terms go through the same checks as every text analysis (``zhongcao.analyses.vocabulary``): the
workspace's learned words teach the tokeniser, and a competitor term or a distinguishing term is
reported only when it is a word (not a placeholder, shortcode, sticker, generic word or Latin glued
to Chinese) carried by at least ``min_creators`` creators (a search query is its own author).

Because the marts count distinct leads per note or query, a lead who read five copybook notes
counts five times in a competitor's touches; shares are therefore shares of post-lead touches,
and intervals use the number of leads (not touches) as the sample size, which is conservative.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.audience.offers import is_offer_candidate
from zhongcao.analyses.audience.stats import (
    bh_qvalues,
    informative_prior,
    log_odds_dirichlet,
    tgi,
    tgi_p_value,
)
from zhongcao.analyses.audience.terms import term_sets, themes, weighted_counts
from zhongcao.analyses.base import (
    DEFAULT_MIN_GROUP_SIZE,
    Analysis,
    Interval,
    MartSource,
    Options,
    with_vocabulary,
)
from zhongcao.analyses.mentions import BrandMatcher, matcher_for
from zhongcao.analyses.vocabulary import DEFAULT_MIN_CREATORS, TermSupport, lexicon_for
from zhongcao.errors import InsufficientDataError
from zhongcao.text import Lexicon, entity_type
from zhongcao.text.quality import term_quality

PROFILE_ATTRIBUTES = ("channel", "lead_note", "gender", "age_band", "city_tier", "region")


def outcome(status: pd.Series, days_to_order: pd.Series, definition: str, window_days: int) -> pd.Series:
    """lost / converted / open per mart row (``platform`` rows stay ``platform``).

    ``status``: lost = status ``lost``; converted = ``trial`` or ``won``; the rest are open.
    ``window``: converted = ``trial``/``won`` or a first order within ``window_days`` of the
    lead; every other lead is lost (no conversion in the window).
    """
    s = status.fillna("").astype(str)
    if definition == "status":
        out = np.where(s == "lost", "lost", np.where(s.isin(["trial", "won"]), "converted", "open"))
    else:
        ordered = days_to_order.notna() & (days_to_order.fillna(10**6) <= window_days)
        out = np.where(s.isin(["trial", "won"]) | ordered, "converted", "lost")
    return pd.Series(np.where(s == "platform", "platform", out), index=status.index)


class LostLeadAnalysis(Analysis):
    """Lost vs converted leads: profile, post-lead engagement, and the competitors they went to.

    Parameters
    ----------
    definition:
        ``status`` (the CRM says lost) or ``window`` (no trial, win or order within ``window_days``).
    window_days:
        Days after the lead within which a conversion counts (``window`` definition).
    min_support:
        Fewest post-lead touches (lost + converted) a competitor needs to be ranked (the normal approximation
        of the TGI interval needs a few dozen).
    fdr:
        False-discovery rate of the over-indexed offers: candidates are discovered from the corpus, so many
        are tested; an offer over-indexes when its TGI interval's lower end is above 100 and its
        Benjamini–Hochberg q-value (one-sided test of TGI > 100 across all ranked offers) is at most this.
    min_group_size:
        Profile cells with fewer leads than this are suppressed.
    max_competitors:
        Rows kept in ``competitors_``.
    top_terms:
        Terms kept per direction in ``terms_``.
    min_creators:
        A term is reported (as a competitor's term or a distinguishing term) only when at least this
        many distinct creators' notes or distinct searches carry it.
    """

    name: ClassVar[str] = "lost"
    marts: ClassVar[tuple[str, ...]] = with_vocabulary("lead_outcomes", "lead_post_engagement", "note_text", "note_metrics")
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "definition": [Options(frozenset({"status", "window"}))],
        "window_days": [Interval(int, 1, 365)],
        "min_support": [Interval(int, 1, None)],
        "fdr": [Interval(float, 0, 1)],
        "min_group_size": [Interval(int, 1, None)],
        "max_competitors": [Interval(int, 1, 100)],
        "top_terms": [Interval(int, 1, 500)],
        "min_creators": [Interval(int, 1, None)],
    }

    def __init__(self, definition: str = "status", window_days: int = 30, min_support: int = 30, fdr: float = 0.05,
                 min_group_size: int = DEFAULT_MIN_GROUP_SIZE, max_competitors: int = 10, top_terms: int = 20,
                 min_creators: int = DEFAULT_MIN_CREATORS) -> None:
        self.definition = definition
        self.window_days = window_days
        self.min_support = min_support
        self.fdr = fdr
        self.min_group_size = min_group_size
        self.max_competitors = max_competitors
        self.top_terms = top_terms
        self.min_creators = min_creators

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        brand = source.brand
        out = source.mart("lead_outcomes").to_pandas()
        if out.empty or not (out["status"] != "platform").any():
            raise InsufficientDataError("no leads in the workspace: the lost-lead analysis needs the leads table")
        out["outcome"] = outcome(out["status"], out["days_to_order"], self.definition, self.window_days)
        total = out[out["attribute"] == "all"].groupby("outcome")["leads"].sum()
        n_lost, n_conv = float(total.get("lost", 0)), float(total.get("converted", 0))
        if n_lost == 0 or n_conv == 0:
            raise InsufficientDataError(
                f"need both lost and converted leads to compare; got {n_lost:.0f} lost and {n_conv:.0f} converted")
        panel = out[out["attribute"] == "in_panel"].groupby("value")["leads"].sum()
        leads = float(out[(out["attribute"] == "all") & (out["outcome"] != "platform")]["leads"].sum())
        self.counts_ = {
            "leads": leads, "lost": n_lost, "converted": n_conv, "open": float(total.get("open", 0)),
            "lost_rate": n_lost / leads, "platform_users": float(total.get("platform", 0)),
            "leads_not_in_panel": float(panel.get("no", 0)),
        }
        self.profile_ = _profile(out, self.min_group_size)
        self._engagement(source, brand, out, n_lost, n_conv)
        return self

    # ------------------------------------------------------------------------- engagement
    def _engagement(self, source: MartSource, brand: Any, out: pd.DataFrame, n_lost: float, n_conv: float) -> None:
        post = source.mart("lead_post_engagement").to_pandas()
        post["outcome"] = outcome(post["status"], post["days_to_order"], self.definition, self.window_days)
        post = post[post["outcome"].isin(["lost", "converted"])]
        units = post.pivot_table(index=["source", "item"], columns="outcome", values="leads", aggfunc="sum",
                                 fill_value=0).reset_index()
        for col in ("lost", "converted"):
            if col not in units:
                units[col] = 0
        notes = source.mart("note_text").to_pandas().set_index("note_id")
        is_note = units["source"] == "note"
        title = units["item"].map(notes["title"]).where(is_note, "")
        body = units["item"].map(notes["body"]).where(is_note, "")
        units["title"] = title.fillna("").astype(str)
        units["text"] = np.where(is_note, units["title"] + " " + body.fillna("").astype(str), units["item"])
        units["note_brand"] = units["item"].map(notes["brand"]).where(is_note)
        own = (brand.name or "").lower()
        matcher = matcher_for(source)
        other_brands = {str(b).lower(): "competitor" for b in notes["brand"].dropna().unique()
                        if str(b).strip() and str(b).lower() != own}
        lexicon = lexicon_for(source).with_words(other_brands)
        text_list = units["text"].astype(str).tolist()
        terms = term_sets(text_list, lexicon)
        creator = source.mart("note_metrics").to_pandas().set_index("note_id")["creator_id"]
        authors = np.where(is_note, "c:" + units["item"].map(creator).fillna("").astype(str),
                           "q:" + units["item"].astype(str)).tolist()
        support = TermSupport(terms, authors, lexicon=lexicon, min_creators=self.min_creators)
        t_lost, t_conv = float(units["lost"].sum()), float(units["converted"].sum())
        self.touches_ = {"lost": t_lost, "converted": t_conv, "notes": float(is_note.sum()),
                         "queries": float((~is_note).sum())}
        if t_lost == 0 or t_conv == 0:
            raise InsufficientDataError("no post-lead notes or searches for lost or converted leads")
        counts = weighted_counts(terms, units["lost"].to_numpy(float), ["lost"] * len(units))
        conv = weighted_counts(terms, units["converted"].to_numpy(float), ["converted"] * len(units))
        table = pd.concat([counts, conv]).fillna(0.0).T
        for col in ("lost", "converted"):
            if col not in table:
                table[col] = 0.0
        self.terms_ = _distinguishing(table[[support.reportable(str(t)) for t in table.index]], self.top_terms)
        self.competitors_, self.suppressed_competitors_ = self._competitors(
            table, units, terms, lexicon, matcher, brand, (n_lost, n_conv, t_lost, t_conv), support)
        reported = [t for ts in self.competitors_["terms"] for t in ts] + self.terms_["term"].tolist()
        self.term_quality_ = term_quality(reported, lexicon, corpus=text_list, creators=support.creators,
                                          min_creators=self.min_creators).to_dict()

    def _competitors(self, table: pd.DataFrame, units: pd.DataFrame, terms: list[list[str]], lexicon: Lexicon,
                     matcher: BrandMatcher, brand: Any, n: tuple[float, float, float, float], vocab: TermSupport
                     ) -> tuple[pd.DataFrame, int]:
        n_lost, n_conv, t_lost, t_conv = n
        w = (units["lost"] + units["converted"]).to_numpy(float)
        # A note or search naming the brand (name, alias, product, variant) is about the brand's own offer.
        own_units = matcher.mentions(units["text"].astype(str).tolist())
        own_names = BrandMatcher(brand).mentions
        own_w = weighted_counts(terms, np.where(own_units, w, 0.0), ["x"] * len(terms)).T.get("x")
        cands = []
        for term, row in table.iterrows():
            # Offers are discovered from the corpus (offers.py), not only from brand.toml and the brand column.
            if not is_offer_candidate(str(term), lexicon) or own_names([str(term)])[0] or not vocab.reportable(str(term)):
                continue
            kind = entity_type(str(term), lexicon) or "discovered"
            support = row["lost"] + row["converted"]
            # An offer mostly named next to the brand itself is the brand's own course, not a rival.
            if support <= 0 or (own_w is not None and float(own_w.get(term, 0.0)) / support > 0.5):
                continue
            # Log TGI with a half-count of smoothing: how differently lost and converted leads use it.
            log_tgi = math.log(((row["lost"] + 0.5) / n_lost) / ((row["converted"] + 0.5) / n_conv))
            cands.append((str(term), support, kind, log_tgi))
        cands.sort(key=lambda c: -c[1])
        kinds = {c[0]: c[2] for c in cands}
        # Terms of one offer behave alike; a term whose TGI differs more than 2× from a group's
        # leader is kept apart even when both are named in the same comparison notes.
        groups = themes([c[0] for c in cands], terms, w, nest=True, scores=[c[3] for c in cands],
                        max_score_gap=math.log(2.0))
        assigned = _assign(terms, groups, units["title"].astype(str).str.lower().tolist())
        known = {k.lower() for k in brand.known_competitors}
        rows, suppressed = [], 0
        for gi, group in enumerate(groups):
            members = set(group)
            hit = assigned == gi
            e_lost, e_conv = float(units.loc[hit, "lost"].sum()), float(units.loc[hit, "converted"].sum())
            if e_lost + e_conv < self.min_support:
                suppressed += 1
                continue
            s_lost, s_conv = e_lost / t_lost, e_conv / t_conv
            point, lo, hi = tgi(s_lost, n_lost, s_conv, n_conv)
            ex = units[hit & (units["source"] == "note")].sort_values("lost", ascending=False).head(3)
            queries = units[hit & (units["source"] == "query")].sort_values("lost", ascending=False).head(3)
            rows.append({
                "offer": group[0], "terms": group[:8], "entity_type": _majority([kinds[t] for t in group]),
                "known": bool(members & known) or any(k in t for k in known for t in group),
                "lost_touches": e_lost, "converted_touches": e_conv,
                "lost_share": s_lost, "converted_share": s_conv,
                "touches_per_100_lost": 100 * e_lost / n_lost,
                "tgi": point, "tgi_low": lo, "tgi_high": hi, "p_value": tgi_p_value(s_lost, n_lost, s_conv, n_conv),
                "over_indexed": bool(lo > 100), "under_indexed": bool(hi < 100),
                "example_notes": [{"note_id": r.item, "title": r.title, "lost_leads": float(r.lost)}
                                  for r in ex.itertuples()],
                "example_queries": [str(q) for q in queries["item"]],
            })
        cols = ["offer", "terms", "entity_type", "known", "lost_touches", "converted_touches", "lost_share",
                "converted_share", "touches_per_100_lost", "tgi", "tgi_low", "tgi_high", "p_value", "q_value",
                "over_indexed", "under_indexed", "example_notes", "example_queries"]
        frame = pd.DataFrame(rows, columns=cols)
        if not frame.empty:
            frame["q_value"] = bh_qvalues(frame["p_value"].to_numpy(float))
            frame["over_indexed"] = frame["over_indexed"] & (frame["q_value"] <= self.fdr)
            # Ranked by what the loss is worth at the cautious end: lost-lead touches beyond what the converted
            # leads' rate explains at the interval's lower TGI, lost × (1 − 100 / TGI_low). A huge TGI on a
            # handful of touches is not a finding, and neither is a variant name of a rival (线下练字 beside
            # 线下书法班: TGI_low 369 on 379 touches ranked above 字帖, 364 on 3,751, when sorted by TGI_low).
            frame["excess_lost_low"] = frame["lost_touches"] * (1 - 100 / frame["tgi_low"].where(frame["tgi_low"] > 0))
            frame["excess_lost_low"] = frame["excess_lost_low"].fillna(-np.inf)
            frame["_rank"] = frame["excess_lost_low"].where(frame["over_indexed"], -np.inf)
            frame = (frame.sort_values(["_rank", "tgi_low", "tgi"], ascending=[False, False, False])
                     .drop(columns="_rank").head(self.max_competitors))
        return frame.reset_index(drop=True), suppressed


def _assign(terms: list[list[str]], groups: list[list[str]], titles: list[str] | None = None) -> np.ndarray:
    """Each note or query belongs to the offer most of its offer words name (−1: none).

    A copybook note that says "cheaper than an offline class" stays a copybook note: counting
    every mention would credit each offer with its rivals' notes. A tie goes to the offer the title
    names (《线下练字班值得报吗》 that says "比起网课…" is an offline-class note), else to the larger offer
    (lower index), which is the more common reading.
    """
    where = {t: gi for gi, g in enumerate(groups) for t in g}
    out = np.full(len(terms), -1, dtype=np.int64)
    for i, ts in enumerate(terms):
        votes = [where[t] for t in ts if t in where]
        if votes:
            title = titles[i] if titles is not None else ""
            out[i] = min(set(votes), key=lambda g: (-votes.count(g), not _named_in(groups[g], title), g))
    return out


def _named_in(group: list[str], title: str) -> bool:
    return bool(title) and any(t.lstrip("#") in title for t in group)


def _majority(values: list[str]) -> str:
    return max(set(values), key=values.count) if values else ""


def _profile(out: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """Lost vs converted vs the panel for each profile attribute value, with TGI and suppression."""
    rows = []
    totals = out[out["attribute"] == "all"].groupby("outcome")["leads"].sum()
    for attribute in PROFILE_ATTRIBUTES:
        sub = out[out["attribute"] == attribute]
        if sub.empty:
            continue
        wide = sub.pivot_table(index="value", columns="outcome", values="leads", aggfunc="sum", fill_value=0)
        base = {k: float(sub[sub["outcome"] == k]["leads"].sum()) for k in ("lost", "converted", "platform")}
        for value, r in wide.iterrows():
            lost, conv, plat = (float(r.get(k, 0)) for k in ("lost", "converted", "platform"))
            small = lost + conv < min_group
            s_l = lost / base["lost"] if base["lost"] else math.nan
            s_c = conv / base["converted"] if base["converted"] else math.nan
            s_p = plat / base["platform"] if base["platform"] else math.nan
            t, lo, hi = tgi(s_l, float(totals.get("lost", 0)), s_c, float(totals.get("converted", 0)))
            tp = 100 * s_l / s_p if s_p and not math.isnan(s_p) else math.nan
            rows.append({"attribute": attribute, "value": str(value),
                         "lost": math.nan if small else lost, "converted": math.nan if small else conv,
                         "platform": plat, "lost_share": math.nan if small else s_l,
                         "converted_share": math.nan if small else s_c, "platform_share": s_p,
                         "tgi_vs_converted": math.nan if small else t, "tgi_low": math.nan if small else lo,
                         "tgi_high": math.nan if small else hi, "tgi_vs_platform": math.nan if small else tp,
                         "suppressed": bool(small)})
    cols = ["attribute", "value", "lost", "converted", "platform", "lost_share", "converted_share", "platform_share",
            "tgi_vs_converted", "tgi_low", "tgi_high", "tgi_vs_platform", "suppressed"]
    return pd.DataFrame(rows, columns=cols)


def _distinguishing(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """Terms of lost vs converted leads' post-lead notes and searches, by Monroe log-odds z."""
    if table.empty:
        return pd.DataFrame(columns=["term", "lost", "converted", "z", "side"])
    a, b = table["lost"].to_numpy(float), table["converted"].to_numpy(float)
    _, _, z = log_odds_dirichlet(a, b, informative_prior(a + b, strength=max(100.0, 0.1 * float((a + b).sum()))))
    frame = pd.DataFrame({"term": table.index.astype(str), "lost": a, "converted": b, "z": z})
    top = frame.nlargest(k, "z").assign(side="lost")
    bottom = frame.nsmallest(k, "z").assign(side="converted")
    return pd.concat([top, bottom]).reset_index(drop=True)
