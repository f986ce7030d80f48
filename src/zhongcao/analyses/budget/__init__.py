"""Budget plan: response curves, marginal ROI, optimal split within bounds, scenarios."""

from zhongcao.analyses.budget.analysis import BudgetAnalysis, response_curves
from zhongcao.analyses.budget.optimizer import (
           CurveResponse,
           Plan,
           ResponseModel,
           Scenario,
           marginal,
           optimise,
           scenario,
)

__all__ = ["BudgetAnalysis", "CurveResponse", "Plan", "ResponseModel", "Scenario", "marginal", "optimise",
           "response_curves", "scenario"]
