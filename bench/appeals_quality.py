"""Appeal classifier quality on the held-out dev set (never trained on): accuracy, macro-F1,
urgent recall and the share of routine appeals flagged urgent. Targets: accuracy ≥ 0.85, urgent
recall ≥ 0.90. Also the same figures by 5-fold cross-validation on the shipped training set."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bench import results as results_file

ROOT = Path(__file__).resolve().parent.parent
DEV = Path(os.environ.get("APPEALS_DEV", ROOT.parent / "shared" / "data" / "appeals_dev.json"))


def evaluate(model, examples, classifier) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    texts = [e["text"] for e in examples]
    truth = [e["category"] for e in examples]
    predicted, _confidence, p_urgent = classifier.predict(model, texts)
    flagged = [
        p >= classifier.URGENT_THRESHOLD or bool(classifier.danger_signals(t))
        for p, t in zip(p_urgent, texts, strict=True)
    ]
    urgent = [bool(e["urgent"]) for e in examples]
    n_urgent = sum(urgent) or 1
    n_routine = (len(urgent) - sum(urgent)) or 1
    return {
        "n": len(examples),
        "accuracy": round(accuracy_score(truth, predicted), 3),
        "macro_f1": round(f1_score(truth, predicted, average="macro"), 3),
        "urgent_recall": round(sum(f and u for f, u in zip(flagged, urgent, strict=True)) / n_urgent, 3),
        "routine_flagged_urgent": round(
            sum(f and not u for f, u in zip(flagged, urgent, strict=True)) / n_routine, 3
        ),
    }


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from sklearn.model_selection import StratifiedKFold

    from unionhome.appeals import classifier

    train = classifier.shipped_examples()
    model = classifier.train(train)
    results = {}
    if DEV.exists():
        results["dev"] = evaluate(model, json.loads(DEV.read_text(encoding="utf-8")), classifier)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    cv = []
    for fit, held in folds.split(train, [e["category"] for e in train]):
        cv.append(evaluate(classifier.train([train[i] for i in fit]), [train[i] for i in held], classifier))
    results["train_cv5"] = {k: round(sum(r[k] for r in cv) / len(cv), 3) for k in cv[0] if k != "n"}
    print("\nappeal classifier (targets: accuracy ≥ 0.85, urgent recall ≥ 0.90)")
    print("| set | accuracy | macro-F1 | urgent recall | routine flagged urgent |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['accuracy']} | {r['macro_f1']} | {r['urgent_recall']} | {r['routine_flagged_urgent']} |"
        )
    results_file.save("appeals-quality", results)
    return results


if __name__ == "__main__":
    main()
