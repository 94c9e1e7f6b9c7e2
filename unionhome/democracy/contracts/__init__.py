"""Collective contracts checked every quarter (F4, seed 002 §3.3).

A clause is a rule over data items the enterprise delivers:
- `minimum`: {"item", "min"} — the item's value is at least `min` (every month of the quarter
  for a monthly item; e.g. wage growth ≥ 5% year on year, paid leave ≥ 7 days);
- `maximum`: {"item", "max"} — at most `max` (women placed in posts barred to women: 0);
- `formula`: {"expr"} — a comparison over item codes with + − × ÷ and numbers (e.g. overtime pay
  ≥ overtime hours × base hourly wage × 1.5: overtime paid on the base wage, not the minimum
  wage); a monthly item counts as its quarter's sum;
- `monthly`: {"item", "min", "months", "pay_by"} — in each of `months` that falls in the
  quarter, at least `min` was paid, by day `pay_by` of the next month (the high-temperature
  allowance, June–September, by the 15th).

The quarterly check gives each clause one verdict — not compliant, data missing, data late
(delivered after its date: period end + the item's `due_days`), or compliant, in that order of
precedence — and each exception opens a review (异常复议) with its owner and a deadline in working
days. A correction is a new delivery: the latest one of a period counts, and it is late if it
came after the date."""

from .checks import judge, quarter_check, review_close, summary
from .data import deliver, upload
from .rules import (
    REVIEW_DAYS,
    evaluate,
    formula_names,
    parse_quarter,
    period_end,
    period_start,
    quarter_months,
    valid_period,
)
from .terms import STANDARD, YES_NO, Standard, clause_add, contract_create, contract_for, standard_contract

__all__ = [
    "REVIEW_DAYS",
    "STANDARD",
    "YES_NO",
    "Standard",
    "clause_add",
    "contract_create",
    "contract_for",
    "deliver",
    "evaluate",
    "formula_names",
    "judge",
    "parse_quarter",
    "period_end",
    "period_start",
    "quarter_check",
    "quarter_months",
    "review_close",
    "standard_contract",
    "summary",
    "upload",
    "valid_period",
]
