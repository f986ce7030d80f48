"""What the data can answer, in words: each analysis's status and exactly what would unlock the rest.

``capabilities(...)`` turns the analyses layer's :class:`Capability` objects (plus what the run
itself learned: an analysis whose prerequisites were met but whose fit found too little) into
the ``capabilities`` block of findings.json, worded in zh and en from
``catalogue/prerequisites.toml``. The report's "what your data can answer" panel, the dashboard
and ``zhongcao check`` all show this block. ``gate`` removes cards whose own prerequisites are
not met and keeps the confidence of a partial analysis's cards below "high".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from zhongcao.analyses.prerequisites import Capability, Need
from zhongcao.analyses.registry import REGISTRY
from zhongcao.findings.model import LANGS, Finding, Text
from zhongcao.findings.text import catalogue

STATUSES = ("runs", "partial", "insufficient", "missing")
"""runs: every card can be computed; partial: some cards need more data; insufficient: the
prerequisites are met but the fit found too little (the reason is kept); missing: it cannot run."""


def need_text(need: Need) -> Text:
    """One unmet requirement as an unlock instruction in zh and en."""
    if need.key == "any":
        # Any one group unlocks it: "a; b; or c" (the requirements of a group are all needed).
        joiner = {"zh": "，并且", "en": ", and "}
        parts = {lang: [joiner[lang].join(need_text(n).get(lang) for n in group) for group in need.alternatives]
                 for lang in LANGS}
        return Text(zh=_or("zh").join(parts["zh"]), en=_or("en").join(parts["en"]))
    entry: Any = catalogue("prerequisites")
    for part in need.key.split("."):
        entry = entry[part]
    values = {k: v for k, v in need.values.items()}
    return Text(zh=entry["zh"].format(**values), en=entry["en"].format(**values))


def _or(lang: str) -> str:
    return "；或者 " if lang == "zh" else "; or "


def label(key: str) -> Text:
    entry = catalogue("prerequisites")["status"][key]
    return Text(zh=entry["zh"], en=entry["en"])


def analysis_title(name: str) -> Text:
    """What an analysis answers, in zh and en (the catalogue's ``analysis.<name>``)."""
    entry = catalogue("prerequisites")["analysis"].get(name)
    return Text(zh=entry["zh"], en=entry["en"]) if entry else Text(zh=name, en=REGISTRY[name].description)


def capabilities(assessed: Mapping[str, Capability], errors: Mapping[str, str] | None = None,
                 shown: Mapping[str, set[str]] | None = None) -> dict[str, dict[str, Any]]:
    """findings.json's ``capabilities``: per analysis its status, unlock instructions and left-out cards.

    ``errors`` are analyses that were run and raised (their message is kept as the reason);
    ``shown`` is, per analysis, the finding ids that made it into the document.
    """
    out: dict[str, dict[str, Any]] = {}
    for name, cap in assessed.items():
        entry = REGISTRY[name]
        error = (errors or {}).get(name)
        if not cap.runs:
            status = "missing"
        elif error is not None:
            status = "insufficient"
        else:
            status = "partial" if cap.cards else "runs"
        out[name] = {
            "status": status,
            "label": _dict(label(status)),
            "description": entry.description,
            "title": _dict(analysis_title(name)),
            "section": entry.section,
            "unlock": [_dict(need_text(n)) for n in cap.missing],
            "cards": {card: [_dict(need_text(n)) for n in needs] for card, needs in cap.cards.items()},
            "reason": error if status == "insufficient" else None,
            "findings": sorted((shown or {}).get(name, set())),
        }
    return out


def gate(findings: list[Finding], assessed: Mapping[str, Capability]) -> list[Finding]:
    """Drop cards whose prerequisites are unmet; a partial analysis's cards are at most "medium"."""
    kept = []
    for f in findings:
        cap = assessed.get(f.analysis)
        if cap is not None and f.id in cap.cards:
            continue
        if cap is not None and cap.partial and f.confidence.level == "high":
            f = replace(f, confidence=replace(f.confidence, level="medium"))
        kept.append(f)
    return kept


def _dict(text: Text) -> dict[str, str]:
    return {lang: text.get(lang) for lang in LANGS}


__all__ = ["STATUSES", "analysis_title", "capabilities", "gate", "label", "need_text"]
