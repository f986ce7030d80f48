"""Layer 1: the declared tables (grain, columns, descriptions) and reference data."""

from zhongcao.contract.geo import PROVINCES, REGION_GROUPS, normalise_province, region_group
from zhongcao.contract.platforms import PLATFORMS, normalise_platform
from zhongcao.contract.tables import (
    ACTIONS,
    BRAND_SETTINGS,
    FILE_SUFFIXES,
    LEAD_STATUSES,
    TABLES,
    TIMEZONE,
    BrandConfig,
    Column,
    LiftStudy,
    Reference,
    Table,
)

__all__ = [
    "ACTIONS",
    "BRAND_SETTINGS",
    "FILE_SUFFIXES",
    "LEAD_STATUSES",
    "PLATFORMS",
    "PROVINCES",
    "REGION_GROUPS",
    "TABLES",
    "TIMEZONE",
    "BrandConfig",
    "Column",
    "LiftStudy",
    "Reference",
    "Table",
    "normalise_platform",
    "normalise_province",
    "region_group",
]
