"""Declarative description of a demo world: brand, vocabulary, topics, segments, planted effects.

A world file fills one :class:`WorldSpec`; the generic engine (population, media, touches)
reads only this object, so adding a world never touches the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

TopicKind = Literal["own", "competitor", "neutral"]

PERIOD_START = "2024-01-01"
PERIOD_END = "2025-12-31"

AGE_BANDS: tuple[str, ...] = ("18-24", "25-29", "30-34", "35-39", "40+")
CHANNELS: tuple[str, ...] = ("kol", "feeds", "search", "brand_zone", "douyin", "tmall_ad")


@dataclass(frozen=True)
class Topic:
    """A family of notes sharing subject, brand side and vocabulary."""

    key: str  # written to notes.topic
    label: str  # human label used in truth.json (字帖, 线下班 …)
    kind: TopicKind
    share: float  # share of ordinary notes at the start of the period
    titles: tuple[str, ...]
    bodies: tuple[str, ...]
    tags: tuple[str, ...]
    comments: tuple[str, ...]
    growth: float = 1.0  # share multiplier at period end vs start, linear in between
    brands: tuple[str, ...] = ()  # competitor brands (kind == "competitor")
    author_groups: tuple[str, ...] = ()  # restrict authors to these region groups
    author_young_women: bool = False
    collect_rate: float = 0.03  # saves per view on the platform
    conv_mult: float = 1.0  # multiplies the per-read conversion effect (own notes only)


@dataclass(frozen=True)
class Product:
    name: str
    sku: str
    price: float
    weight: float = 1.0


@dataclass(frozen=True)
class Population:
    """One chunk of users as parallel arrays (index-coded to keep memory flat)."""

    first: int  # global index of the first user in the chunk
    gender: np.ndarray  # 0 = f, 1 = m
    age: np.ndarray  # index into AGE_BANDS
    province: np.ndarray  # index into contract.geo.PROVINCES
    group: np.ndarray  # index into contract.geo.REGION_GROUPS
    tier: np.ndarray  # 1..5
    activity: np.ndarray  # expected touches over the period
    segment: np.ndarray  # index into WorldSpec.segments
    extras: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.gender)


@dataclass(frozen=True)
class Window:
    start: str  # ISO date, inclusive
    end: str  # ISO date, inclusive


@dataclass(frozen=True)
class WorldSpec:
    key: str
    brand: Mapping[str, object]  # brand.toml content (BrandConfig keys)
    creator_category: str
    products: tuple[Product, ...]
    topics: tuple[Topic, ...]
    slots: Mapping[str, tuple[str, ...]]  # shared vocabulary for templates
    segments: tuple[str, ...]  # segment labels (surveys.segment, truth keys)
    segment_of: Callable[[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]], np.ndarray]
    user_extras: Callable[[np.random.Generator, int], dict[str, np.ndarray]]
    affinity: Mapping[str, Mapping[str, float]]  # segment → topic key → weight (default 1)
    segment_comments: Mapping[str, tuple[str, ...]]  # segment → extra comment templates
    segment_queries: Mapping[str, tuple[str, ...]]  # segment → search templates
    brand_queries: tuple[str, ...]
    lead_remarks: Mapping[str, tuple[str, ...]]  # segment → CRM note templates
    gender_f: float
    age_weights: tuple[float, ...]
    base_orders: float  # baseline orders per user over the period
    segment_order_mult: Mapping[str, float]
    platforms: Mapping[str, float]
    monthly_season: tuple[float, ...]  # 12 multipliers
    lead_rate: float  # expected leads per qualifying touch
    negative_window: Window
    holdout: Window
    holdout_campaign: str
    nps_mean: Mapping[str, float]  # segment → mean score
    soft_ad_slogan: tuple[str, ...]  # brand copy reused verbatim by soft-ad creators
    lead_rate_after: float = 1.0  # multiplier after strategy_date
    strategy_date: str | None = None
    post_lead: Mapping[str, Mapping[str, float]] | None = None  # lead status → topic → share
    post_lead_queries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # topic → queries
    regional_lift: tuple[tuple[str, ...], str, float] | None = None  # (groups, date, lift)
    truth_static: Mapping[str, object] = field(default_factory=dict)  # world-specific planted facts
    user_extra_columns: tuple[str, ...] = ()
    lead_extra_columns: tuple[str, ...] = ()
    # Text of the planted accounts (keys of ``specials.SPECIAL_TEXT``); a key left out keeps the demo templates.
    special_text: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fake_comment_hours: float = 6.0  # bought comments land within this many hours of publishing

    def topic_index(self, key: str) -> int:
        for i, t in enumerate(self.topics):
            if t.key == key:
                return i
        raise KeyError(key)
