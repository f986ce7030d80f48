"""What every analysis shares: the estimator shape and the source it reads.

Analyses follow scikit-learn's conventions: parameters are stored untouched in ``__init__``
and declared in ``_parameter_constraints``; ``fit(source)`` validates them, reads marts from
the source and returns ``self``; learned results live in ``trailing_underscore_`` attributes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import pyarrow as pa

from zhongcao.contract import BrandConfig
from zhongcao.errors import AnalysisError

DEFAULT_MIN_GROUP_SIZE = 50
"""Smallest group of users an aggregate may describe (clean-room practice)."""

# The marts the shared text vocabulary learns words from (vocabulary.learn_words), read by every
# analysis that uses it when its source has not stored them (a mart folder, a recording source).
VOCABULARY_MARTS: tuple[str, ...] = ("note_text", "note_metrics", "segment_text", "scene_note_comments", "query_weekly")


def with_vocabulary(*marts: str) -> tuple[str, ...]:
    """An analysis's own ``marts`` followed by the vocabulary's (each once): its declared footprint."""
    return tuple(dict.fromkeys((*marts, *VOCABULARY_MARTS)))


class MartSource(Protocol):
    """Where analyses read from: a workspace, or marts exported from a clean room."""

    @property
    def brand(self) -> BrandConfig: ...

    def mart(self, name: str) -> pa.Table: ...


@runtime_checkable
class UserRowSource(Protocol):  # not a MartSource subclass: isinstance() would read its brand property
    """A source that also holds user rows: a workspace (marts from a clean room do not).

    The declared capability an analysis that truly needs user rows asks for, through
    :func:`user_rows` (it lists those tables in ``user_tables``).
    """

    def staged(self, table: str, columns: tuple[str, ...] | None = None) -> pa.Table: ...


def user_rows(source: MartSource) -> UserRowSource | None:
    """``source`` as a :class:`UserRowSource`, or None when it holds marts only (the caller says why it needs rows)."""
    return source if isinstance(source, UserRowSource) else None


@dataclass(frozen=True)
class Interval:
    """A numeric parameter constraint, e.g. ``Interval(int, 1, None)`` for a positive integer."""

    kind: type
    low: float | None
    high: float | None

    def accepts(self, value: object) -> bool:
        if isinstance(value, bool):
            return False
        types: tuple[type, ...] = (int, float) if self.kind is float else (self.kind,)
        if not isinstance(value, types):
            return False
        number = float(value)  # type: ignore[arg-type]
        return (self.low is None or number >= self.low) and (self.high is None or number <= self.high)

    def __str__(self) -> str:
        return f"{self.kind.__name__} in [{self.low}, {self.high}]"


@dataclass(frozen=True)
class Options:
    values: frozenset[object]

    def accepts(self, value: object) -> bool:
        return value in self.values

    def __str__(self) -> str:
        # numbers in numeric order (7, 15, 30, 60), then text
        return "one of " + ", ".join(str(v) for v in sorted(self.values, key=lambda v: (isinstance(v, str), str(v).zfill(12))))


Constraint = Interval | Options | type | None


class Analysis:
    """Base class: parameter handling and the fitted check."""

    name: ClassVar[str]
    # The privacy footprint, declared: the marts fit() reads and the input tables whose user rows it
    # reads (empty for an analysis that runs on marts alone, e.g. inside a clean room). A composed
    # analysis's footprint is part of its own. tests/analyses/test_footprint.py checks fit() reads
    # exactly these on the demo worlds.
    marts: ClassVar[tuple[str, ...]] = ()
    user_tables: ClassVar[tuple[str, ...]] = ()
    _parameter_constraints: ClassVar[dict[str, list[Constraint]]] = {}

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters by name; with ``deep``, a composed analysis's own as ``<param>__<its param>``
        (scikit-learn's convention)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        out = {n: getattr(self, n) for n in names}
        if deep:
            for n in names:
                if isinstance(out[n], Analysis):
                    out.update({f"{n}__{k}": v for k, v in out[n].get_params(deep=True).items()})
        return out

    def set_params(self, **params: Any) -> Self:
        """Set parameters by name, a composed analysis's as ``<param>__<its param>`` (scikit-learn's
        ``set_params``); an unknown name is an error."""
        known = self.get_params(deep=False)
        nested: dict[str, dict[str, Any]] = {}
        for pname, value in params.items():
            head, sep, rest = pname.partition("__")
            if head not in known:
                raise AnalysisError(f"{type(self).__name__} has no parameter {head!r}; its parameters are {list(known)}")
            if sep:
                nested.setdefault(head, {})[rest] = value
            else:
                setattr(self, pname, value)
        for head, sub in nested.items():
            part = getattr(self, head)
            if not isinstance(part, Analysis):
                raise AnalysisError(f"{type(self).__name__}.{head} is not an analysis; cannot set {sorted(sub)} on it")
            part.set_params(**sub)
        return self

    def is_fitted(self) -> bool:
        return any(k.endswith("_") and not k.startswith("_") for k in vars(self))

    def _validate_params(self, where: str = "") -> None:
        """Check every parameter against ``_parameter_constraints`` (``where`` prefixes the error:
        the settings resolution names the brand.toml table or command line a value came from)."""
        for pname, value in self.get_params(deep=False).items():
            allowed = self._parameter_constraints.get(pname)
            if allowed is None:
                continue
            if any(accepts(c, value) for c in allowed):
                continue
            wanted = " or ".join("None" if c is None else str(getattr(c, "__name__", c)) for c in allowed)
            raise AnalysisError(f"{where}{type(self).__name__}: parameter {pname}={value!r} must be {wanted}")

    def fit(self, source: MartSource) -> Self:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def check_is_fitted(self) -> None:
        if not self.is_fitted():
            raise AnalysisError(f"{type(self).__name__} is not fitted yet; call fit(source) first")

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({params})"


def clone(analysis: Analysis) -> Analysis:
    """An unfitted copy with the same parameters (composed analyses cloned too), like scikit-learn's."""
    params = {k: clone(v) if isinstance(v, Analysis) else v for k, v in analysis.get_params(deep=False).items()}
    return type(analysis)(**params)


def fitted(part: Analysis, source: MartSource) -> Analysis:
    """A composed analysis ready to use: as handed over when already fitted (the pipeline fits each
    analysis once per run, dependencies first, and passes the fitted one in), else a clone fitted
    on ``source`` here (an analysis used on its own)."""
    return part if part.is_fitted() else clone(part).fit(source)


def accepts(constraint: Constraint, value: object) -> bool:
    if constraint is None:
        return value is None
    if isinstance(constraint, Interval | Options):
        return constraint.accepts(value)
    return isinstance(value, constraint)


AnalysisFactory = Callable[[], Analysis]
