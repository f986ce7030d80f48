"""Optional departures from a demo world: spend that follows hidden demand, and a geo holdout of one channel.

* ``confounded``: one channel's budget follows an unobserved demand driver — a persistent weekly
  process that also moves baseline demand, seen by the brand's planners a week late (next week's
  budget follows this week's demand). No column in the data carries it; truth.json does. The
  channel's planted response to its own spend is unchanged, so its true ROI is as in any world:
  a model that credits the channel with the demand its spend followed is wrong, not the world.
* ``geo_holdout``: the channel's paid touches are switched off for users in the control provinces
  between two dates (the experiment ``zhongcao design-test`` proposes); the spend table shows the
  spend not made, and truth.json the expected GMV the holdout lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zhongcao.contract.geo import PROVINCES
from zhongcao.errors import ContractError
from zhongcao.simulate.spec import CHANNELS

DRIVER_PERSISTENCE = 0.85  # week-to-week autocorrelation of the hidden demand driver
DRIVER_DEMAND = 0.25  # baseline demand moves by ±25% per standard deviation of the driver
DRIVER_SPEND = 0.6  # log-spend of the confounded channel per standard deviation of the driver


@dataclass(frozen=True)
class GeoHoldout:
    channel: str
    provinces: tuple[str, ...]  # control: the channel is off there
    start: str  # ISO dates, inclusive
    end: str

    def province_index(self) -> np.ndarray:
        names = [p.name for p in PROVINCES]
        unknown = [p for p in self.provinces if p not in names]
        if unknown:
            raise ContractError(f"geo holdout: unknown provinces {unknown}")
        return np.array([names.index(p) for p in self.provinces])


@dataclass(frozen=True)
class Scenario:
    confounded: str | None = None
    geo_holdout: GeoHoldout | None = None

    def check(self) -> None:
        for name in (self.confounded, self.geo_holdout.channel if self.geo_holdout else None):
            if name is not None and name not in CHANNELS:
                raise ContractError(f"unknown channel {name!r}; channels are {', '.join(CHANNELS)}")
        if self.geo_holdout:
            self.geo_holdout.province_index()


def demand_driver(rng: np.random.Generator, days: int) -> np.ndarray:
    """A persistent weekly AR(1) process, standardised, held within each week: (days,)."""
    weeks = days // 7 + 1
    z = np.zeros(weeks)
    for w in range(1, weeks):
        z[w] = DRIVER_PERSISTENCE * z[w - 1] + rng.normal()
    z = (z - z.mean()) / z.std()
    return z[np.arange(days) // 7]


def confounded_level(z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Daily spend level (mean 1) of a channel whose budget follows the driver as seen a week earlier."""
    seen = np.r_[np.zeros(7), z[:-7]]
    x = np.exp(DRIVER_SPEND * seen) * rng.lognormal(0.0, 0.08, len(z))
    return x / x.mean()
