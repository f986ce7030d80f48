"""Cross-platform attribution (成交分离): what each channel, creator and note returned.

Reads only marts: ``attribution_journeys`` (path counts per conversion type and lookback),
``attribution_long_transitions`` and ``attribution_long_credit`` (what the last-20 paths leave out of
longer journeys, so first-order Markov and the heuristics are exact at any length),
``attribution_touch_credit`` (heuristic credit per channel × note), ``attribution_cost``,
``attribution_midfunnel``, ``campaign_daily`` and the ``holdout_*`` marts. No user rows.
docs/attribution.md gives every formula; the short version:

- conversion types are won leads (``lead``) and orders per platform (``order_<platform>``);
  each is modelled separately and order types are summed into ``orders``;
- channel credit by first/last touch, linear, position 40/20/40, time decay, exact Markov
  removal effects (order 1–3) and Shapley values over channel sets;
- path-model intervals: Poisson bootstrap over journeys; touch-level (time decay, creators,
  notes): compound-Poisson normal intervals from the summed squared credits;
- creators and notes: heuristic credit from the touch-credit mart; the Markov and Shapley rows
  allocate each channel's credit within the channel by linear-credit share.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.attribution import lift as lift_mod
from zhongcao.analyses.attribution.long import LongJourneys
from zhongcao.analyses.attribution.models import PathModels, path_table
from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE, Analysis, Interval, MartSource, Options
from zhongcao.analyses.stats import wilson
from zhongcao.engine import LOOKBACK_DAYS
from zhongcao.errors import AnalysisError, InsufficientDataError

LOOKBACKS = LOOKBACK_DAYS  # the windows the attribution marts are built for
HALF_LIVES = (3, 7, 14)
PATH_MODELS = ("first_touch", "last_touch", "linear", "position_based", "markov", "shapley")
MODELS = (*PATH_MODELS[:4], "time_decay", *PATH_MODELS[4:])
Z90 = 1.6448536269514722


class AttributionAnalysis(Analysis):
    """Multi-touch attribution, ROI, mid-funnel signals and the lift study.

    Parameters
    ----------
    lookback_days:
        Touches counted before a conversion: 7, 15, 30 or 60 days (ROI(T+x)); or a mapping
        conversion type → days (e.g. ``{"lead": 60}``), missing types taking 30.
    half_life_days:
        Half-life of the time-decay model: 3, 7 or 14 days.
    markov_order:
        Order of the Markov chain (states are the last 1–3 channels).
    bootstrap_draws:
        Poisson bootstrap draws over journeys for path-model intervals.
    min_group_size:
        Creators, notes and reader groups touching fewer journeys/readers are suppressed.
    holdout_campaign:
        Campaign (from spend) with the randomized holdout; None finds it from the data.
    lift_tail_days:
        Days after the campaign's last day whose orders still count in the lift study.
    seed:
        Seed of the bootstrap.
    """

    name: ClassVar[str] = "attribution"
    marts: ClassVar[tuple[str, ...]] = (
        "attribution_journeys", "attribution_long_transitions", "attribution_long_credit",
        "attribution_touch_credit", "attribution_cost", "attribution_midfunnel", "campaign_daily",
        "holdout_touches", "holdout_orders",
    )
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "lookback_days": [Options(frozenset(LOOKBACKS)), dict],
        "half_life_days": [Options(frozenset(HALF_LIVES))],
        "markov_order": [Interval(int, 1, 3)],
        "bootstrap_draws": [Interval(int, 20, 10_000)],
        "min_group_size": [Interval(int, 1, None)],
        "holdout_campaign": [str, None],
        "lift_tail_days": [Interval(int, 0, 90)],
        "seed": [Interval(int, 0, None)],
    }

    def __init__(self, lookback_days: int | dict[str, int] = 30, half_life_days: int = 7, markov_order: int = 1,
                 bootstrap_draws: int = 200, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                 holdout_campaign: str | None = None, lift_tail_days: int = 14, seed: int = 0) -> None:
        self.lookback_days = lookback_days
        self.half_life_days = half_life_days
        self.markov_order = markov_order
        self.bootstrap_draws = bootstrap_draws
        self.min_group_size = min_group_size
        self.holdout_campaign = holdout_campaign
        self.lift_tail_days = lift_tail_days
        self.seed = seed

    def _lookback(self, conversion_type: str) -> int:
        if isinstance(self.lookback_days, dict):
            days = self.lookback_days.get(conversion_type, 30)
            if days not in LOOKBACKS:
                raise AnalysisError(f"lookback for {conversion_type!r} must be one of {LOOKBACKS}, got {days}")
            return int(days)
        return int(self.lookback_days)

    # --------------------------------------------------------------------------------- fit
    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        journeys = source.mart("attribution_journeys").to_pandas()
        touch = source.mart("attribution_touch_credit").to_pandas()
        cost = source.mart("attribution_cost").to_pandas()
        types = sorted(t for t in journeys["conversion_type"].unique() if t != "none")
        if not types or journeys.loc[journeys["converted"], "conversions"].sum() == 0:
            raise InsufficientDataError("no won leads or orders in the workspace: nothing to attribute")
        touched = journeys["converted"] & (journeys["path"] != "") & journeys["conversion_type"].isin(types)
        if journeys.loc[touched, "conversions"].sum() == 0:
            raise InsufficientDataError("no won lead or order has a touch (exposures) before it: nothing to attribute")
        touch = pd.concat([touch[(touch["conversion_type"] == t) & (touch["lookback_days"] == self._lookback(t))]
                           for t in types], ignore_index=True)
        self.conversion_types_ = types
        self.journeys_ = self._journey_summary(journeys, types)
        self.flows_ = self._flows(journeys, [t for t in types if t != "lead"] or types)
        long = (source.mart("attribution_long_transitions").to_pandas(),
                source.mart("attribution_long_credit").to_pandas())
        self.channels_ = self._channel_credit(journeys, long, touch, types)
        self._add_cost(self.channels_, cost.groupby("channel")["cost"].sum(), "channel")
        self.creators_ = self._item_credit(touch, "creator_id", cost)
        notes = self._item_credit(touch, "note_id", cost)
        # Thousands of notes: keep only the published ones (the count of the rest is kept).
        self.notes_suppressed_ = int(notes.loc[notes["suppressed"], "note_id"].nunique()) if len(notes) else 0
        self.notes_ = notes[~notes["suppressed"]].reset_index(drop=True) if len(notes) else notes
        self.creator_platforms_ = self._creator_platforms(touch, cost)
        self.platform_split_ = self._platform_split(touch)
        self.midfunnel_ = self._midfunnel(source.mart("attribution_midfunnel").to_pandas(), cost)
        self.lift_ = self._lift(source)
        return self

    def _paths(self, journeys: pd.DataFrame, conversion_type: str) -> pd.DataFrame:
        days = self._lookback(conversion_type)
        j = journeys[journeys["lookback_days"] == days]
        conv = j[j["conversion_type"] == conversion_type].assign(nulls=0, truncated_nulls=0)
        null = j[j["conversion_type"] == "none"].assign(nulls=lambda f: f["journeys"], conversions=0, revenue=0.0,
                                                        truncated_nulls=lambda f: f["truncated"], truncated=0,
                                                        truncated_revenue=0.0)
        cols = ["path", "conversions", "nulls", "revenue", "truncated", "truncated_nulls", "truncated_revenue"]
        return path_table(pd.concat([conv, null], ignore_index=True)[cols])

    def _flows(self, journeys: pd.DataFrame, types: list[str], steps: int = 3) -> pd.DataFrame:
        """Journeys flowing step to step (channel at touch 1 → touch 2 → … → converted or not).

        Nodes carry their step number (``1·kol``) so the flow is acyclic and can be drawn as a
        Sankey; paths longer than ``steps`` touches jump from their ``steps``-th touch to the end.
        """
        paths = pd.concat([self._paths(journeys, t) for t in types], ignore_index=True)
        paths = paths.groupby("path", as_index=False)[["conversions", "nulls"]].sum()
        links: dict[tuple[str, str], float] = {}
        for path, conv, null in zip(paths["path"], paths["conversions"], paths["nulls"], strict=True):
            chans = [c.strip() for c in str(path).split(">") if c.strip()][:steps]
            if not chans:
                continue
            nodes = [f"{i + 1}·{c}" for i, c in enumerate(chans)]
            for a, b in pairwise(nodes):
                links[(a, b)] = links.get((a, b), 0.0) + float(conv + null)
            for end, n in (("converted", conv), ("not converted", null)):
                if n:
                    links[(nodes[-1], end)] = links.get((nodes[-1], end), 0.0) + float(n)
        frame = pd.DataFrame([(a, b, v) for (a, b), v in links.items()], columns=["source", "target", "journeys"])
        return frame.sort_values("journeys", ascending=False).reset_index(drop=True)

    def _journey_summary(self, journeys: pd.DataFrame, types: list[str]) -> pd.DataFrame:
        rows = []
        for t in types:
            j = journeys[(journeys["conversion_type"] == t) & (journeys["lookback_days"] == self._lookback(t))]
            rows.append({"conversion_type": t, "lookback_days": self._lookback(t),
                         "conversions": float(j["conversions"].sum()), "revenue": float(j["revenue"].sum()),
                         "untouched": float(j.loc[j["path"] == "", "conversions"].sum()),
                         "untouched_revenue": float(j.loc[j["path"] == "", "revenue"].sum()),
                         "truncated": float(j["truncated"].sum()), "distinct_paths": float((j["path"] != "").sum())})
        return pd.DataFrame(rows)

    def _channel_credit(self, journeys: pd.DataFrame, long: tuple[pd.DataFrame, pd.DataFrame], touch: pd.DataFrame,
                        types: list[str]) -> pd.DataFrame:
        rng = np.random.default_rng(self.seed)
        point: dict[tuple[str, str, str], list[float]] = {}
        draws: dict[tuple[str, str, str], np.ndarray] = {}
        b = self.bootstrap_draws
        for t in types:
            group = "lead" if t == "lead" else "orders"
            paths = self._paths(journeys, t)
            if paths.empty or paths["conversions"].sum() == 0:
                continue
            pm = PathModels(paths, self.markov_order, LongJourneys.from_marts(*long, t, self._lookback(t)))
            c0, n0, r0 = (paths[k].to_numpy(float) for k in ("conversions", "nulls", "revenue"))
            for model, frame in pm.all(c0, n0, r0).items():
                for row in frame.itertuples():
                    acc = point.setdefault((group, model, row.channel), [0.0, 0.0])
                    acc[0] += row.conversions
                    acc[1] += row.revenue
            cs, ns = np.empty((len(c0), b)), np.empty((len(n0), b))
            for i in range(b):  # the same random stream, draw by draw, as one draw at a time would use
                cs[:, i] = rng.poisson(c0)
                ns[:, i] = rng.poisson(n0)
            rs = r0[:, None] * np.divide(cs, c0[:, None], out=np.zeros_like(cs), where=c0[:, None] > 0)
            for model, (conv, rev) in pm.credit_many(cs, ns, rs).items():
                for j, channel in enumerate(pm.channels):
                    arr = draws.setdefault((group, model, channel), np.zeros((b, 2)))
                    arr[:, 0] += conv[j]
                    arr[:, 1] += rev[j]
        rows = []
        for (group, model, channel), (conv, rev) in point.items():
            d = draws.get((group, model, channel), np.zeros((b, 2)))
            lo, hi = np.quantile(d, [0.05, 0.95], axis=0)
            rows.append({"conversion": group, "model": model, "channel": channel, "conversions": conv,
                         "conversions_low": lo[0], "conversions_high": hi[0], "revenue": rev,
                         "revenue_low": lo[1], "revenue_high": hi[1], "interval": "poisson bootstrap over journeys"})
        h = self.half_life_days
        td = touch.assign(conversion=np.where(touch["conversion_type"] == "lead", "lead", "orders"))
        cols = {f"time_decay_{h}": "c", f"time_decay_{h}_sq": "c2",
                f"time_decay_{h}_revenue": "r", f"time_decay_{h}_revenue_sq": "r2"}
        g = td.groupby(["conversion", "channel"], as_index=False)[list(cols)].sum().rename(columns=cols)
        for row in g.itertuples():
            sc, sr = math.sqrt(row.c2), math.sqrt(row.r2)
            rows.append({"conversion": row.conversion, "model": "time_decay", "channel": row.channel,
                         "conversions": row.c, "conversions_low": row.c - Z90 * sc,
                         "conversions_high": row.c + Z90 * sc, "revenue": row.r, "revenue_low": row.r - Z90 * sr,
                         "revenue_high": row.r + Z90 * sr, "interval": "compound Poisson, normal"})
        out = pd.DataFrame(rows)
        totals = out.groupby(["conversion", "model"])["conversions"].transform("sum")
        out["share"] = out["conversions"] / totals.where(totals > 0)
        return out.sort_values(["conversion", "model", "conversions"], ascending=[True, True, False]).reset_index(
            drop=True)

    @staticmethod
    def _add_cost(frame: pd.DataFrame, cost: pd.Series, key: str) -> None:
        c = frame[key].map(cost).fillna(0.0).astype(float)
        frame["cost"] = c
        pos = c.where(c > 0)
        frame["roi"] = frame["revenue"] / pos
        frame["roi_low"] = frame["revenue_low"] / pos
        frame["roi_high"] = frame["revenue_high"] / pos
        frame["cpa"] = c.where(c > 0) / frame["conversions"].where(frame["conversions"] > 0)

    def _item_credit(self, touch: pd.DataFrame, key: str, cost: pd.DataFrame) -> pd.DataFrame:
        """Credit per creator or note, orders only; Markov/Shapley allocated by linear share in channel."""
        t = touch[(touch["conversion_type"] != "lead") & (touch[key].fillna("") != "")]
        if t.empty:
            return pd.DataFrame(columns=["model", key, "channel", "conversions", "revenue", "journeys"])
        h = self.half_life_days
        names = {"first_touch": "first_touch", "last_touch": "last_touch", "linear": "linear",
                 "position_based": "position_based", "time_decay": f"time_decay_{h}"}
        sums = []
        for suffix in ("", "_sq", "_revenue", "_revenue_sq"):
            sums += [col + suffix for col in names.values()]
        g = t.groupby([key, "channel"], as_index=False)[[*sums, "journeys"]].sum()
        rows = []
        for model, col in names.items():
            sc, sr = np.sqrt(g[col + "_sq"]), np.sqrt(g[col + "_revenue_sq"])
            rows.append(pd.DataFrame({
                "model": model, key: g[key], "channel": g["channel"], "journeys": g["journeys"],
                "conversions": g[col], "conversions_low": g[col] - Z90 * sc, "conversions_high": g[col] + Z90 * sc,
                "revenue": g[col + "_revenue"], "revenue_low": g[col + "_revenue"] - Z90 * sr,
                "revenue_high": g[col + "_revenue"] + Z90 * sr}))
        linear = rows[2]
        share_c = linear["conversions"] / linear.groupby("channel")["conversions"].transform("sum").replace(0, np.nan)
        share_r = linear["revenue"] / linear.groupby("channel")["revenue"].transform("sum").replace(0, np.nan)
        ch = self.channels_[self.channels_["conversion"] == "orders"]
        for model in ("markov", "shapley"):
            m = ch[ch["model"] == model].set_index("channel")
            conv = linear["channel"].map(m["conversions"]).fillna(0) * share_c.fillna(0)
            rev = linear["channel"].map(m["revenue"]).fillna(0) * share_r.fillna(0)
            lo = linear["channel"].map(m["conversions_low"] / m["conversions"].replace(0, np.nan)).fillna(0)
            hi = linear["channel"].map(m["conversions_high"] / m["conversions"].replace(0, np.nan)).fillna(0)
            rlo = linear["channel"].map(m["revenue_low"] / m["revenue"].replace(0, np.nan)).fillna(0)
            rhi = linear["channel"].map(m["revenue_high"] / m["revenue"].replace(0, np.nan)).fillna(0)
            rows.append(pd.DataFrame({
                "model": model, key: linear[key], "channel": linear["channel"], "journeys": linear["journeys"],
                "conversions": conv, "conversions_low": conv * lo, "conversions_high": conv * hi,
                "revenue": rev, "revenue_low": rev * rlo, "revenue_high": rev * rhi}))
        out = pd.concat(rows, ignore_index=True)
        out = out.groupby(["model", key], as_index=False)[
            ["journeys", "conversions", "conversions_low", "conversions_high", "revenue", "revenue_low",
             "revenue_high"]].sum()
        per_item = cost[cost[key] != ""].groupby(key)["cost"].sum()
        self._add_cost(out, per_item, key)
        out["suppressed"] = out["journeys"] < self.min_group_size
        return self._suppress(out.sort_values(["model", "conversions"], ascending=[True, False]).reset_index(drop=True))

    @staticmethod
    def _suppress(frame: pd.DataFrame) -> pd.DataFrame:
        hide = [c for c in frame.columns if c.startswith(("conversions", "revenue", "roi", "cpa"))]
        frame.loc[frame["suppressed"], hide] = np.nan
        return frame

    def _creator_platforms(self, touch: pd.DataFrame, cost: pd.DataFrame) -> pd.DataFrame:
        """Linear credit per creator × platform (revenue and a compound-Poisson interval) with creator ROI."""
        t = touch[(touch["conversion_type"] != "lead") & (touch["creator_id"].fillna("") != "")]
        g = t.groupby(["creator_id", "conversion_type"], as_index=False)[
            ["journeys", "linear", "linear_revenue", "linear_revenue_sq"]].sum()
        g["platform"] = g["conversion_type"].str.removeprefix("order_")
        se = np.sqrt(g["linear_revenue_sq"])
        out = pd.DataFrame({"creator_id": g["creator_id"], "platform": g["platform"], "journeys": g["journeys"],
                            "conversions": g["linear"], "revenue": g["linear_revenue"],
                            "revenue_low": g["linear_revenue"] - Z90 * se,
                            "revenue_high": g["linear_revenue"] + Z90 * se})
        self._add_cost(out, cost[cost["creator_id"] != ""].groupby("creator_id")["cost"].sum(), "creator_id")
        out["suppressed"] = out["journeys"] < self.min_group_size
        return self._suppress(out.sort_values("revenue", ascending=False).reset_index(drop=True))

    def _platform_split(self, touch: pd.DataFrame) -> pd.DataFrame:
        t = touch[touch["conversion_type"] != "lead"]
        g = t.groupby(["channel", "conversion_type"], as_index=False)[["linear", "linear_revenue"]].sum()
        g["platform"] = g["conversion_type"].str.removeprefix("order_")
        g["closed_loop"] = g["platform"].eq("red")
        tot = g.groupby("channel")["linear_revenue"].transform("sum")
        g["revenue_share"] = g["linear_revenue"] / tot.where(tot > 0)
        return g.rename(columns={"linear": "conversions", "linear_revenue": "revenue"})[
            ["channel", "platform", "closed_loop", "conversions", "revenue", "revenue_share"]]

    def _midfunnel(self, mid: pd.DataFrame, cost: pd.DataFrame) -> pd.DataFrame:
        rows = []
        by_channel = mid.groupby("channel", as_index=False)[
            ["readers", "searchers", "clickers", "deep_readers", "new_deep_readers"]].sum().assign(creator_id="")
        for frame, level in ((by_channel, "channel"), (mid[mid["creator_id"] != ""], "creator")):
            for r in frame.itertuples():
                lo, hi = wilson(float(r.searchers), float(r.readers))
                rows.append({"level": level, "channel": r.channel, "creator_id": r.creator_id,
                             "readers": float(r.readers), "search_rate": r.searchers / r.readers if r.readers else
                             math.nan, "search_rate_low": lo, "search_rate_high": hi,
                             "click_rate": r.clickers / r.readers if r.readers else math.nan,
                             "deep_readers": float(r.deep_readers), "new_deep_readers": float(r.new_deep_readers)})
        out = pd.DataFrame(rows)
        if out.empty:
            return out
        ch_cost = cost.groupby("channel")["cost"].sum()
        cr_cost = cost[cost["creator_id"] != ""].groupby("creator_id")["cost"].sum()
        out["cost"] = np.where(out["level"] == "channel", out["channel"].map(ch_cost),
                               out["creator_id"].map(cr_cost))
        out["cost"] = out["cost"].fillna(0.0).astype(float)
        out["cpti"] = out["cost"].where(out["cost"] > 0) / out["new_deep_readers"].where(out["new_deep_readers"] > 0)
        out["suppressed"] = out["readers"] < self.min_group_size
        hide = ["search_rate", "search_rate_low", "search_rate_high", "click_rate", "deep_readers",
                "new_deep_readers", "cpti"]
        out.loc[out["suppressed"], hide] = np.nan
        return out.sort_values(["level", "readers"], ascending=[True, False]).reset_index(drop=True)

    def _lift(self, source: MartSource) -> dict[str, Any]:
        touches = source.mart("holdout_touches").to_pandas()
        orders = source.mart("holdout_orders").to_pandas()
        campaign = lift_mod.find_campaign(touches, source.mart("campaign_daily").to_pandas(), self.holdout_campaign)
        if campaign is None or orders.empty:
            return {}
        study: dict[str, Any] = lift_mod.lift_study(orders, campaign, self.lift_tail_days)
        study.update({"campaign": campaign.name, "channel": campaign.channel,
                      "start": campaign.start.strftime("%Y-%m-%d"), "end": campaign.end.strftime("%Y-%m-%d")})
        ch = self.channels_[(self.channels_["conversion"] == "orders") & (self.channels_["channel"] == campaign.channel)]
        exposed_orders = study["exposed_orders"]
        study["lift_share"] = study["incremental_orders"] / exposed_orders if exposed_orders else math.nan
        for model in ("last_touch", "markov"):
            share = ch.loc[ch["model"] == model, "share"]
            s = float(share.iloc[0]) if len(share) else 0.0
            # What the model would claim for the exposed group's orders in the same window.
            study[f"{model}_share"] = s
            study[f"{model}_claimed_orders"] = s * exposed_orders
        return study
