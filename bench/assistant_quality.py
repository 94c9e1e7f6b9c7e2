"""The assistant on every set, beside a plain baseline: top-1 accuracy on in-scope questions, the
share of out-of-scope questions it refuses, the share of in-scope ones it refuses, and the share
it answers with a choice of two ("您是想问 A 还是 B？", neither an answer nor a refusal).

Sets: `train cv5` (the similar questions and the out-of-scope list split in five; each part asked
of an index and an in-scope model built without it — the cross-validation the gate and its
thresholds were chosen by), `held-out` (bench/heldout/assistant.json, written before the method,
never indexed), `tuning` (data/tuning.txt, an older held-out set), `dev`
(../shared/data/faq_dev_questions.json, measured once at the end, when present).

Baseline: rank_bm25 (BM25Okapi) over each entry's question, keywords, similar questions and
answer, segmented by jieba, refusing below a score threshold set in the same cross-validation to
refuse 5% of in-scope questions. The refusal is also reported as precision and recall (a refusal
is right when the question is out of scope). Targets on sets the project has never seen: top-1 ≥
0.85, out of scope refused ≥ 0.80, in scope refused ≤ 0.10."""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = ROOT / "bench" / "heldout" / "assistant.json"
DEV = Path(os.environ.get("FAQ_DEV", ROOT.parent / "shared" / "data" / "faq_dev_questions.json"))
FOLDS = 5


def figures(asked: list[tuple[str, str | None]], replies: list[tuple[str | None, bool]]) -> dict:
    """`asked`: (question, kb_id or None); `replies`: (kb_id answered or None, asked to choose)."""
    inside = [(a, r) for a, r in zip(asked, replies, strict=True) if a[1]]
    outside = [(a, r) for a, r in zip(asked, replies, strict=True) if not a[1]]
    refused_in = sum(r[0] is None and not r[1] for _a, r in inside)
    refused_out = sum(r[0] is None and not r[1] for _a, r in outside)
    return {
        "in_scope": len(inside),
        "out_of_scope": len(outside),
        "top1": round(sum(r[0] == a[1] for a, r in inside) / max(len(inside), 1), 3),
        "refused_out_of_scope": round(refused_out / max(len(outside), 1), 3),
        "refused_in_scope": round(refused_in / max(len(inside), 1), 3),
        "choice": round(sum(r[1] for _a, r in inside) / max(len(inside), 1), 3),
        "refusal_precision": round(refused_out / max(refused_in + refused_out, 1), 3),
    }


class Ours:
    name = "ours"

    def fit(self, entries, negatives):
        from unionhome.assistant import engine

        for e in entries:
            e.terms = engine.entry_terms(e)
        self.assistant = engine.build(entries, negatives)
        return self

    def replies(self, questions: list[str]) -> list[tuple[str | None, bool]]:
        out = []
        for q in questions:
            r = self.assistant.reply(q)
            out.append((r.key, r.choice))
        return out


class BM25:
    name = "rank_bm25"
    threshold = 0.0

    def fit(self, entries, negatives):
        import jieba
        from rank_bm25 import BM25Okapi

        def words(text):
            return [w for w in jieba.lcut(text) if w.strip()]

        self.words = words
        self.keys = [e.kb_id for e in entries]
        self.bm25 = BM25Okapi(
            [words(" ".join([e.question, *e.keywords, *e.synonyms, e.answer])) for e in entries]
        )
        return self

    def best(self, question: str) -> tuple[str | None, float]:
        scores = self.bm25.get_scores(self.words(question))
        i = int(scores.argmax())
        return self.keys[i], float(scores[i])

    def replies(self, questions):
        out = []
        for q in questions:
            key, score = self.best(q)
            out.append((key if score >= self.threshold else None, False))
        return out


def folds(entries, negatives):
    """(entries without part k of the similar questions, negatives without part k, part k asked)."""
    held = [(i, j) for i, e in enumerate(entries) for j in range(len(e.synonyms))]
    rng = random.Random(1)
    rng.shuffle(held)
    shuffled = list(negatives)
    rng.shuffle(shuffled)
    for k in range(FOLDS):
        out = set(held[k::FOLDS])
        kept, asked = [], []
        for i, e in enumerate(entries):
            synonyms = [s for j, s in enumerate(e.synonyms) if (i, j) not in out]
            asked += [(s, e.kb_id) for j, s in enumerate(e.synonyms) if (i, j) in out]
            kept.append(SimpleNamespace(**{**vars(e), "synonyms": synonyms}))
        unseen = set(shuffled[k::FOLDS])
        asked += [(q, None) for q in shuffled[k::FOLDS]]
        yield kept, [q for q in negatives if q not in unseen], asked


def cross_validated(method, entries, negatives) -> dict:
    asked_all, replies_all, scores = [], [], []
    for kept, negs, asked in folds(entries, negatives):
        method.fit(kept, negs)
        if isinstance(method, BM25):  # its threshold comes from these same folds, below
            scores += [(method.best(q), kb) for q, kb in asked]
        else:
            replies_all += method.replies([q for q, _kb in asked])
        asked_all += asked
    if isinstance(method, BM25):
        inside = sorted(score for (_key, score), kb in scores if kb)
        method.threshold = inside[int(0.05 * len(inside))]
        replies_all = [(key if score >= method.threshold else None, False) for (key, score), _kb in scores]
    return figures(asked_all, replies_all)


def sets() -> dict:
    from unionhome.assistant import engine

    out = {
        "held-out": [(q["question"], q["kb_id"]) for q in json.loads(HELD_OUT.read_text(encoding="utf-8"))]
    }
    out["tuning"] = [
        (line.split("\t", 1)[1], None if line.startswith("none") else line.split("\t", 1)[0])
        for line in engine.read_lines("tuning.txt")
    ]
    if DEV.exists():
        out["dev"] = [(q["q"], q["kb_id"]) for q in json.loads(DEV.read_text(encoding="utf-8"))]
    return out


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from bench import results as results_file
    from unionhome.assistant import engine

    entries = engine.default_entries()
    negatives = engine.read_lines("out_of_scope.txt")
    results: dict = {}
    for method in (Ours(), BM25()):
        results[method.name] = {"train cv5": cross_validated(method, entries, negatives)}
        method.fit(engine.default_entries(), negatives)
        for name, asked in sets().items():
            results[method.name][name] = figures(asked, method.replies([q for q, _kb in asked]))
    print(f"\nassistant: {len(entries)} entries, {sum(len(e.synonyms) for e in entries)} similar questions,")
    print(
        f"{len(negatives)} out-of-scope examples (targets on unseen sets: top-1 ≥ 0.85, out of scope refused ≥ 0.80,"
    )
    print("in scope refused ≤ 0.10)")
    print(
        "| set | method | in / out | top-1 | refuses out of scope | refuses in scope | asks A or B | refusal precision |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name in results["ours"]:
        for method, by_set in results.items():
            r = by_set[name]
            print(
                f"| {name} | {method} | {r['in_scope']} / {r['out_of_scope']} | {r['top1']} | {r['refused_out_of_scope']} |"
                f" {r['refused_in_scope']} | {r['choice']} | {r['refusal_precision']} |"
            )
    results_file.save("assistant-quality", results)
    return results


if __name__ == "__main__":
    main()
