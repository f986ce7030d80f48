"""What every analysis shares: the estimator shape and the source it reads.

Analyses follow scikit-learn's conventions: parameters are stored untouched in ``__init__``
and declared in ``_parameter_constraints``; ``fit(source)`` validates them, reads marts from
the source and returns ``self``; learned results live in ``trailing_underscore_`` attributes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self

import pyarrow as pa

from zhongcao.contract import BrandConfig
from zhongcao.errors import AnalysisError

DEFAULT_MIN_GROUP_SIZE = 50
"""Smallest group of users an aggregate may describe (clean-room practice)."""


class MartSource(Protocol):
    """Where analyses read from: a workspace, or marts exported from a clean room."""

    @property
    def brand(self) -> BrandConfig: ...

    def mart(self, name: str) -> pa.Table: ...


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
    marts: ClassVar[tuple[str, ...]] = ()  # the marts fit() reads (the analysis's privacy footprint)
    _parameter_constraints: ClassVar[dict[str, list[Constraint]]] = {}

    def get_params(self) -> dict[str, Any]:
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {n: getattr(self, n) for n in names}

    def set_params(self, **params: Any) -> Self:
        """Set parameters by name (scikit-learn's ``set_params``); an unknown name is an error."""
        known = self.get_params()
        for pname, value in params.items():
            if pname not in known:
                raise AnalysisError(f"{type(self).__name__} has no parameter {pname!r}; its parameters are {list(known)}")
            setattr(self, pname, value)
        return self

    def _validate_params(self, where: str = "") -> None:
        """Check every parameter against ``_parameter_constraints`` (``where`` prefixes the error:
        the settings resolution names the brand.toml table or command line a value came from)."""
        for pname, value in self.get_params().items():
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
        if not any(k.endswith("_") and not k.startswith("_") for k in vars(self)):
            raise AnalysisError(f"{type(self).__name__} is not fitted yet; call fit(source) first")

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"


def accepts(constraint: Constraint, value: object) -> bool:
    if constraint is None:
        return value is None
    if isinstance(constraint, Interval | Options):
        return constraint.accepts(value)
    return isinstance(value, constraint)


AnalysisFactory = Callable[[], Analysis]
