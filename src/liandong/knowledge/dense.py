"""Dense evidence for the answer ranker: how near a sentence's words come to the question's in meaning. Pure.

Lexical features see that a sentence holds the question's words or characters; they cannot see that 噪音 and
扰民, or 遗失 and 补办, say nearly the same. Over the packaged static word vectors (``core.wordvectors``, numpy
only), each question word is credited with its best cosine to the sentence's words (soft coverage, weighted by
rarity as the lexical coverage is), the question's and the sentence's rarity-weighted mean vectors are compared,
and the question's last content words (the thing asked) are looked for by meaning. A sentence's word matrix is
cached by its text, so a passage read again costs one dictionary hit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from liandong.core import wordvectors
from liandong.knowledge import ranking

# A cosine below FLOOR is what unrelated words reach (random pairs of the table: 99th percentile 0.29 once the
# best of a sentence's twenty words is taken); credit rises linearly to 1 at FLOOR + SPAN.
FLOOR = 0.25
SPAN = 0.55
FEATURES = ("dense_coverage", "dense_soft_only", "dense_cosine", "dense_passage", "dense_focus", "dense_precision")


def credit(cosines: np.ndarray) -> np.ndarray:
    """Soft credit 0–1 of cosines: 0 up to FLOOR, 1 from FLOOR + SPAN."""
    return np.clip((cosines - FLOOR) / SPAN, 0.0, 1.0)


@dataclass(frozen=True)
class Words:
    """Words with their unit vectors (one row each; a word the table cannot build is left out)."""

    words: tuple[str, ...]
    matrix: np.ndarray
    # The weights and mean under one index's idf, kept with the (cached) words: (idf, default, weights, mean).
    _weighted: list = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def of(cls, words: Sequence[str], table: wordvectors.WordVectors | None = None) -> Words:
        kept, matrix = (table or wordvectors.load()).matrix(dict.fromkeys(words))
        return cls(tuple(kept), matrix)

    def _under(self, idf: Mapping[str, float], default: float) -> tuple[np.ndarray, np.ndarray]:
        if self._weighted and self._weighted[0] is idf and self._weighted[1] == default:
            return self._weighted[2], self._weighted[3]
        weights = np.array([idf.get(word, default) for word in self.words], dtype=np.float32)
        mean = unit(weights @ self.matrix) if self.words else np.zeros(self.matrix.shape[1], dtype=np.float32)
        self._weighted[:] = [idf, default, weights, mean]
        return weights, mean

    def weights(self, idf: Mapping[str, float], default: float) -> np.ndarray:
        """Each word's rarity (idf; ``default`` for a word the index does not hold)."""
        return self._under(idf, default)[0]

    def mean(self, idf: Mapping[str, float], default: float) -> np.ndarray:
        """The rarity-weighted mean vector, unit length (zero when no word is known)."""
        return self._under(idf, default)[1]


_CEILING: list = []  # (idf, its largest value): one index's, computed once


def ceiling(idf: Mapping[str, float]) -> float:
    """The largest idf (the weight of a word the index lacks), remembered for the last index asked."""
    if not (_CEILING and _CEILING[0] is idf):
        _CEILING[:] = [idf, max(idf.values(), default=1.0)]
    return _CEILING[1]


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-6 else vector


LONGEST = 4  # characters: the longest word the segmentation tries (the table's words are 1–4 characters but 600)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?")


def segment(text: str, vocabulary: Mapping[str, int]) -> list[str]:
    """The text's words by forward maximum matching against the table's vocabulary (a tenth of jieba's cost:
    a passage's words are needed for every new passage a question reads), stopwords left out."""
    result = []
    for run in _CJK.findall(text.lower()):
        position = 0
        while position < len(run):
            for size in range(min(LONGEST, len(run) - position), 0, -1):
                word = run[position : position + size]
                if size == 1 or word in vocabulary:
                    break
            position += size
            if word not in ranking.STOPWORDS and (size > 1 or word in vocabulary):
                result.append(word)
    return result


@lru_cache(maxsize=16384)
def text_words(text: str) -> Words:
    """The text's words (stopwords out) with their vectors; cached by text."""
    table = wordvectors.load()
    return Words.of(segment(text, table.index), table)


def best_cosines(question: np.ndarray, text: np.ndarray) -> np.ndarray:
    """Each question row's best cosine to any row of the text (−1 when the text has none)."""
    if question.shape[0] == 0:
        return np.zeros(0, dtype=np.float32)
    if text.shape[0] == 0:
        return np.full(question.shape[0], -1.0, dtype=np.float32)
    return (question @ text.T).max(axis=1)


@dataclass(frozen=True)
class Question:
    """The question's content words for dense matching: vectors, rarity weights, the words asked about."""

    words: tuple[str, ...]
    matrix: np.ndarray  # one row per word (zeros for a word the table cannot build)
    weights: np.ndarray  # rarity, as the lexical coverage weighs them
    mean: np.ndarray  # the rarity-weighted mean vector
    focus: tuple[int, ...]  # rows of the question's last content words

    @classmethod
    def of(cls, weights: Mapping[str, float], focus: Sequence[str], table: wordvectors.WordVectors | None = None) -> Question:
        table = table or wordvectors.load()
        words = tuple(weights)
        rows = [table.lookup(word) for word in words]
        matrix = np.vstack([row if row is not None else np.zeros(table.dim, np.float32) for row in rows]) if words else np.zeros((0, table.dim), np.float32)
        given = np.array([weights[word] for word in words], dtype=np.float32)
        return cls(words, matrix, given, unit(given @ matrix) if words else np.zeros(table.dim, np.float32),
                   tuple(words.index(word) for word in focus if word in words))


def soft_coverage(question: Question, text: Words, literal: Mapping[str, float]) -> float:
    """The share of the question's rarity the text covers, each word credited with the better of its lexical
    credit and its best cosine's."""
    total = float(question.weights.sum())
    if total <= 0 or not question.words:
        return 0.0
    soft = credit(best_cosines(question.matrix, text.matrix))
    lexical = np.array([literal.get(word, 0.0) for word in question.words], dtype=np.float32)
    return float(question.weights @ np.maximum(soft, lexical)) / total


def features(
    question: Question,
    sentence: Words,
    title: Words,
    literal: Mapping[str, float],
    passage_mean: np.ndarray,
    sentence_mean: np.ndarray,
    sentence_weights: np.ndarray | None = None,
) -> dict[str, float]:
    """Dense features of one candidate sentence (``batch_features`` for a single candidate).

    literal: each question word's lexical credit in the sentence with its title (1 found, 0.8 through a formal
    stand-in; absent words 0), so the soft part measures what the words alone did not see. sentence_weights: the
    sentence words' rarity (equal when not given).
    """
    weights = sentence_weights if sentence_weights is not None else np.ones(len(sentence.words), dtype=np.float32)
    return batch_features(question, [sentence], [title], [literal], [passage_mean], [sentence_mean], [weights])[0]


def batch_features(
    question: Question,
    sentences: Sequence[Words],
    titles: Sequence[Words],
    literals: Sequence[Mapping[str, float]],
    passage_means: Sequence[np.ndarray],
    sentence_means: Sequence[np.ndarray],
    sentence_weights: Sequence[np.ndarray],
) -> list[dict[str, float]]:
    """The dense features of a question's candidates at once: one matrix product over all their words.

    Per candidate: ``dense_coverage`` (the question's rarity covered, each word by the better of its lexical credit
    and its best cosine's credit to the sentence with its title), ``dense_soft_only`` (covered by meaning only),
    ``dense_cosine`` / ``dense_passage`` (the mean vectors' cosines), ``dense_focus`` (the asked words' coverage) and
    ``dense_precision`` (the share of the sentence's rarity-weighted words near some question word — a provision about
    something else shares the question's words but little of its meaning)."""
    count = len(sentences)
    total = float(question.weights.sum())
    if count == 0:
        return []
    if total <= 0 or not question.words:
        return [{name: 0.0 for name in FEATURES} for _ in range(count)]
    dim = question.matrix.shape[1]
    zero = np.zeros((1, dim), dtype=np.float32)
    # Each candidate's words (sentence, then title), one block each; an empty block holds a zero row (cosine 0,
    # no credit, as best_cosines' −1 gives none). The words' matrix goes on the left: (all words × question
    # words) is several times faster than its transpose for a handful of question words.
    blocks: list[np.ndarray] = []
    starts: list[int] = []
    in_sentence: list[np.ndarray] = []
    row = 0
    for sentence, title in zip(sentences, titles):
        starts.append(row)
        if sentence.words or title.words:
            blocks.extend((sentence.matrix, title.matrix))
            size = len(sentence.words) + len(title.words)
        else:
            blocks.append(zero)
            size = 1
        flags = np.zeros(size, dtype=bool)
        flags[: len(sentence.words)] = True
        in_sentence.append(flags)
        row += size
    # einsum, not BLAS: a matrix product this small gains nothing from OpenBLAS's threads, whose spinning
    # doubled the answer's CPU time on the shared cores.
    products = np.einsum("ij,kj->ik", np.vstack(blocks), question.matrix)  # all candidates' words × question words
    soft = credit(np.maximum.reduceat(products, starts, axis=0))  # candidates × question words
    lexical = np.array([[literal.get(word, 0.0) for word in question.words] for literal in literals], dtype=np.float32)
    covered = np.maximum(soft, lexical)
    coverage = covered @ question.weights / total
    soft_only = np.maximum(soft - lexical, 0.0) @ question.weights / total
    focus = list(question.focus)
    focus_credit = covered[:, focus].mean(axis=1) if focus else np.full(count, 0.5)
    # Precision: each sentence word's best cosine to the question's (weighted) words, rarity-weighted within
    # its sentence.
    asked = question.weights > 0
    near = credit(products[:, asked].max(axis=1)) if asked.any() else np.zeros(row, dtype=np.float32)
    flags = np.concatenate(in_sentence)
    weights = np.zeros(row, dtype=np.float32)
    weights[flags] = np.concatenate([w for w, sentence in zip(sentence_weights, sentences) if sentence.words] or [np.zeros(0, np.float32)])
    weighted = np.add.reduceat(weights * near, starts)
    weight_sums = np.add.reduceat(weights, starts)
    precision = np.where(weight_sums > 0, weighted / np.maximum(weight_sums, 1e-9), 0.0)
    cosines = np.vstack(sentence_means) @ question.mean
    passages = np.vstack(passage_means) @ question.mean
    return [
        {
            "dense_coverage": float(coverage[i]),
            "dense_soft_only": float(soft_only[i]),
            "dense_cosine": float(cosines[i]) if sentences[i].words else 0.0,
            "dense_passage": float(passages[i]),
            "dense_focus": float(focus_credit[i]),
            "dense_precision": float(precision[i]),
        }
        for i in range(count)
    ]
