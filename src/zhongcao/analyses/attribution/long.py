"""What the journeys mart's last-20 paths leave out of longer journeys, put back for exact models.

``attribution_journeys`` keeps the last 20 touches of a journey (distinct paths, and so the mart,
stay bounded). Two small marts hold the rest of the journeys it truncates:
``attribution_long_transitions`` (their first-order transitions older than the kept path, and
their true start) and ``attribution_long_credit`` (their heuristic credit over every touch).
With them first-order Markov and the first/last/linear/position models are exact at any path
length. Markov of order 2 and 3 and Shapley still see the last 20 touches only: a higher-order
state needs the sequence itself, and Shapley the set of channels, which a sum over journeys
cannot give back (docs/attribution.md, "Truncation").

In a bootstrap draw the path rows are reweighted; a truncated journey's kept part follows its
row, and the summed remainder is scaled by the share of truncated journeys the draw keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HEURISTIC_COLUMNS = ("first_touch", "last_touch", "linear", "position_based")


@dataclass(frozen=True)
class LongJourneys:
    """The remainder of truncated journeys for one conversion type and lookback (with 'none' as nulls)."""

    # from_channel ('' = the journey's start), to_channel, conversions (converting journeys), nulls
    transitions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["from_channel", "to_channel", "conversions", "nulls"]))
    # channel and the exact heuristic credit of the truncated conversions: first_touch, …, *_revenue
    credit: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["channel", *HEURISTIC_COLUMNS, *(c + "_revenue" for c in HEURISTIC_COLUMNS)]))

    @property
    def channels(self) -> set[str]:
        t = self.transitions
        return ({c for c in t["from_channel"] if c} | set(t["to_channel"]) | set(self.credit["channel"]))

    @classmethod
    def from_marts(cls, transitions: pd.DataFrame, credit: pd.DataFrame, conversion_type: str,
                   lookback_days: int) -> LongJourneys:
        """Select one conversion type's rows (and the non-converting journeys' transitions) from the marts."""
        t = transitions[transitions["lookback_days"] == lookback_days]
        conv = t[t["conversion_type"] == conversion_type].assign(conversions=lambda f: f["journeys"], nulls=0)
        null = t[t["conversion_type"] == "none"].assign(conversions=0, nulls=lambda f: f["journeys"])
        both = pd.concat([conv, null], ignore_index=True)
        both = both.groupby(["from_channel", "to_channel"], as_index=False)[["conversions", "nulls"]].sum()
        c = credit[(credit["conversion_type"] == conversion_type) & (credit["lookback_days"] == lookback_days)]
        cols = [*HEURISTIC_COLUMNS, *(m + "_revenue" for m in HEURISTIC_COLUMNS)]
        return cls(both, c.groupby("channel", as_index=False)[cols].sum())


def draw_shares(kept: np.ndarray, original: np.ndarray, drawn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row and draw, the truncated part of a reweighted row; per draw, the share of all truncated kept.

    ``kept`` is the truncated journeys (or revenue) of each row, ``original`` the row's total,
    ``drawn`` the row's total in each draw (rows × draws).
    """
    ratio = np.divide(drawn, original[:, None], out=np.zeros_like(drawn), where=original[:, None] > 0)
    part = kept[:, None] * ratio
    total = kept.sum()
    share = part.sum(axis=0) / total if total > 0 else np.zeros(drawn.shape[1])
    return part, share


def credit_vectors(long: LongJourneys, channels: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The truncated conversions' heuristic credit per model, as (conversions, revenue) aligned with ``channels``."""
    frame = long.credit.set_index("channel").reindex(channels).fillna(0.0)
    return {m: (frame[m].to_numpy(float), frame[m + "_revenue"].to_numpy(float)) for m in HEURISTIC_COLUMNS}
