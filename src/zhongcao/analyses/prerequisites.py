"""What each analysis needs from the data, declared as typed requirements, and what a workspace can answer.

An analysis's registration (``registry.py``) lists its ``requires`` (without them it does not
run) and, per card (finding id), the extra ``cards`` requirements (without them that card is
left out: no ROI without spend, no repurchase rate from anonymous buyers, no platform split with
one platform). :func:`assess` tests them all against :class:`Facts`, a few cheap aggregates of
the workspace (``engine.facts``), and says exactly what would unlock each missing piece.

Requirements carry no prose: each unmet one becomes a :class:`Need` (a catalogue key plus
values); the findings layer words it in zh and en (``findings/catalogue/prerequisites.toml``).

Measures (``Facts.measures``, computed in ``engine/facts.py``):

- ``order_platforms``: platforms with paid orders; ``buyers`` / ``repeat_buyers``: distinct buyer
  ids, and those with two or more orders (0 when every order has its own anonymous buyer);
- ``order_weeks``, ``spend_weeks``, ``note_weeks``: distinct weeks with orders, spend, notes;
  ``activity_days``: distinct days with spend, orders, leads or touches;
- ``spend_total``, ``spend_channels``: spend and the channels with any;
- ``won_leads``, ``lost_leads``, ``lead_buyers`` (leads whose user also ordered);
- ``touched_conversions``: buyers and won leads with at least one touch (exposures);
- ``searches``: search touches with a query; ``engaged_channels``: channels with touches;
- ``notes_with_text``, ``notes_with_region``, ``sponsored_notes``, ``brand_mentions`` (notes and
  comments naming the brand);
- ``creators_listed`` (with a follower count), ``creators_quoted`` (with a price);
- ``panel_users``, ``users_with_region``, ``holdout_users``, ``survey_answers``, ``region_orders``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhongcao.contract import TABLES
from zhongcao.engine.facts import MEASURES, workspace_facts
from zhongcao.engine.workspace import Workspace
from zhongcao.errors import AnalysisError


@dataclass(frozen=True)
class Facts:
    """What a source holds: rows per input table, columns with a value, measures, brand settings set."""

    rows: Mapping[str, int] = field(default_factory=dict)
    columns: Mapping[str, frozenset[str]] = field(default_factory=dict)
    measures: Mapping[str, float] = field(default_factory=dict)
    settings: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {"rows": dict(self.rows), "columns": {t: sorted(c) for t, c in self.columns.items()},
                "measures": dict(self.measures), "settings": sorted(self.settings)}


def facts_of(source: object) -> Facts:
    """The facts of a workspace (or of any source offering ``facts()``, e.g. a folder of marts)."""
    brand = getattr(source, "brand", None)
    settings = frozenset(k for k, v in (brand.to_mapping().items() if brand is not None else ())
                         if v not in ("", [], {}, None, "unnamed brand"))
    own = getattr(source, "facts", None)
    if callable(own):
        raw = own()
    elif isinstance(source, Workspace):
        raw = workspace_facts(source, brand.name if brand is not None and "name" in settings else "")
    else:
        raise AnalysisError(f"cannot tell what {type(source).__name__} holds: it offers no facts()")
    return Facts(rows=dict(raw["rows"]), columns={t: frozenset(c) for t, c in raw["columns"].items()},
                 measures=dict(raw["measures"]), settings=settings)


@dataclass(frozen=True)
class Need:
    """One unmet requirement, as the catalogue words it: ``key`` plus the values its message shows.

    ``alternatives`` holds the needs of each way to meet an :class:`AnyOf` (any one unlocks it).
    """

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)
    alternatives: tuple[tuple[Need, ...], ...] = ()


class Requirement:
    """Base: ``met(facts)`` and, when not met, ``needs(facts)``: what would unlock it."""

    def met(self, facts: Facts) -> bool:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def needs(self, facts: Facts) -> tuple[Need, ...]:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class HasTable(Requirement):
    """An input table with at least ``min_rows`` rows, and values in ``columns``."""

    table: str
    min_rows: int = 1
    columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.table not in TABLES:
            raise ValueError(f"unknown table {self.table!r}")

    def met(self, facts: Facts) -> bool:
        return not self.needs(facts)

    def needs(self, facts: Facts) -> tuple[Need, ...]:
        rows = int(facts.rows.get(self.table, 0))
        if rows == 0:
            wanted = list(dict.fromkeys([*TABLES[self.table].required_columns, *self.columns]))
            return (Need("table", {"table": self.table, "columns": ", ".join(wanted)}),)
        if rows < self.min_rows:
            return (Need("rows", {"table": self.table, "need": self.min_rows, "have": rows}),)
        missing = [c for c in self.columns if c not in facts.columns.get(self.table, frozenset())]
        if missing:
            return (Need("columns", {"table": self.table, "columns": ", ".join(missing)}),)
        return ()


@dataclass(frozen=True)
class AtLeast(Requirement):
    """A measure (see the module docstring) of at least ``n``."""

    measure: str
    n: float = 1

    def met(self, facts: Facts) -> bool:
        return float(facts.measures.get(self.measure, 0.0)) >= self.n

    def needs(self, facts: Facts) -> tuple[Need, ...]:
        if self.met(facts):
            return ()
        have = float(facts.measures.get(self.measure, 0.0))
        return (Need(f"measure.{self.measure}", {"need": _num(self.n), "have": _num(have)}),)


@dataclass(frozen=True)
class Setting(Requirement):
    """A brand.toml setting that must be set (e.g. ``changes`` for a strategy-lift study)."""

    name: str

    def met(self, facts: Facts) -> bool:
        return self.name in facts.settings

    def needs(self, facts: Facts) -> tuple[Need, ...]:
        return () if self.met(facts) else (Need(f"setting.{self.name}"),)


@dataclass(frozen=True)
class AnyOf(Requirement):
    """Any one of several groups of requirements (each group met in full)."""

    options: tuple[tuple[Requirement, ...], ...]

    @classmethod
    def of(cls, *options: Requirement | Sequence[Requirement]) -> AnyOf:
        return cls(tuple(tuple(o) if isinstance(o, Sequence) else (o,) for o in options))

    def met(self, facts: Facts) -> bool:
        return any(all(r.met(facts) for r in group) for group in self.options)

    def needs(self, facts: Facts) -> tuple[Need, ...]:
        if self.met(facts):
            return ()
        return (Need("any", alternatives=tuple(tuple(n for r in g for n in r.needs(facts)) for g in self.options)),)


def unmet(requirements: Sequence[Requirement], facts: Facts) -> tuple[Need, ...]:
    """The needs of the unmet requirements; a measure over a table that is missing altogether is
    left out (adding the table is the instruction; "0 lost leads" after "add leads.csv" is noise)."""
    needs = [n for r in requirements for n in r.needs(facts)]
    return _without_implied(needs)


def _without_implied(needs: Sequence[Need], outer: frozenset[str] = frozenset()) -> tuple[Need, ...]:
    absent = outer | {n.values["table"] for n in needs if n.key == "table"}
    out = []
    for n in needs:
        if n.key.startswith("measure."):
            tables = set(MEASURES.get(n.key.removeprefix("measure."), ((), ""))[0])
            if tables & absent:
                continue
        if n.key == "measure.brand_mentions" and any(m.key == "setting.name" for m in needs):
            continue  # mentions are counted once the brand has a name
        if n.key == "any":
            groups = tuple(_without_implied(g, frozenset(absent)) for g in n.alternatives)
            if not all(groups):
                continue  # an alternative needs only what is already asked for
            n = Need("any", alternatives=groups)
        out.append(n)
    return tuple(out)


@dataclass(frozen=True)
class Capability:
    """Whether one analysis can run on the facts, and what would unlock it or its missing cards."""

    analysis: str
    runs: bool
    missing: tuple[Need, ...] = ()  # why it cannot run (empty when it runs)
    cards: Mapping[str, tuple[Need, ...]] = field(default_factory=dict)  # finding id -> why it is left out

    @property
    def partial(self) -> bool:
        return self.runs and bool(self.cards)


def assess_one(name: str, requires: Sequence[Requirement], cards: Mapping[str, Sequence[Requirement]],
               facts: Facts) -> Capability:
    missing = unmet(requires, facts)
    left_out = {card: n for card, reqs in cards.items() if (n := unmet(reqs, facts))}
    return Capability(name, not missing, missing, left_out if not missing else {})


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(float(x), 2)


__all__ = ["AnyOf", "AtLeast", "Capability", "Facts", "HasTable", "Need", "Requirement", "Setting",
           "assess_one", "facts_of", "unmet"]
