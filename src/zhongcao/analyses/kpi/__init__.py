"""KPI overview: spend, reach, engagement, leads, orders, GMV, ROI, repurchase, NPS, AIPS funnel."""

from zhongcao.analyses.kpi.analysis import FUNNEL_STAGES, KpiAnalysis

__all__ = ["FUNNEL_STAGES", "KpiAnalysis"]
