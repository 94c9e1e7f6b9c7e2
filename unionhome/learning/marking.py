"""Marking and drawing, as pure functions (no database): what an answer is worth, and which
questions a paper holds for a seed.

An answer has the form of the question's `answer`: the texts of the chosen options (single,
multiple), [true] or [false] (true/false), one string (fill-in). Fill-in matching ignores the
difference between full-width and half-width characters, letter case and every space (ＡＢＣ 1２ =
abc12). A multiple-choice question is all or nothing unless the exam gives partial credit: then
any wrong option chosen gives nothing, else the share of the right options chosen."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def folded(text: str) -> str:
    """Full-width as half-width, lower case, no spaces of any width."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def _texts(given) -> list[str] | None:
    if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
        return None
    return given


def points(kind: str, answer: list, given, *, worth: Decimal = Decimal(1), partial: bool = False) -> Decimal:
    """What `given` earns on a question of `kind` whose correct answer is `answer`; an answer of
    the wrong form earns nothing."""
    if kind == "truefalse":
        right = isinstance(given, list) and len(given) == 1 and given[0] is answer[0]
        return worth if right else Decimal(0)
    texts = _texts(given)
    if texts is None:
        return Decimal(0)
    if kind == "fill":
        accepted = {folded(a) for a in answer}
        return worth if len(texts) == 1 and folded(texts[0]) in accepted else Decimal(0)
    chosen, correct = set(texts), set(answer)
    if kind == "single":
        return worth if len(texts) == 1 and chosen == correct else Decimal(0)
    if chosen == correct:
        return worth
    if not partial or not chosen or chosen - correct:
        return Decimal(0)
    share = worth * len(chosen) / len(correct)
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Candidate:
    id: int
    kind: str
    tags: frozenset[str]
    difficulty: int


class ShortBank(Exception):
    """A rule asks for more questions than the bank holds."""

    def __init__(self, index: int, rule: dict, found: int):
        super().__init__(index, rule, found)
        self.index, self.rule, self.found = index, rule, found


def draw(bank: list[Candidate], rules: list[dict], seed: int) -> list[int]:
    """The paper for `seed`: for each rule in turn, `count` questions of its kind carrying all
    its tags (at most `max_difficulty`), none twice, chosen by a generator seeded with `seed`
    over the candidates in id order — so the same seed and bank give the same paper."""
    rng = random.Random(seed)
    chosen: list[int] = []
    for index, rule in enumerate(rules):
        tags = set(rule.get("tags") or [])
        ceiling = rule.get("max_difficulty") or 5
        taken = set(chosen)
        pool = sorted(
            q.id
            for q in bank
            if q.kind == rule["kind"] and tags <= q.tags and q.difficulty <= ceiling and q.id not in taken
        )
        if len(pool) < rule["count"]:
            raise ShortBank(index, rule, len(pool))
        chosen += rng.sample(pool, rule["count"])
    return chosen
