"""The appeal classifier: category and urgency from the member's own words.

Logistic regression over character 1–3-grams of the normalised text and its toneless pinyin
syllables (each, and in pairs), trained on the shipped appeals (`data/appeals_train.json` and
`data/appeals_written*.json`) plus every category staff have confirmed since; the category is
the model's probabilities fused with the vote of the seven training appeals closest to the text.
Chosen by five-fold cross-validation on that data and checked on the held-out sets in
bench/heldout/, written before the method (docs/benchmarks.md says what was tried and dropped).
Urgency is the model's urgent
probability OR an explicit danger signal (injury, unconsciousness, self-harm, violence, many
people unpaid, 停工, 堵门, 上访 …): a life-or-death appeal must never be filed as routine, so the
signals alone suffice.

The fitted model is kept under DATA_DIR/models and reloaded when `unionhome appeals retrain`
writes a new one."""

from __future__ import annotations

import json
import math
import re
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from unionhome.core import warmup
from unionhome.core.scoping import by_rule

from .lexicon import DANGER_SIGNALS

DATA = Path(__file__).parent / "data"
TRAIN_FILE = DATA / "appeals_train.json"
WRITTEN_FILES = ("appeals_written.json", "appeals_written_more.json", "appeals_written_boundaries.json")
CATEGORY_C = 30.0
URGENT_C = 10.0
URGENT_THRESHOLD = 0.25
NEIGHBOURS = 7  # the training appeals closest to a text that vote on its category
NEIGHBOUR_WEIGHT = 0.5  # their vote against the model's probabilities (weight 1)

_lock = threading.Lock()
_loaded: tuple[float, object] | None = None
_checked = 0.0  # time.monotonic() of the last look at the model file
_scorer: tuple[object, LinearScorer] | None = None


@dataclass(frozen=True)
class Suggestion:
    category: str
    confidence: float
    urgent: bool
    signals: list[str]


def model_path() -> Path:
    return warmup.models_dir() / "appeal_classifier.pkl"


_DANGER = [
    (name, [re.compile(p, re.S) for p in ((pattern,) if isinstance(pattern, str) else pattern)])
    for name, pattern in DANGER_SIGNALS
]


def danger_signals(text: str) -> list[str]:
    """The signals whose patterns all appear in `text`. (Two separate searches, not one pattern
    of two lookaheads: that one is tried at every position of the text, ten times the cost.)"""
    return [name for name, patterns in _DANGER if all(p.search(text) for p in patterns)]


def normalise(text: str) -> str:
    """Full-width letters and digits as half-width, Latin letters lower case (ＡＰＰ, App, app)."""
    return unicodedata.normalize("NFKC", text).lower()


def sounds(text: str) -> list[str]:
    """The text's syllables without tones, each and in pairs: a typo that sounds like the word
    it stands for (宿涉 for 宿舍, 加班废 for 加班费, 工姿 for 工资) keeps the word's sounds."""
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(normalise(text), errors="ignore") if s.strip()]
    return syllables + [a + "_" + b for a, b in zip(syllables, syllables[1:], strict=False)]


def _features():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, 3), preprocessor=normalise, sublinear_tf=True, min_df=2
        ),
        TfidfVectorizer(analyzer=sounds, sublinear_tf=True, min_df=2),
    )


def shipped_examples() -> list[dict]:
    """The 400 labelled appeals the project started from, and those written since in members'
    own words (data/appeals_written*.json: other trades, regions, dialect, typos, short and long,
    harmless alarm words) so that the model meets more of the ways members say things."""
    examples = json.loads(TRAIN_FILE.read_text(encoding="utf-8"))
    for name in WRITTEN_FILES:
        examples += json.loads((DATA / name).read_text(encoding="utf-8"))
    return examples


def confirmed_examples() -> list[dict]:
    """Appeals whose category a staff member confirmed or corrected: the model learns from them."""
    from .models import Appeal

    return [
        {"text": text, "category": category, "urgent": urgent}
        for text, category, urgent in by_rule(Appeal.objects, "every confirmed category teaches the model")
        .filter(category_confirmed=True)
        .values_list("text", "category", "urgent")
    ]


def train(examples: list[dict]):
    """One feature union, fitted once and shared by the category and the urgency model, so a
    suggestion segments and vectorises the text once. The training rows are kept as well: the
    closest of them vote on a new text's category (`fused`)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    texts = [e["text"] for e in examples]
    features = _features()
    matrix = features.fit_transform(texts)
    category = LogisticRegression(C=CATEGORY_C, max_iter=5000).fit(matrix, [e["category"] for e in examples])
    urgent = LogisticRegression(C=URGENT_C, max_iter=5000, class_weight="balanced").fit(
        matrix, [bool(e["urgent"]) for e in examples]
    )
    classes = list(category.classes_)
    return {
        "features": features,
        "category": category,
        "urgent": urgent,
        "neighbours": matrix.T.tocsr(),  # features × training appeals
        "neighbour_classes": np.array([classes.index(e["category"]) for e in examples]),
        "examples": len(examples),
        "version": code_version(),
    }


def fused(probs, similarities, neighbour_classes):
    """The model's category probabilities with the vote of the NEIGHBOURS training appeals most
    similar to the text (dot products of the same features, each vote weighted by its
    similarity), as one distribution. The model generalises over the whole vocabulary; the
    neighbours keep what a few close examples say about a phrasing the weights smooth away.
    Chosen by cross-validation on the training data (docs/benchmarks.md)."""
    import numpy as np

    votes = np.zeros_like(probs)
    for row, sims in enumerate(similarities):
        for i in np.argsort(-sims, kind="stable")[:NEIGHBOURS]:
            votes[row, neighbour_classes[i]] += sims[i]
    votes /= np.maximum(votes.sum(axis=1, keepdims=True), 1e-12)
    return (probs + NEIGHBOUR_WEIGHT * votes) / (1.0 + NEIGHBOUR_WEIGHT)


def predict(model, texts: list[str]) -> tuple[list[str], list[float], list[float]]:
    """(categories, their probabilities, urgent probabilities) for `texts`."""
    matrix = model["features"].transform(texts)
    similarities = (matrix @ model["neighbours"]).toarray()
    probs = fused(model["category"].predict_proba(matrix), similarities, model["neighbour_classes"])
    best = probs.argmax(axis=1)
    urgent_index = list(model["urgent"].classes_).index(True)
    urgent = model["urgent"].predict_proba(matrix)[:, urgent_index]
    categories = [str(model["category"].classes_[i]) for i in best]
    return categories, [float(probs[row, i]) for row, i in enumerate(best)], [float(p) for p in urgent]


class LinearScorer:
    """The fitted feature union and the two logistic models, evaluated directly for one text.

    scikit-learn's `transform` and `predict_proba` validate and convert their inputs on every
    call, which cost ~3 ms for one short text; the arithmetic itself is a few sparse dot
    products. This reads the fitted vocabularies, idf weights and coefficients once and applies
    the same steps: each vectorizer's own analyzer, sublinear tf × idf, l2 norm per vectorizer,
    then softmax (categories) fused with the nearest training appeals' vote, and the logistic
    function (urgency).
    `tests/appeals/test_classifier.py` checks it against `predict` to 1e-9."""

    def __init__(self, model):
        import numpy as np

        union = model["features"]
        self.blocks = []
        offset = 0
        for _, transformer in union.transformer_list:
            idf = transformer.idf_
            self.blocks.append(
                (
                    transformer.build_analyzer(),
                    transformer.vocabulary_,
                    idf.tolist(),  # a Python list: read term by term below
                    offset,
                    transformer.sublinear_tf,
                )
            )
            offset += len(idf)
        category, urgent = model["category"], model["urgent"]
        self.categories = [str(c) for c in category.classes_]
        sign = 1.0 if list(urgent.classes_).index(True) == 1 else -1.0
        # One matrix, features × (classes + urgent), so a text costs one product.
        self.coef = np.ascontiguousarray(np.hstack([category.coef_.T, (urgent.coef_[0] * sign)[:, None]]))
        self.intercept = np.append(category.intercept_, float(urgent.intercept_[0]) * sign)
        self.neighbours = model["neighbours"]
        self.neighbour_classes = model["neighbour_classes"]

    def features(self, text: str) -> tuple[list[int], list[float]]:
        index: list[int] = []
        values: list[float] = []
        log = math.log
        for analyze, vocabulary, idf, offset, sublinear in self.blocks:
            cols: list[int] = []
            weights: list[float] = []
            for term, n in Counter(analyze(text)).items():
                col = vocabulary.get(term)
                if col is not None:
                    cols.append(col)
                    weights.append(((1.0 + log(n)) if sublinear else float(n)) * idf[col])
            norm = math.hypot(*weights) or 1.0
            index += [offset + col for col in cols]
            values += [w / norm for w in weights]
        return index, values

    def predict(self, text: str) -> tuple[str, float, float]:
        """(category, its probability, urgent probability)."""
        import numpy as np  # loaded with the model already; kept out of the module's import

        index, values = self.features(text)
        weights = np.asarray(values)
        out = self.intercept + weights @ self.coef[index]
        scores = np.exp(out[:-1] - out[:-1].max())
        similarities = self.neighbours[index].T @ weights  # one row per training appeal
        probs = fused((scores / scores.sum())[None, :], similarities[None, :], self.neighbour_classes)[0]
        best = int(probs.argmax())
        z = float(out[-1])
        return self.categories[best], float(probs[best]), 1.0 / (1.0 + math.exp(-z))


def code_version() -> str:
    """Changes when the shipped examples, the lexicon, this module or the libraries whose objects
    are saved change, so a model file written by an older version is refit rather than used."""
    import hashlib
    from importlib.metadata import version

    from . import lexicon

    digest = hashlib.sha256(
        "|".join(version(p) for p in ("scikit-learn", "numpy", "scipy", "pypinyin")).encode()
    )
    digest.update(TRAIN_FILE.read_bytes())
    for name in WRITTEN_FILES:
        digest.update((DATA / name).read_bytes())
    digest.update(Path(lexicon.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def retrain(include_confirmed: bool = True) -> dict:
    """Fit on the shipped examples plus confirmed appeals and write the model file."""
    global _loaded
    examples = shipped_examples() + (confirmed_examples() if include_confirmed else [])
    model = train(examples)
    path = model_path()
    warmup.write(path, model)
    with _lock:
        _loaded = (path.stat().st_mtime, model)
    return {"examples": model["examples"], "path": str(path)}


def _model():
    """The fitted model, trained from the shipped data on first use and reloaded when replaced
    (by this process at once, by another within a second: the file is looked at once a second,
    not once per appeal)."""
    global _loaded, _checked
    current = _loaded
    now = time.monotonic()
    if current is not None and now - _checked < 1.0:
        return current[1]
    path = model_path()
    with _lock:
        _checked = now
        mtime = path.stat().st_mtime if path.exists() else None
        if _loaded is not None and (mtime is None or _loaded[0] == mtime):
            return _loaded[1]
        if mtime is not None:
            model = warmup.read(path)
            if model is not None and model.get("version") == code_version():
                _loaded = (mtime, model)
                return model
    retrain(include_confirmed=False)
    return _loaded[1]


def prepare() -> None:
    """Fit and save the model unless the saved one is current: `unionhome serve` calls it once
    before its web processes start, and they load the file (`core.warmup`)."""
    from django.db import DatabaseError

    path = model_path()
    saved = warmup.read(path) if path.exists() else None
    if saved is not None and saved.get("version") == code_version():
        return
    try:
        retrain(include_confirmed=True)
    except DatabaseError:  # before `migrate`: the shipped examples alone
        retrain(include_confirmed=False)


def load() -> None:
    """Hold the model and its scorer, and compute one suggestion with them: the first appeal
    does not pay for the pinyin tables."""
    scorer().predict("工资")


def is_loaded() -> bool:
    """Whether this process holds a scorer (loaded as it started, or by a first appeal when
    loading failed then, e.g. before `migrate`)."""
    return _scorer is not None


def scorer() -> LinearScorer:
    """The scorer of the current model, rebuilt when the model is replaced."""
    global _scorer
    model = _model()
    current = _scorer
    if current is None or current[0] is not model:
        current = (model, LinearScorer(model))
        _scorer = current
    return current[1]


def suggest(text: str) -> Suggestion:
    category, confidence, urgent = scorer().predict(text)
    signals = danger_signals(text)
    return Suggestion(
        category=category,
        confidence=round(confidence, 3),
        urgent=bool(signals) or urgent >= URGENT_THRESHOLD,
        signals=signals,
    )
