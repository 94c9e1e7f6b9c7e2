"""A contest's final scores (D3), as pure functions with their working shown.

Each judge's score for an entry is the weighted mean of the criteria they marked
(Σ weight × mark ÷ Σ weight). Across judges the contest's rule applies:
- `mean`: the plain mean of the judges' scores;
- `trimmed_mean`: with 5 judges or more, one highest and one lowest are dropped first (with
  fewer, the plain mean);
- `zscore`: each judge's scores are first put on a common scale — (score − that judge's mean) ÷
  that judge's standard deviation, over every entry the judge marked (population deviation; a
  judge who gave everyone the same score contributes 0) — then averaged; so a strict judge and a
  lenient one count alike.
Ties are broken by the declared criteria in order (the higher mean mark on the first that
differs); entries still level share a rank (1, 1, 3)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

RULES = ("mean", "trimmed_mean", "zscore")


def weighted(criteria: list[dict], marks: dict) -> float:
    total = sum(float(c["weight"]) for c in criteria)
    return sum(float(c["weight"]) * float(marks[c["name"]]) for c in criteria) / total


@dataclass
class Ranked:
    entry: int
    rank: int
    score: float
    working: str
    by_criterion: dict = field(default_factory=dict)


def _r(x: float) -> float:
    return round(x + 0.0, 4)


def rank(
    criteria: list[dict], rule: str, marks: dict[int, dict[int, dict]], tiebreak: list[str] | None = None
) -> list[Ranked]:
    """`marks[entry][judge] = {criterion: mark}` → the entries ranked, best first."""
    per_judge = {e: {j: weighted(criteria, m) for j, m in judges.items()} for e, judges in marks.items()}
    norms: dict[int, tuple[float, float]] = {}
    if rule == "zscore":
        by_judge: dict[int, list[float]] = {}
        for judges in per_judge.values():
            for j, s in judges.items():
                by_judge.setdefault(j, []).append(s)
        norms = {j: (statistics.fmean(v), statistics.pstdev(v)) for j, v in by_judge.items()}
    out = []
    for entry, judges in per_judge.items():
        scores = dict(sorted(judges.items()))
        if not scores:
            continue
        raw = "、".join(f"J{j}={_r(s)}" for j, s in scores.items())
        if rule == "zscore":
            zs = {
                j: (0.0 if norms[j][1] == 0 else (s - norms[j][0]) / norms[j][1]) for j, s in scores.items()
            }
            score = statistics.fmean(zs.values())
            parts = "、".join(
                f"J{j}: ({_r(s)}−{_r(norms[j][0])})÷{_r(norms[j][1])}={_r(zs[j])}" for j, s in scores.items()
            )
            working = f"z 分：{parts}；平均 {_r(score)}"
        elif rule == "trimmed_mean" and len(scores) >= 5:
            ordered = sorted(scores.values())
            kept = ordered[1:-1]
            score = statistics.fmean(kept)
            working = f"评委分 {raw}；去掉最高 {_r(ordered[-1])} 和最低 {_r(ordered[0])}，其余 {len(kept)} 位平均 {_r(score)}"
        else:
            score = statistics.fmean(scores.values())
            working = f"评委分 {raw}；平均 {_r(score)}"
        by_criterion = {
            c["name"]: statistics.fmean(float(marks[entry][j][c["name"]]) for j in scores) for c in criteria
        }
        out.append(Ranked(entry, 0, _r(score), working, by_criterion))
    order = [c for c in (tiebreak or []) if any(c == k["name"] for k in criteria)]

    def key(r: Ranked):
        return (r.score, *(_r(r.by_criterion[c]) for c in order))

    out.sort(key=lambda r: (tuple(-x for x in key(r)), r.entry))
    for i, r in enumerate(out):
        r.rank = out[i - 1].rank if i and key(out[i - 1]) == key(r) else i + 1
    return out
