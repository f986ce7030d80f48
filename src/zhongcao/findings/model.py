"""Typed findings: every answer is a claim with evidence, uncertainty and an action, in zh and en."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

Level = Literal["high", "medium", "low", "descriptive"]
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Confidence:
    """How sure we are. ``descriptive`` means a count of what happened, not an estimate."""

    level: Level
    statement: Text  # the interval in plain words
    method: str  # e.g. "Wilson 90% interval", "bootstrap over days (2,000 draws)"
    interval: tuple[float, float] | None = None
    estimate: float | None = None


@dataclass(frozen=True)
class Evidence:
    numbers: dict[str, float | int | str | None]
    rows: list[dict[str, Any]] = field(default_factory=list)  # the table behind the claim
    columns: list[str] = field(default_factory=list)


# An emoji shortcode (:two_hearts:) left by an export: noise to a reader of an example sentence. At least one
# letter inside, so a time (12:30:45) is not one.
_SHORTCODE = re.compile(r":(?=[a-z0-9_+\-]*[a-z])[a-z0-9_+\-]{2,40}:")


def _readable(value: Any) -> Any:
    if isinstance(value, str):
        return _SHORTCODE.sub("", value) if ":" in value else value
    if isinstance(value, list | tuple):
        return [_readable(v) for v in value]
    if isinstance(value, dict):
        return {k: _readable(v) for k, v in value.items()}
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as evidence rows: one dict per row, column name to value (``Finding.to_dict`` drops emoji
    shortcodes from their text: example sentences are verbatim titles and queries)."""
    return frame.to_dict(orient="records")


@dataclass(frozen=True)
class Chart:
    """What to draw, named by evidence columns (or by ``rows`` of its own).

    ``series`` splits rows into one line or bar group per value (one line per platform, a bar per
    model); ``facet`` into small multiples (one small chart per attribute); ``where`` keeps the
    rows whose columns hold the given values; ``top`` keeps the N largest bars by the first y
    (the report says how many more there are; the evidence keeps them all); ``label`` names each
    x category (a creator's name for its id); ``stack`` stacks the y columns; ``marks`` names
    columns drawn as markers on a line (e.g. today's and the planned spend on a response curve);
    ``rows`` are the chart's own data when it is not drawn from the evidence rows.
    """

    kind: Literal["bar", "line", "funnel", "table", "heatmap", "map", "sankey", "scatter", "waterfall",
                  "forest"]
    x: str
    y: list[str]
    title: Text
    series: str | None = None
    facet: str | None = None
    where: dict[str, Any] | None = None
    top: int | None = None
    label: str | None = None
    stack: bool = False
    marks: list[str] | None = None
    rows: list[dict[str, Any]] | None = None
    note: Text | None = None


@dataclass(frozen=True)
class Finding:
    id: str  # stable within an analysis, e.g. "kpi.platform_split"
    analysis: str
    title: Text
    summary: Text
    action: Text
    evidence: Evidence
    confidence: Confidence
    money_at_stake: float = 0.0  # CNY; orders the cards
    chart: Chart | None = None
    charts: list[Chart] = field(default_factory=list)  # further views of the same finding (the MMM's)

    def to_dict(self) -> dict[str, Any]:
        # Emoji shortcodes dropped from every text (rows, summaries, chart labels): data read verbatim.
        return _readable(_clean(asdict(self)))  # type: ignore[no-any-return]


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf become null, tuples become lists, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
