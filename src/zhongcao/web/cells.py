"""The dashboard's cells: the fixed grid every published number is a sum of, and the rule that
makes subtraction useless.

Suppressing each answer that describes fewer than the minimum group is not enough: ``region=广东
&region=澳门`` minus ``region=广东`` is Macau alone, and a date range minus a shorter one is the
week between them. So every number the dashboard publishes is a sum of **atoms** of one grid:

- **Groups.** Each filter dimension's values are pooled once per workspace: a province, segment
  value, platform or channel holding fewer people than the minimum goes into one pool
  (``其他``/``other``), and while the pool itself is too small the smallest remaining value joins it.
  Filters take groups, never the values inside a pool.
- **Periods.** Calendar months, consecutive ones merged until each period holds the minimum
  (buyers, readers and leads); a date range is widened to whole periods.
- **Levels.** A query's level is the set of dimensions it restricts or breaks down by (period,
  region, segment attribute, platform or channel). Its atoms are the cross product of those
  dimensions' groups, the others summed out. A query is answered only when **every atom of its
  level** (over the whole grid, not only the ones it selects) holds no one or at least the minimum
  of distinct people; otherwise its numbers are withheld.

Why that holds against differencing: a published number is a sum of whole atoms of a permitted
level. If one permitted query's cells contain another's, the larger restricts no dimension the
smaller leaves free, so the smaller one's level holds the larger one's; their difference is a union
of atoms of the smaller one's permitted level, each of at least the minimum. No pair of answers,
however chosen, isolates fewer people than that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from zhongcao.analyses.privacy import too_small
from zhongcao.engine import Workspace, merge_people_sketches

SKETCH = "people_sketch"
ANY_ATTRIBUTE = "gender"  # without a segment filter, one attribute is summed: each person counts once
SEGMENT_ATTRIBUTES = ("gender", "age_band", "city_tier")
POOL = {"region": "其他", "segment": "other", "platform": "other", "channel": "other"}

# cube → (its dimensions, the mart column of each, its sums)
CUBES: dict[str, tuple[tuple[str, ...], dict[str, str], tuple[str, ...]]] = {
    "order_cube": (("period", "region", "segment", "platform"),
                   {"period": "day", "region": "region", "segment": "value", "platform": "platform"},
                   ("buyers", "orders", "gmv")),
    "touch_cube": (("period", "region", "segment", "channel"),
                   {"period": "day", "region": "region", "segment": "value", "channel": "channel"},
                   ("users", "touches", "reads", "engagements")),
    "channel_daily": (("period", "channel"), {"period": "day", "channel": "channel"}, ("spend", "leads")),
}
LEAD_SIZE = "leads"  # channel_daily has no people sketch: a lead is one person's act, so leads bound people


@dataclass
class Atom:
    sums: dict[str, float]
    sketch: list[str] = field(default_factory=list)

    def people(self, cube: str) -> int:
        if cube == "channel_daily":
            return int(self.sums.get(LEAD_SIZE, 0))
        return len(self.sketch)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        return self.start.strftime("%Y-%m") if self.end < _next_month(self.start) else \
            f"{self.start:%Y-%m}~{self.end:%Y-%m}"


def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


class Grid:
    """Groups, periods and (cached) atoms of one workspace for one minimum group size."""

    def __init__(self, ws: Workspace, min_group_size: int) -> None:
        self.ws, self.min = ws, min_group_size
        self._atoms: dict[tuple[str, frozenset[str], str], dict[tuple[str, ...], Atom]] = {}
        with ws.held():
            self.groups = {dim: self._pool(dim) for dim in ("region", "platform", "channel")}
            self.segments = {a: self._pool("segment", a) for a in SEGMENT_ATTRIBUTES}
            self.periods = self._periods()

    # -------------------------------------------------------------------------- groups
    def _raw(self, cube: str, column: str, attribute: str = ANY_ATTRIBUTE) -> dict[str, Atom]:
        if cube == "channel_daily":
            rows = self.ws.mart_query(cube, by=[column], sums=["leads"]).to_pylist()
            return {str(r[column]): Atom({"leads": r["leads"] or 0}) for r in rows if r[column] is not None}
        rows = self.ws.mart_query(cube, by=[column], equals={"attribute": [attribute]}, sketch=SKETCH).to_pylist()
        return {str(r[column]): Atom({}, list(r[SKETCH] or [])) for r in rows if r[column] is not None}

    def _pool(self, dim: str, attribute: str = ANY_ATTRIBUTE) -> dict[str, list[str]]:
        """Group label → raw values. A value too small in any cube holding the dimension is pooled."""
        # Groups and periods follow the people cubes; leads (rows, no sketch) are answered only where
        # their own level's every atom meets the minimum, and are withheld elsewhere.
        per_cube = {cube: self._raw(cube, cols[dim], attribute) for cube, (dims, cols, _) in CUBES.items()
                    if dim in dims and cube != "channel_daily"}
        values = sorted(set().union(*per_cube.values()))

        def small(members: Iterable[str]) -> bool:
            members = list(members)
            for cube, raw in per_cube.items():
                if cube == "channel_daily":
                    n = sum(raw[v].sums["leads"] for v in members if v in raw)
                else:
                    n = len(merge_people_sketches(raw[v].sketch for v in members if v in raw))
                if too_small(n, self.min):
                    return True
            return False

        pool = [v for v in values if small([v])]
        kept = [v for v in values if v not in pool]
        while pool and small(pool) and kept:
            def size(v: str) -> int:
                return min(len(r[v].sketch) if c != "channel_daily" else int(r[v].sums["leads"])
                           for c, r in per_cube.items() if v in r)
            smallest = min(kept, key=size)
            kept.remove(smallest)
            pool.append(smallest)
        groups = {v: [v] for v in kept}
        if pool:
            groups[POOL[dim] if POOL[dim] not in groups else POOL[dim] + "*"] = sorted(pool)
        return groups

    def _periods(self) -> list[Period]:
        """Months, merged forward until each period holds the minimum in every cube (the last into the one before)."""
        per_cube = {cube: self._raw(cube, "day") for cube in CUBES if cube != "channel_daily"}
        months = sorted({_month(date.fromisoformat(d[:10])) for raw in per_cube.values() for d in raw})
        if not months:
            return []

        def small(first: date, last: date) -> bool:
            for cube, raw in per_cube.items():
                inside = [a for d, a in raw.items() if first <= _month(date.fromisoformat(d[:10])) <= last]
                n = (sum(a.sums["leads"] for a in inside) if cube == "channel_daily"
                     else len(merge_people_sketches(a.sketch for a in inside)))
                if too_small(n, self.min):
                    return True
            return False

        spans: list[list[date]] = []
        start = months[0]
        for i, m in enumerate(months):
            if not small(start, m):
                spans.append([start, m])
                start = months[i + 1] if i + 1 < len(months) else None  # type: ignore[assignment]
        if start is not None:  # a small tail joins the last period (or is the only one)
            if spans:
                spans[-1][1] = months[-1]
            else:
                spans.append([start, months[-1]])
        return [Period(a, _next_month(b) - timedelta(days=1)) for a, b in spans]

    # -------------------------------------------------------------------------- lookups
    def group_of(self, dim: str, raw: object, attribute: str = ANY_ATTRIBUTE) -> str:
        groups = self.segments[attribute] if dim == "segment" else self.groups[dim]
        text = str(raw)
        for label, members in groups.items():
            if text in members:
                return label
        return POOL[dim]

    def period_of(self, day: object) -> str:
        d = date.fromisoformat(str(day)[:10])
        for p in self.periods:
            if p.start <= d <= p.end:
                return p.label
        return "?"

    def snap(self, start: date | None, end: date | None) -> tuple[date | None, date | None, bool]:
        """The range widened to whole periods, and whether it leaves out any period."""
        if not self.periods:
            return start, end, False
        first = next((p for p in self.periods if start is None or p.end >= start), self.periods[-1])
        last = next((p for p in reversed(self.periods) if end is None or p.start <= end), self.periods[0])
        restricted = first != self.periods[0] or last != self.periods[-1]
        return first.start, max(last.end, first.start), restricted

    # -------------------------------------------------------------------------- atoms
    def atoms(self, cube: str, level: Sequence[str], attribute: str = ANY_ATTRIBUTE) -> dict[tuple[str, ...], Atom]:
        """Every atom of ``level`` (dimensions, in the cube's order): group labels → sums and sketch."""
        dims, cols, sums = CUBES[cube]
        level = tuple(d for d in dims if d in level)
        key = (cube, frozenset(level), attribute)
        if key not in self._atoms:
            by = [cols[d] for d in level]
            if cube == "channel_daily":
                rows = self.ws.mart_query(cube, by=by, sums=list(sums)).to_pylist()
            else:
                rows = self.ws.mart_query(cube, by=by, sums=list(sums), equals={"attribute": [attribute]},
                                          sketch=SKETCH).to_pylist()
            out: dict[tuple[str, ...], Atom] = {}
            sketches: dict[tuple[str, ...], list[list[str]]] = {}
            for r in rows:
                cell = tuple(self.period_of(r[cols[d]]) if d == "period" else self.group_of(d, r[cols[d]], attribute)
                             for d in level)
                atom = out.setdefault(cell, Atom(dict.fromkeys(sums, 0.0)))
                for s in sums:
                    atom.sums[s] += float(r[s] or 0)
                sketches.setdefault(cell, []).append(list(r.get(SKETCH) or []))
            for cell, atom in out.items():
                atom.sketch = merge_people_sketches(sketches[cell])
            self._atoms[key] = out
        return self._atoms[key]

    def permitted(self, cube: str, level: Sequence[str], attribute: str = ANY_ATTRIBUTE) -> bool:
        """Whether every atom of the level holds no one or at least the minimum group."""
        return not any(too_small(a.people(cube), self.min) for a in self.atoms(cube, level, attribute).values())

    def answer(self, cube: str, level: Sequence[str], chosen: dict[str, set[str]], by: Sequence[str] = (),
               attribute: str = ANY_ATTRIBUTE) -> list[dict[str, Any]] | None:
        """Sums over the atoms the query selects, per ``by`` groups; None when the level is not permitted.

        ``chosen`` maps a restricted dimension to its selected groups (periods by label)."""
        dims = CUBES[cube][0]
        full = tuple(d for d in dims if d in set(level) | set(by))
        if not self.permitted(cube, full, attribute):
            return None
        rows: dict[tuple[str, ...], dict[str, Any]] = {}
        for cell, atom in self.atoms(cube, full, attribute).items():
            where = dict(zip(full, cell, strict=True))
            if any(where[d] not in allowed for d, allowed in chosen.items() if d in where):
                continue
            key = tuple(where[d] for d in by)
            row = rows.setdefault(key, {**dict(zip(by, key, strict=True)), **dict.fromkeys(atom.sums, 0.0),
                                        SKETCH: [], "_people": 0})
            for s, v in atom.sums.items():
                row[s] += v
            row[SKETCH] = merge_people_sketches([row[SKETCH], atom.sketch])
            row["_people"] += atom.people(cube)
        if cube != "channel_daily":  # distinct people of the union, from the merged sketch
            for row in rows.values():
                row["_people"] = len(row[SKETCH])
        return [rows[k] for k in sorted(rows)]
