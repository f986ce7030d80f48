"""Creator lists alone: price benchmarks per tier and category, peers, suspicious accounts, shortlist."""

from zhongcao.analyses.benchmarks.analysis import ZERO_IS_MISSING, BenchmarkAnalysis, measures

__all__ = ["ZERO_IS_MISSING", "BenchmarkAnalysis", "measures"]
