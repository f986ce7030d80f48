"""The order of findings: what to act on first.

1. **Alerts**: something is wrong now: a coordinated attack, a sharp drop or spike whose 90%
   interval excludes no change (and is at least ``SHARP`` in size), broken data.
2. **Causal evidence**: an experiment or a quasi-experiment measured the effect of something the
   brand did (a lift study, difference-in-differences, a synthetic control, an interrupted time series).
3. **Estimates**, by the expected value of acting on them: money at stake × a confidence weight
   (high 1, medium 0.6, low 0.3).
4. **Descriptive counts** last, by money at stake.

findings.json is written in this order and the report and the dashboard keep it, in every
section; each card shows its tier and score on hover. docs/findings.md states the rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

TIERS: tuple[str, ...] = ("alert", "causal", "estimate", "descriptive")
WEIGHTS: dict[str, float] = {"high": 1.0, "medium": 0.6, "low": 0.3, "descriptive": 0.0}
SHARP = 0.2
"""A change of at least 20% (with its interval clear of zero) is an alert."""
CAUSAL = ("attribution.lift", "lift.")
ALWAYS_ALERT = ("safety.attack", "data.")
CHANGES = ("kpi.trend",)


@dataclass(frozen=True)
class Priority:
    tier: str
    score: float  # money at stake × confidence weight (CNY), within the tier

    @property
    def key(self) -> tuple[int, float]:
        return (TIERS.index(self.tier), -self.score)


def _starts(fid: str, prefixes: tuple[str, ...]) -> bool:
    return any(fid == p or (p.endswith(".") and fid.startswith(p)) for p in prefixes)


def priority(finding: dict[str, Any]) -> Priority:
    """The tier and score of one finding (a findings.json entry)."""
    fid, conf = finding["id"], finding["confidence"]
    money = float(finding.get("money_at_stake") or 0.0)
    level = conf["level"]
    if _starts(fid, ALWAYS_ALERT):
        return Priority("alert", money)
    if _starts(fid, CHANGES) and _sharp(conf):
        return Priority("alert", money)
    if _starts(fid, CAUSAL) and level != "descriptive":
        return Priority("causal", money * WEIGHTS[level])
    if level == "descriptive":
        return Priority("descriptive", money)
    return Priority("estimate", money * WEIGHTS[level])


def _sharp(conf: dict[str, Any]) -> bool:
    """A change whose interval excludes zero and whose estimate is at least SHARP in size."""
    interval, estimate = conf.get("interval"), conf.get("estimate")
    if not interval or estimate is None or any(v is None or not math.isfinite(v) for v in interval):
        return False
    low, high = interval
    return (low > 0 or high < 0) and abs(float(estimate)) >= SHARP


def order(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings in the order to act on them (stable within equal keys)."""
    return sorted(findings, key=lambda f: priority(f).key)
