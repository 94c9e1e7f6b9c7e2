"""The assistant's brain, held once per process: the retrieval index over the active entries, the
in-scope model and the gate, rebuilt when an entry changes — never per request.

Whether it knows is a calibrated model of its own (`Gate`), not a threshold on the retrieval
score: a logistic regression that gives P(this question is one the knowledge base answers) from
six signals — the best entry's score, its lead over the second, the in-scope model's log-odds (a
logistic regression over character n-grams: positives the entries' questions, keywords and
similar questions, negatives data/out_of_scope.txt, everyday questions outside the union's
work), the shares of the question's words and character pairs the index knows at all, and the
question's length. It is fitted by cross-fitting on the shipped knowledge base: its similar
questions and the negatives are split in five; for each part the index and the in-scope model
are built without it and its questions are scored as a member's would be. So the gate learns
from answers to questions the index has never seen, as a member's will be. The signals do not
name entries, so the one gate serves every build of the index (a union's own entries added): it
is fitted once per version of the code and the shipped data, and saved beside the index.

It answers when the gate gives at least GATE_MIN; when the best two entries are within
CHOICE_MARGIN of each other it asks which was meant ("您是想问 A 还是 B？") instead of guessing.
Both were chosen by that cross-validation on the training data (docs/benchmarks.md): GATE_MIN
refuses ~4% of unseen in-scope questions and ~95% of unseen out-of-scope ones; CHOICE_MARGIN
turns ~6% of answers into a choice of two that holds the right entry three times in four,
removing a fifth of the wrong answers. An index of fewer than GATE_SAMPLES similar questions
(a knowledge base without the shipped entries, as in some tests) falls back to the two
thresholds SCORE_MIN and SCOPE_MIN."""

from __future__ import annotations

import functools
import hashlib
import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from unionhome.core import warmup
from unionhome.core.guard import system

from .retrieval import Doc, Index, analyse_entry, normalise

DATA = Path(__file__).parent / "data"
SCORE_MIN = 3.5  # the fallback rule, without a gate
SCOPE_MIN = 0.35
GATE_MIN = 0.5
GATE_FOLDS = 5
GATE_SAMPLES = 100  # similar questions needed to fit the gate
CHOICE_MARGIN = 0.05  # the second entry scores within 5% of the best: ask which
RELATED = 3
RELATED_SHARE = 0.35  # a related question scores at least this share of the best
SCOPE_SAMPLE = 4000  # positives the in-scope model is fitted on, at most
REFRESH_SECONDS = 2.0


def terms_version() -> str:
    """Changes when the analysis changes, so stored terms are recomputed."""
    digest = hashlib.sha256()
    for module in ("lexicon.py", "retrieval.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:12]


def read_lines(name: str) -> list[str]:
    path = DATA / name
    return [
        line.rstrip("\n")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def ngrams(text: str) -> list[str]:
    """Character 1–3-grams of the normalised text: what the in-scope model sees."""
    chars = [c for c in normalise(text) if not c.isspace()]
    out = list(chars)
    out += [a + b for a, b in zip(chars, chars[1:], strict=False)]
    out += [a + b + c for a, b, c in zip(chars, chars[1:], chars[2:], strict=False)]
    return out


class ScopeModel:
    """P(the question is about the union's work). Fitted with scikit-learn, then kept as two
    dictionaries so one question costs microseconds, not a scikit-learn call."""

    def __init__(self, positives: list[str], negatives: list[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True)
        matrix = vectorizer.fit_transform(positives + negatives)
        labels = [1] * len(positives) + [0] * len(negatives)
        model = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear").fit(matrix, labels)
        grams = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        idf = vectorizer.idf_.tolist()
        coef = model.coef_.ravel().tolist()
        self.idf = dict(zip(grams, idf, strict=True))
        self.weights = {gram: w for gram, w in zip(grams, coef, strict=True) if w}
        self.bias = float(model.intercept_[0])

    def probability(self, text: str) -> float:
        counts = Counter(ngrams(text))
        norm = dot = 0.0
        for gram, tf in counts.items():
            idf = self.idf.get(gram)
            if idf is None:
                continue
            value = (1 + math.log(tf)) * idf
            norm += value * value
            dot += value * self.weights.get(gram, 0.0)
        z = self.bias + (dot / math.sqrt(norm) if norm else 0.0)
        return 1 / (1 + math.exp(-z))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def signals(index: Index, scope: ScopeModel, question: str, result) -> list[float]:
    """What the gate reads of one question and its search result."""
    from .retrieval import GRAM, SOUND, analyse

    terms = analyse(question)
    found = [t for t in terms if not t.startswith((GRAM, SOUND))]
    pairs = [t for t in terms if t.startswith(GRAM)]
    vocab = index.vocab
    hits = result.hits
    best = hits[0].score if hits else 0.0
    second = hits[1].score if len(hits) > 1 else 0.0
    return [
        math.log1p(best),
        (best - second) / best if best else 0.0,
        _logit(scope.probability(question)),
        sum(t in vocab for t in found) / max(len(found), 1),
        sum(t in vocab for t in pairs) / max(len(pairs), 1),
        math.log1p(len(found)),
    ]


class Gate:
    """P(the knowledge base answers this question), from `signals`: a logistic regression kept
    as its coefficients."""

    def __init__(self, rows: list[list[float]], labels: list[int]):
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(rows, labels)
        self.coef = [float(c) for c in model.coef_[0]]
        self.bias = float(model.intercept_[0])

    def probability(self, row: list[float]) -> float:
        z = self.bias + sum(c * x for c, x in zip(self.coef, row, strict=True))
        return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))


def fit_gate(entries: list, negatives: list[str]) -> Gate | None:
    """Cross-fitting (see the module's note): None when there are too few similar questions."""
    held = [(i, j) for i, e in enumerate(entries) for j in range(len(e.synonyms or []))]
    if len(held) < GATE_SAMPLES or len(negatives) < GATE_FOLDS * 4:
        return None
    order = random.Random(0)
    order.shuffle(held)
    shuffled = list(negatives)
    order.shuffle(shuffled)
    rows: list[list[float]] = []
    labels: list[int] = []
    for k in range(GATE_FOLDS):
        out = set(held[k::GATE_FOLDS])
        docs, positives, asked = [], [], []
        for i, e in enumerate(entries):
            kept = [s for j, s in enumerate(e.synonyms or []) if (i, j) not in out]
            asked += [s for j, s in enumerate(e.synonyms or []) if (i, j) in out]
            docs.append(Doc(e.kb_id, analyse_entry(e.question, e.keywords or [], e.answer, kept), e.org_id))
            positives += [e.question, *kept] + ([" ".join(e.keywords)] if e.keywords else [])
        unseen = shuffled[k::GATE_FOLDS]
        index = Index(docs)
        scope = ScopeModel(_sample(positives), [q for q in shuffled if q not in set(unseen)])
        for question, label in [(q, 1) for q in asked] + [(q, 0) for q in unseen]:
            rows.append(signals(index, scope, question, index.search(question, k=2)))
            labels.append(label)
    return Gate(rows, labels)


def _sample(positives: list[str]) -> list[str]:
    return random.Random(0).sample(positives, SCOPE_SAMPLE) if len(positives) > SCOPE_SAMPLE else positives


@dataclass
class Reply:
    key: str | None  # the entry's kb_id, or None when it does not know
    score: float
    in_scope: float
    related: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    choice: bool = False  # unsure between the two candidates: ask which was meant

    @property
    def known(self) -> bool:
        return self.key is not None


class Assistant:
    def __init__(
        self,
        docs: list[Doc],
        positives: list[str],
        entries: dict | None = None,
        gate: Gate | None = None,
        negatives: list[str] | None = None,
    ):
        started = time.perf_counter()
        self.entries = entries or {}  # kb_id → the entry itself, for the answer text
        self.index = Index(docs)
        negatives = read_lines("out_of_scope.txt") if negatives is None else negatives
        self.scope = ScopeModel(_sample(positives) or ["工会"], negatives)
        self.gate = gate
        self.build_seconds = time.perf_counter() - started

    @classmethod
    def restore(cls, parts: dict, entries: dict) -> Assistant:
        """From `parts()` saved by another process (`engine.prepare`)."""
        self = cls.__new__(cls)
        self.entries = entries
        self.index, self.scope, self.gate = parts["index"], parts["scope"], parts["gate"]
        self.build_seconds = 0.0
        return self

    def parts(self) -> dict:
        return {"index": self.index, "scope": self.scope, "gate": self.gate}

    def __len__(self) -> int:
        return len(self.index)

    def reply(self, question: str, orgs: set[int] | None = None) -> Reply:
        result = self.index.search(question, k=RELATED + 1, orgs=orgs)
        in_scope = self.scope.probability(question)
        best = result.best
        if best is None:
            return Reply(None, 0.0, in_scope)
        floor = best.score * RELATED_SHARE
        others = [h.key for h in result.hits[1:] if h.score >= floor][:RELATED]
        if self.gate is not None:
            row = signals(self.index, self.scope, question, result)
            if self.gate.probability(row) < GATE_MIN:
                return Reply(None, best.score, in_scope)
            if len(result.hits) > 1 and row[1] < CHOICE_MARGIN:
                return Reply(
                    None, best.score, in_scope, candidates=[best.key, result.hits[1].key], choice=True
                )
            return Reply(best.key, best.score, in_scope, related=others)
        if best.score < SCORE_MIN or in_scope < SCOPE_MIN:
            # Not sure enough to answer; the closest entries are offered as "did you mean".
            maybe = (
                [h.key for h in result.hits if h.score >= SCORE_MIN * 0.6][:RELATED]
                if in_scope >= SCOPE_MIN
                else []
            )
            return Reply(None, best.score, in_scope, related=[], candidates=maybe)
        return Reply(best.key, best.score, in_scope, related=others)


def default_entries() -> list:
    """The shipped knowledge base as in-memory entries (no database): for the benchmark and the
    quality tests, which must see exactly what `load_default` loads."""
    import json
    from types import SimpleNamespace

    phrasings: dict[str, list[str]] = {}
    for line in read_lines("phrasings.txt"):
        kb_id, text = line.split("\t", 1)
        phrasings.setdefault(kb_id, []).append(text.strip())
    entries = []
    items = json.loads((DATA / "faq_kb.json").read_text(encoding="utf-8"))
    items += json.loads((DATA / "guides.json").read_text(encoding="utf-8"))
    for item in items:
        e = SimpleNamespace(
            kb_id=item["id"],
            org_id=None,
            question=item["question"],
            answer=item["answer"],
            keywords=item.get("keywords", []),
            synonyms=item.get("synonyms", []) + phrasings.get(item["id"], []),
        )
        e.terms = entry_terms(e)
        entries.append(e)
    return entries


def signature(entries) -> str:
    digest = hashlib.sha256()
    for e in entries:
        digest.update(
            f"{e.kb_id}|{e.org_id}|{e.terms_version}|{e.question}|{e.synonyms}|{e.keywords}".encode()
        )
        digest.update(e.answer.encode())
    return digest.hexdigest()


def build(entries, negatives: list[str] | None = None) -> Assistant:
    """From Entry rows (or anything with the same attributes) whose `terms` are current;
    `negatives` replaces data/out_of_scope.txt (the benchmark's cross-validation)."""
    docs, positives = [], []
    for e in entries:
        docs.append(Doc(e.kb_id, e.terms, e.org_id))
        positives.append(e.question)
        if e.keywords:
            positives.append(" ".join(e.keywords))
        positives.extend(e.synonyms or [])
    enough = sum(len(e.synonyms or []) for e in entries) >= GATE_SAMPLES
    gate = shipped_gate() if enough else None
    return Assistant(docs, positives, {e.kb_id: e for e in entries}, gate, negatives)


_gate_lock = threading.Lock()
_gates: dict[str, Gate] = {}


def shipped_gate() -> Gate:
    """The gate fitted on the shipped knowledge base: held per process, saved per version."""
    version = code_version()
    with _gate_lock:
        if version in _gates:
            return _gates[version]
        path = warmup.models_dir() / f"assistant-gate-{version}.pkl"
        gate = warmup.read(path)
        if not isinstance(gate, Gate):
            gate = fit_gate(default_entries(), read_lines("out_of_scope.txt"))
            warmup.write(path, gate, keep="assistant-gate-*.pkl")
        _gates[version] = gate
        return gate


def entry_terms(entry) -> dict:
    return analyse_entry(entry.question, entry.keywords or [], entry.answer, entry.synonyms or [])


# -- the process's assistant -------------------------------------------------------------------

_lock = threading.Lock()
_state: dict = {"assistant": None, "stamp": None, "checked": 0.0, "signature": None, "builds": 0}


@functools.cache
def code_version() -> str:
    """Changes when anything an index is built from changes, besides the entries themselves:
    this app's code and data, and the versions of the libraries whose objects are saved."""
    from importlib.metadata import version

    digest = hashlib.sha256(
        "|".join(version(p) for p in ("scikit-learn", "numpy", "scipy", "jieba", "pypinyin")).encode()
    )
    for path in sorted([*Path(__file__).parent.glob("*.py"), *DATA.glob("*.txt"), *DATA.glob("*.json")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def saved_path(sig: str) -> Path:
    name = hashlib.sha256(f"{sig}|{code_version()}".encode()).hexdigest()[:16]
    return warmup.models_dir() / f"assistant-index-{name}.pkl"


def _save(assistant: Assistant, path: Path) -> None:
    warmup.write(path, assistant.parts(), keep="assistant-index-*.pkl")


def _built(entries: list, sig: str) -> Assistant:
    """The index of `entries`: the one saved by `prepare` (or another process) when there is
    one for exactly these entries and this code, else built here and saved for the others."""
    path = saved_path(sig)
    parts = warmup.read(path)
    if isinstance(parts, dict) and {"index", "scope", "gate"} <= set(parts):
        return Assistant.restore(parts, {e.kb_id: e for e in entries})
    assistant = build(entries)
    _save(assistant, path)
    return assistant


def _active_entries() -> list:
    from .models import Entry

    entries = list(
        Entry.objects.filter(active=True).only(
            "kb_id", "org_id", "question", "keywords", "synonyms", "terms", "terms_version", "answer"
        )
    )
    _refresh_terms(entries)
    return entries


def prepare() -> None:
    """Build and save the index unless a current one is saved: `unionhome serve` calls it once
    before its web processes start, and they load the file (`core.warmup`). Before `migrate`
    there are no entries to index: the gate alone is fitted."""
    from django.db import DatabaseError

    try:
        with system():
            entries = _active_entries()
    except DatabaseError:
        shipped_gate()
        return
    sig = signature(entries)
    if not saved_path(sig).exists():
        _save(build(entries), saved_path(sig))


def load() -> None:
    """Hold the index, and answer one question with it: that opens the segmenter's dictionary
    (the index, read from the saved file, never needed it), which the first member would
    otherwise wait half a second for."""
    current().reply("工会")


def is_loaded() -> bool:
    """Whether this process holds an index (loaded as it started, or by a first question when
    loading failed then)."""
    return _state["assistant"] is not None


def _stamp():
    from django.db.models import Count, Max

    from .models import Entry

    row = Entry.objects.filter(active=True).aggregate(n=Count("pk"), at=Max("updated_at"))
    return (row["n"], row["at"])


def current() -> Assistant:
    """The assistant for this process. Rebuilt only when the entries changed: a cheap stamp
    query at most every REFRESH_SECONDS tells, so another worker's edit is seen within seconds."""
    now = time.monotonic()
    state = _state
    if state["assistant"] is not None and now - state["checked"] < REFRESH_SECONDS:
        return state["assistant"]
    with _lock:
        if state["assistant"] is not None and time.monotonic() - state["checked"] < REFRESH_SECONDS:
            return state["assistant"]
        with system():  # one index of every entry for the process; answers keep to the asker's unions
            _refresh(state)
        state["checked"] = time.monotonic()
        return state["assistant"]


def _refresh(state) -> None:
    """Rebuild the index when the entries' stamp moved."""
    stamp = _stamp()
    if state["assistant"] is not None and stamp == state["stamp"]:
        return
    entries = _active_entries()
    sig = signature(entries)
    if sig != state["signature"]:
        state["assistant"] = _built(entries, sig)
        state["signature"] = sig
        state["builds"] += 1
    else:  # the same content again (e.g. re-saved): keep the index, hold the fresh rows
        state["assistant"].entries = {e.kb_id: e for e in entries}
    for e in entries:  # held for their answers; the terms are in the matrix now
        e.terms = {}
    state["stamp"] = stamp


def invalidate() -> None:
    _state["checked"] = 0.0
    _state["stamp"] = None


def _refresh_terms(entries) -> None:
    """Entries analysed by an older lexicon are analysed again (and saved) before indexing."""
    from .models import Entry

    version = terms_version()
    stale = [e for e in entries if e.terms_version != version or not e.terms]
    for e in stale:
        e.terms = entry_terms(e)
        e.terms_version = version
    if stale:
        Entry.objects.bulk_update(stale, ["terms", "terms_version"], batch_size=500)
