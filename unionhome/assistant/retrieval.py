"""Chinese retrieval over the knowledge base: BM25F on words and character bigrams.

A question goes through three steps before it is scored:
1. normalise: full-width to half-width, lower case, dialect and spoken forms to plain Mandarin
   (lexicon.COLLOQUIAL);
2. segment with jieba (with the domain dictionary), map each word of a synonym group to its
   canonical term (工钱 → 工资) and keep the word itself, drop function words;
3. add the character bigrams of the normalised text, so a typo or an unseen compound still
   shares most of its bigrams with the entry.

Each entry is indexed in three fields — its question (and alternative phrasings), its keywords
and synonyms, its answer — with BM25F: per-field length normalisation, field weights, one
saturation. The weights of every (entry, term) pair are computed once, when the index is built,
into a sparse matrix; answering is a column slice and a sum, not a loop over entries.

This module knows nothing of Django: the index is built from plain `Doc`s, so the benchmark can
compare it with `rank_bm25` on the same entries."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .lexicon import COLLOQUIAL, DOMAIN_WORDS, STOPWORDS, SYNONYMS

# Field weights and length normalisation (BM25F), and the share of the character bigrams.
FIELDS = ("q", "k", "a")
WEIGHTS = {"q": 2.0, "k": 2.0, "a": 1.0}
B = {"q": 0.6, "k": 0.3, "a": 0.75}
K1 = 1.2
GRAM_SHARE = 0.7
SOUND_SHARE = 0.5
GRAM = "#"  # prefix that keeps bigrams apart from words in one vocabulary
SOUND = "@"  # prefix of a word's pinyin: 加班废 sounds like 加班费

_CJK = re.compile(r"[\u4e00-\u9fff]")
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9%.+]+")
_COLLOQUIAL = [(re.compile(p), r) for p, r in COLLOQUIAL]


def _canonical_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, variants in SYNONYMS.items():
        for word in [canonical, *variants.split()]:
            table.setdefault(word, canonical)
    return table


CANONICAL = _canonical_table()


@functools.cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in {*DOMAIN_WORDS, *CANONICAL}:
        if len(word) > 1:
            jieba.add_word(word, freq=2000)
    jieba.initialize()
    return jieba


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    for pattern, replacement in _COLLOQUIAL:
        text = pattern.sub(replacement, text)
    return text


def words(text: str) -> list[str]:
    """Segmented, canonicalised content words of an already normalised text."""
    out: list[str] = []
    for word in _jieba().lcut(text):
        word = word.strip()
        if not word or word in STOPWORDS or not _KEEP.fullmatch(word):
            continue
        out.append(word)
        canonical = CANONICAL.get(word)
        if canonical and canonical != word:
            out.append(canonical)
    return out


@functools.lru_cache(maxsize=65536)
def sound(word: str) -> str | None:
    if len(word) < 2 or not _CJK.match(word):
        return None
    from pypinyin import lazy_pinyin

    return SOUND + "".join(lazy_pinyin(word))


def sounds(terms: list[str]) -> list[str]:
    return [s for s in map(sound, terms) if s]


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _KEEP.findall(text):
        chars = [c for c in run]
        if len(chars) == 1 and _CJK.match(chars[0]):
            continue
        out.extend(GRAM + a + b for a, b in zip(chars, chars[1:], strict=False))
    return out


def analyse(text: str) -> list[str]:
    """The terms of a question: canonical words, their sounds and character bigrams."""
    return list(_analysed(text))


@functools.lru_cache(maxsize=32768)
def _analysed(text: str) -> tuple[str, ...]:
    norm = normalise(text)
    found = words(norm)
    return tuple(found + sounds(found) + bigrams(norm))


def analyse_entry(question: str, keywords: list[str], answer: str, phrasings: list[str] = ()) -> dict:
    """The stored terms of one entry, field by field (saved with the entry, so building the
    index does not segment the whole knowledge base again)."""
    keyword_terms: list[str] = []
    for keyword in keywords:
        keyword_terms += analyse(keyword)
    return {
        "q": [t for text in [question, *phrasings] for t in analyse(text)],
        "k": keyword_terms,
        "a": analyse(answer),
    }


@dataclass
class Doc:
    key: str  # the entry's id, e.g. "kb-017"
    terms: dict  # field → list of terms, from analyse_entry
    org_id: int | None = None


@dataclass
class Hit:
    index: int
    key: str
    score: float


@dataclass
class Result:
    hits: list[Hit]
    terms: list[str] = field(default_factory=list)

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def _share(term: str) -> float:
    if term.startswith(GRAM):
        return GRAM_SHARE
    if term.startswith(SOUND):
        return SOUND_SHARE
    return 1.0


def _is_word(term: str) -> bool:
    return not term.startswith((GRAM, SOUND))


class Index:
    def __init__(self, docs: list[Doc]):
        self.docs = docs
        self.keys = [d.key for d in docs]
        self.org_ids = np.array([d.org_id or 0 for d in docs])
        n = len(docs)
        vocab: dict[str, int] = {}
        term_id = vocab.setdefault
        # One pass maps every term to its column; the rest is sparse-matrix arithmetic.
        per_field: dict[str, tuple[list[int], list[int]]] = {f: ([], []) for f in FIELDS}
        for i, doc in enumerate(docs):
            for f in FIELDS:
                rows, cols = per_field[f]
                terms = doc.terms.get(f, ())
                rows.extend([i] * len(terms))
                cols.extend(term_id(t, len(vocab)) for t in terms)
        shape = (n, len(vocab))
        pseudo = sparse.csr_matrix(shape, dtype=np.float64)
        for f in FIELDS:
            rows, cols = per_field[f]
            tf = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)  # duplicates summed
            lengths = np.asarray(tf.sum(axis=1)).ravel()
            avg = max(lengths.mean(), 1.0) if n else 1.0
            norm = 1 - B[f] + B[f] * lengths / avg
            pseudo = pseudo + sparse.diags(WEIGHTS[f] / norm) @ tf
        pseudo = pseudo.tocsc()
        pseudo.sum_duplicates()
        df = np.diff(pseudo.indptr)
        self.vocab = vocab
        self.idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        share = np.ones(len(vocab))
        for term, j in vocab.items():
            if term[0] in (GRAM, SOUND):
                share[j] = _share(term)
        cols = np.repeat(np.arange(len(vocab)), df)
        tf = pseudo.data
        pseudo.data = share[cols] * self.idf[cols] * tf / (K1 + tf)
        self.matrix = pseudo

    def __len__(self) -> int:
        return len(self.docs)

    def _pieces(self, terms: list[str]) -> list[str]:
        """Known words inside a word the index has never seen (我换 → 换, 事过 → …): jieba
        sometimes glues a spoken particle to a content word."""
        pieces: list[str] = []
        for term in terms:
            if not _is_word(term) or term in self.vocab or len(term) < 3:
                continue
            i = 0
            while i < len(term):
                for j in range(len(term), i + 1, -1):
                    piece = term[i:j]
                    if j - i < len(term) and (piece in self.vocab or piece in CANONICAL):
                        pieces.append(piece)
                        canonical = CANONICAL.get(piece)
                        if canonical and canonical != piece:
                            pieces.append(canonical)
                        i = j - 1
                        break
                i += 1
        return pieces

    def search(self, question: str, k: int = 4, orgs: set[int] | None = None) -> Result:
        terms = analyse(question)
        unique = list(dict.fromkeys(terms + self._pieces(terms)))
        cols = [self.vocab[t] for t in unique if t in self.vocab]
        if not cols or not len(self.docs):
            return Result(hits=[], terms=unique)
        scores = np.asarray(self.matrix[:, cols].sum(axis=1)).ravel()
        if orgs is not None:
            scores = np.where(np.isin(self.org_ids, list(orgs | {0})), scores, 0.0)
        top = (
            np.argpartition(-scores, min(k, len(scores) - 1))[:k]
            if len(scores) > k
            else np.arange(len(scores))
        )
        top = top[np.argsort(-scores[top])]
        hits = [Hit(int(i), self.keys[i], float(scores[i])) for i in top if scores[i] > 0]
        return Result(hits=hits, terms=unique)
