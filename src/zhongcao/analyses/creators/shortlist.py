"""Shortlist under budget: which creators to book, solved exactly as an integer program.

maximise   Σ value_c · x_c                      (expected incremental orders per booked note)
subject to Σ quote_c · x_c ≤ budget
           min_per_tier[t] ≤ Σ_{c in t} x_c ≤ max_per_tier[t]
           x_c = 0 for creators outside ``regions``, below ``min_tgi``, or excluded (fake engagement)
           x_c ∈ {0, 1}

scipy.optimize.milp (HiGHS branch and cut) solves it to optimality. The two plans a brand would
otherwise use are computed beside it at the same budget: book the biggest accounts first, and
book the cheapest CPE first (each greedy, skipping a creator that no longer fits).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from zhongcao.errors import AnalysisError


def eligible(candidates: pd.DataFrame, *, regions: Collection[str] | None = None, min_tgi: float | None = None,
             exclude: Collection[str] = ()) -> pd.Series:
    ok = candidates["quote"].fillna(0) > 0
    ok &= ~candidates["creator_id"].isin(list(exclude))
    if regions:
        ok &= candidates["region"].isin(list(regions))
    if min_tgi is not None:
        ok &= candidates["tgi"].fillna(-np.inf) >= min_tgi
    return ok


def solve(candidates: pd.DataFrame, budget: float, *, value: str = "value", min_per_tier: Mapping[str, int] | None = None,
          max_per_tier: Mapping[str, int] | None = None, regions: Collection[str] | None = None,
          min_tgi: float | None = None, exclude: Collection[str] = ()) -> pd.DataFrame:
    """The optimal booking: candidates' rows with ``book`` set. Raises AnalysisError if infeasible."""
    c = candidates.reset_index(drop=True)
    ok = eligible(c, regions=regions, min_tgi=min_tgi, exclude=exclude).to_numpy()
    n = len(c)
    if n == 0:
        raise AnalysisError("no creators to choose from")
    quote = c["quote"].fillna(0).to_numpy(float)
    rows, lo, hi = [quote], [-np.inf], [float(budget)]
    for t in sorted(set(min_per_tier or {}) | set(max_per_tier or {})):
        rows.append((c["tier"] == t).to_numpy(float))
        lo.append(float((min_per_tier or {}).get(t, 0)))
        hi.append(float((max_per_tier or {}).get(t, np.inf)))
    res = milp(-np.nan_to_num(c[value].to_numpy(float)), integrality=np.ones(n),
               bounds=Bounds(np.zeros(n), ok.astype(float)),
               constraints=LinearConstraint(np.vstack(rows), lo, hi))
    if res.x is None:
        raise AnalysisError(f"no shortlist satisfies the constraints within the budget ({res.message})")
    return c.assign(book=np.round(res.x).astype(bool))


def greedy(candidates: pd.DataFrame, budget: float, order_by: str, ascending: bool) -> pd.DataFrame:
    """A naive plan: walk the list in one order, book whoever still fits the budget."""
    c = candidates.reset_index(drop=True)
    book = np.zeros(len(c), bool)
    left = float(budget)
    for i in c.sort_values(order_by, ascending=ascending, na_position="last").index:
        q = float(c.at[i, "quote"]) if pd.notna(c.at[i, "quote"]) else 0.0
        if 0 < q <= left and pd.notna(c.at[i, order_by]):
            book[i] = True
            left -= q
    return c.assign(book=book)


def compare(candidates: pd.DataFrame, budget: float, value: str = "value", **constraints: object) -> pd.DataFrame:
    """Optimal plan vs the two naive plans: creators, spend and expected value of each."""
    plans = {
        "optimal": solve(candidates, budget, value=value, **constraints),  # type: ignore[arg-type]
        "biggest_accounts": greedy(candidates[candidates["quote"] > 0], budget, "followers", ascending=False),
        "cheapest_cpe": greedy(candidates[candidates["quote"] > 0], budget, "cpe_quoted", ascending=True),
    }
    rows = []
    for name, p in plans.items():
        b = p[p["book"]]
        rows.append({"plan": name, "creators": len(b), "spend": float(b["quote"].sum()),
                     "expected_orders": float(b[value].sum()), "booked": list(b["creator_id"].astype(str))})
    return pd.DataFrame(rows)
