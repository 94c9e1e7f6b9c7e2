"""Assistant quality on the held-out dev questions (measured only: never indexed, never in the
dictionary, the synonyms or any training data). Targets: top-1 accuracy ≥ 0.85 on in-scope
questions; "I don't know" for ≥ 70% of out-of-scope ones and ≤ 10% of in-scope ones."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bench import results as results_file

ROOT = Path(__file__).resolve().parent.parent
DEV = Path(os.environ.get("FAQ_DEV", ROOT.parent / "shared" / "data" / "faq_dev_questions.json"))


def evaluate(assistant, questions) -> dict:
    inside = [q for q in questions if q["kb_id"]]
    outside = [q for q in questions if not q["kb_id"]]
    replies = [assistant.reply(q["q"]) for q in questions]
    by_q = dict(zip([q["q"] for q in questions], replies, strict=True))
    return {
        "in_scope": len(inside),
        "out_of_scope": len(outside),
        "top1_accuracy": round(sum(by_q[q["q"]].key == q["kb_id"] for q in inside) / len(inside), 3),
        "refused_out_of_scope": round(sum(not by_q[q["q"]].known for q in outside) / max(len(outside), 1), 3),
        "refused_in_scope": round(sum(not by_q[q["q"]].known for q in inside) / len(inside), 3),
    }


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from unionhome.assistant import engine

    assistant = engine.build(engine.default_entries())
    result = evaluate(assistant, json.loads(DEV.read_text(encoding="utf-8")))
    tuning = [
        {"q": line.split("\t", 1)[1], "kb_id": None if line.startswith("none") else line.split("\t", 1)[0]}
        for line in engine.read_lines("tuning.txt")
    ]
    result_tuning = evaluate(assistant, tuning)
    print("\nAssistant quality (faq_dev_questions.json, held out)")
    print("| set | top-1 accuracy | says it does not know: out of scope | …: in scope |")
    print("|---|---:|---:|---:|")
    for name, r in (
        ("faq_dev_questions.json", result),
        ("data/tuning.txt (threshold tuning)", result_tuning),
    ):
        print(f"| {name} | {r['top1_accuracy']} | {r['refused_out_of_scope']} | {r['refused_in_scope']} |")
    print("targets: accuracy ≥ 0.85, out of scope ≥ 0.70, in scope ≤ 0.10")
    results_file.save("assistant-quality", {"dev": result, "tuning": result_tuning})
    return result


if __name__ == "__main__":
    main()
