"""Run settings, declared once: brand-wide settings and every analysis's parameters, as inputs.

One table (:func:`settings_table`: name, type, default, range, docs) lists what a run can be
told, generated from the code: the brand-wide settings below and, per registered analysis, the
parameters of its ``__init__`` with their declared constraints (``_parameter_constraints``) and
the lines its docstring gives them. ``docs/settings.md`` is this table (a docs test regenerates
and compares it).

Values come, later ones winning, from the defaults, brand.toml (``[settings]`` for brand-wide
ones, ``[analyses.<name>]`` for an analysis's) and the command line
(``--param min_group_size=40 --param attribution.lookback_days=15``). :func:`resolve` checks them
all once, before any work, against the same constraints the analyses declare, and hands out
configured analyses (:meth:`RunSettings.create`). ``min_group_size`` set brand-wide reaches every
analysis that takes one, the dashboard and the report's methods text; where a consumer cannot
test a larger group (the people sketches count distinct people exactly only up to
``PEOPLE_SKETCH_SIZE``) it is capped there and a note says so. The settings used are recorded
in findings.json (``settings``).
"""

from __future__ import annotations

import inspect
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE, Analysis, Constraint, Interval, accepts
from zhongcao.analyses.registry import REGISTRY
from zhongcao.contract import BrandConfig
from zhongcao.contract.tables import CURRENCY
from zhongcao.engine import LOOKBACK_DAYS, PEOPLE_SKETCH_SIZE
from zhongcao.errors import AnalysisError, SettingsError

MIN_GROUP_SIZE = "min_group_size"


@dataclass(frozen=True)
class SettingSpec:
    """One row of the settings table."""

    name: str  # "min_group_size" or "<analysis>.<parameter>"
    type: str
    default: Any
    range: str
    doc: str
    settable: bool = True  # False: a constant the run states but cannot change (the marts are built with it)


BRAND_WIDE: tuple[SettingSpec, ...] = (
    SettingSpec(MIN_GROUP_SIZE, "int", DEFAULT_MIN_GROUP_SIZE, "int in [1, None]",
                "Smallest group of people a published aggregate may describe (clean-room practice); every "
                "analysis that takes `min_group_size`, the dashboard and the report's methods text use it. "
                f"Where groups are counted by people sketches (the dashboard, scenes, regions) it is capped at "
                f"{PEOPLE_SKETCH_SIZE}, the people a sketch counts exactly, and the run says so."),
    SettingSpec("currency", "str", CURRENCY, CURRENCY, "Currency every money column is read in.", settable=False),
    SettingSpec("people_sketch_size", "int", PEOPLE_SKETCH_SIZE, str(PEOPLE_SKETCH_SIZE),
                "Tokens per people sketch in the cubes and scene_note_audience: distinct people are counted "
                "exactly up to this many.", settable=False),
    SettingSpec("lookback_days", "tuple[int, ...]", LOOKBACK_DAYS, ", ".join(map(str, LOOKBACK_DAYS)),
                "Attribution lookback windows the marts are built for (`attribution.lookback_days` picks "
                "among them).", settable=False),
)


def _constraint_text(allowed: list[Constraint] | None) -> str:
    if not allowed:
        return "any"
    return " or ".join("None" if c is None else str(getattr(c, "__name__", c)) for c in allowed)


def _param_docs(cls: type) -> dict[str, str]:
    """``name: text`` from the numpydoc ``Parameters`` section of a class docstring."""
    doc = inspect.getdoc(cls) or ""
    section = doc.split("Parameters\n----------\n", 1)
    if len(section) < 2:
        return {}
    out: dict[str, str] = {}
    names: list[str] = []
    for line in section[1].splitlines():
        if line and not line.startswith(" "):
            if not line.rstrip().endswith(":"):
                break  # the next section
            names = [n.strip() for n in line.rstrip()[:-1].split(",")]
            continue
        for n in names:
            out[n] = (out.get(n, "") + " " + line.strip()).strip()
    return out


def analysis_params(name: str) -> list[SettingSpec]:
    """The settable parameters of one registered analysis, with their defaults, ranges and docs."""
    cls = REGISTRY[name].factory
    docs = _param_docs(cls)  # type: ignore[arg-type]
    rows = []
    for p in inspect.signature(cls.__init__).parameters.values():  # type: ignore[misc]
        if p.name == "self" or p.name in REGISTRY[name].uses:
            continue  # a composed analysis is set through its own name (it is fitted once per run)
        kind = str(p.annotation).replace("typing.", "")
        rows.append(SettingSpec(f"{name}.{p.name}", kind, p.default,
                                _constraint_text(cls._parameter_constraints.get(p.name)),  # type: ignore[attr-defined]
                                docs.get(p.name, "")))
    return rows


def settings_table() -> list[SettingSpec]:
    """Every setting a run reads: brand-wide ones, then each analysis's parameters."""
    return [*BRAND_WIDE, *(row for name in REGISTRY for row in analysis_params(name))]


def parse_value(text: str) -> Any:
    """A command-line value as TOML would read it (15, 0.5, true, [2.0, 1.0], {kol = 1.2}); else the text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_params(items: Iterable[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs from the command line (``--param attribution.lookback_days=15``)."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"--param {item!r}: expected NAME=VALUE, e.g. attribution.lookback_days=15")
        out[key.strip()] = parse_value(raw.strip())
    return out


@dataclass(frozen=True)
class RunSettings:
    """The settings of one run, checked: brand-wide values and each analysis's overrides."""

    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # analysis -> param -> value
    sources: Mapping[str, str] = field(default_factory=dict)  # setting -> "brand.toml" | "command line"
    capped: tuple[Mapping[str, Any], ...] = ()  # a value a consumer could not apply in full, and what it applied

    def params_of(self, name: str) -> dict[str, Any]:
        """What the run sets on analysis ``name``: the brand-wide minimum group (capped where the
        analysis declares a smaller ceiling) and the analysis's own overrides."""
        cls = REGISTRY[name].factory
        out: dict[str, Any] = {}
        if MIN_GROUP_SIZE in inspect.signature(cls.__init__).parameters:  # type: ignore[misc]
            out[MIN_GROUP_SIZE] = min(self.min_group_size, _ceiling(cls._parameter_constraints.get(MIN_GROUP_SIZE)))  # type: ignore[attr-defined]
        out.update(self.params.get(name, {}))
        return out

    def create(self, name: str) -> Analysis:
        """Analysis ``name`` with this run's settings, composed of the analyses it uses configured
        the same way (unfitted: the pipeline swaps in the ones it fitted)."""
        analysis = REGISTRY[name].factory().set_params(**self.params_of(name))
        return analysis.set_params(**{param: self.create(dep) for param, dep in REGISTRY[name].uses.items()})

    @property
    def dashboard_min_group_size(self) -> int:
        return min(self.min_group_size, PEOPLE_SKETCH_SIZE)

    def to_dict(self) -> dict[str, Any]:
        """The ``settings`` block of findings.json (JSON values: a tuple reads back as a list)."""
        return json.loads(json.dumps({MIN_GROUP_SIZE: self.min_group_size, "dashboard_min_group_size": self.dashboard_min_group_size,
                "analyses": {n: dict(p) for n, p in self.params.items()}, "sources": dict(self.sources),
                "capped": [dict(c) for c in self.capped]}, ensure_ascii=False, default=str))


def _ceiling(allowed: list[Constraint] | None) -> float:
    highs = [c.high for c in allowed or [] if isinstance(c, Interval) and c.high is not None]
    return max(highs) if highs else float("inf")


def resolve(brand: BrandConfig, overrides: Mapping[str, Any] | None = None) -> RunSettings:
    """Defaults, then brand.toml, then ``overrides`` (the command line), checked once against the
    analyses' declared constraints. Raises :class:`SettingsError` naming the setting and its range."""
    wide: dict[str, Any] = {}
    per: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}

    def put(key: str, value: Any, origin: str) -> None:
        name, dot, param = key.partition(".")
        if not dot:
            spec = next((s for s in BRAND_WIDE if s.name == key), None)
            if spec is None or not spec.settable:
                known = [s.name for s in BRAND_WIDE if s.settable]
                if name in REGISTRY:
                    raise SettingsError(f"{origin}: {key!r} names an analysis; set one of its parameters as "
                                        f"{key}.PARAMETER")
                raise SettingsError(f"{origin}: unknown setting {key!r}; brand-wide settings are {known}, "
                                    f"analysis parameters are ANALYSIS.PARAMETER (zhongcao settings lists them)")
            wide[key] = value
        else:
            if name not in REGISTRY:
                raise SettingsError(f"{origin}: unknown analysis {name!r} in {key!r}; analyses are {list(REGISTRY)}")
            known = [s.name.split(".", 1)[1] for s in analysis_params(name)]
            if param not in known:
                raise SettingsError(f"{origin}: {name} has no parameter {param!r}; its parameters are {known}")
            per.setdefault(name, {})[param] = _shaped(value, REGISTRY[name].factory, param)
        sources[key] = origin

    for key, value in brand.settings.items():
        put(key, value, "brand.toml [settings]")
    for name, table in brand.analyses.items():
        for param, value in table.items():
            put(f"{name}.{param}", value, f"brand.toml [analyses.{name}]")
    for key, value in (overrides or {}).items():
        put(key, value, "command line")

    mgs = wide.get(MIN_GROUP_SIZE, DEFAULT_MIN_GROUP_SIZE)
    if not accepts(Interval(int, 1, None), mgs):
        raise SettingsError(f"{sources[MIN_GROUP_SIZE]}: min_group_size must be an integer of at least 1, got {mgs!r}")
    settings = RunSettings(mgs, per, sources, ())
    capped: tuple[dict[str, Any], ...] = ()
    if mgs > PEOPLE_SKETCH_SIZE:  # said, not silent: the report's methods and the CLI word it
        where = ["dashboard", *(n for n in REGISTRY if settings.params_of(n).get(MIN_GROUP_SIZE, mgs) < mgs)]
        capped = ({"setting": MIN_GROUP_SIZE, "value": mgs, "applied": PEOPLE_SKETCH_SIZE, "where": where,
                   "reason": "people_sketch_size"},)
    for name in REGISTRY:  # every analysis checked once, here, with the same constraints fit() applies
        try:
            settings.create(name)._validate_params(where=_where(name, sources))
        except AnalysisError as exc:
            raise SettingsError(str(exc)) from exc
    return RunSettings(mgs, per, sources, capped)


def _where(name: str, sources: Mapping[str, str]) -> str:
    mine = sorted({o for k, o in sources.items() if k.startswith(f"{name}.") or k == MIN_GROUP_SIZE})
    return f"{' and '.join(mine)}: " if mine else ""


def _shaped(value: Any, cls: Any, param: str) -> Any:
    """TOML has arrays, not tuples: an array becomes a tuple where the parameter takes tuples only."""
    allowed = cls._parameter_constraints.get(param) or []
    if isinstance(value, list) and tuple in allowed and list not in allowed:
        return tuple(value)
    return value


def settings_markdown() -> str:
    """docs/settings.md: the settings table, generated from the code."""
    lines = [
        "# Settings",
        "",
        "<!-- generated by zhongcao.analyses.settings.settings_markdown(); tests/docs check it -->",
        "",
        "What a run can be told, declared once in the code. Brand-wide settings go in brand.toml's",
        "`[settings]` table, an analysis's parameters in `[analyses.<name>]`, and either on the command",
        "line of `zhongcao run`, `analyze` and `serve` as `--param NAME=VALUE` (the command line wins).",
        "Values are read as TOML (`15`, `0.5`, `\"week\"` or `week`, `[2.0, 1.0]`); each is checked",
        "before any work against the range below, and findings.json records the settings used",
        "(`settings`). `zhongcao settings` prints this table.",
        "",
        "```toml",
        "[settings]",
        "min_group_size = 60",
        "",
        "[analyses.attribution]",
        "lookback_days = 15",
        "```",
        "",
        "| setting | type | default | range | what it does |",
        "|---|---|---|---|---|",
    ]
    for s in settings_table():
        doc = s.doc + ("" if s.settable else " (fixed: stated, not settable)")
        cells = [f"`{s.name}`", s.type, f"`{s.default!r}`", s.range, doc]
        lines.append("| " + " | ".join(re.sub(r"\s+", " ", c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


__all__ = ["BRAND_WIDE", "RunSettings", "SettingSpec", "analysis_params", "parse_params", "parse_value",
           "resolve", "settings_markdown", "settings_table"]
