"""Zhongcao (种草决策大脑): an offline decision brain for content-seeding marketing."""

__version__ = "0.1.0"
