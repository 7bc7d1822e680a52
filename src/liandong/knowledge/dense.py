"""Dense evidence for the answer ranker: how near a sentence's words come to the question's in meaning. Pure.

Lexical features see that a sentence holds the question's words or characters; they cannot see that 噪音 and
扰民, or 遗失 and 补办, say nearly the same. Over the packaged static word vectors (``core.wordvectors``, numpy
only), each question word is credited with its best cosine to the sentence's words (soft coverage, weighted by
rarity as the lexical coverage is), the question's and the sentence's rarity-weighted mean vectors are compared,
and the question's last content words (the thing asked) are looked for by meaning. A sentence's word matrix is
cached by its text, so a passage read again costs one dictionary hit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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

    @classmethod
    def of(cls, words: Sequence[str], table: wordvectors.WordVectors | None = None) -> Words:
        kept, matrix = (table or wordvectors.load()).matrix(dict.fromkeys(words))
        return cls(tuple(kept), matrix)

    def weights(self, idf: Mapping[str, float], default: float) -> np.ndarray:
        """Each word's rarity (idf; ``default`` for a word the index does not hold)."""
        return np.array([idf.get(word, default) for word in self.words], dtype=np.float32)

    def mean(self, idf: Mapping[str, float], default: float) -> np.ndarray:
        """The rarity-weighted mean vector, unit length (zero when no word is known)."""
        if not self.words:
            return np.zeros(self.matrix.shape[1], dtype=np.float32)
        return unit(self.weights(idf, default) @ self.matrix)


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-6 else vector


@lru_cache(maxsize=16384)
def text_words(text: str) -> Words:
    """The text's search-mode words (sub-words included, stopwords out) with their vectors; cached by text."""
    return Words.of(ranking.words(text))


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
    """Dense features of one candidate sentence.

    literal: each question word's lexical credit in the sentence with its title (1 found, 0.8 through a formal
    stand-in; absent words 0), so the soft part measures what the words alone did not see.
    """
    total = float(question.weights.sum())
    if total <= 0 or not question.words:
        return {name: 0.0 for name in FEATURES}
    around = np.vstack([sentence.matrix, title.matrix]) if title.words else sentence.matrix
    soft = credit(best_cosines(question.matrix, around))
    lexical = np.array([literal.get(word, 0.0) for word in question.words], dtype=np.float32)
    covered = np.maximum(soft, lexical)
    focus = [int(row) for row in question.focus]
    # The other way round: the share of the sentence's (rarity-weighted) words near some question word — a
    # provision about something else shares the question's words but little of its meaning.
    weights = sentence_weights if sentence_weights is not None else np.ones(len(sentence.words), dtype=np.float32)
    near = credit(best_cosines(sentence.matrix, question.matrix[question.weights > 0]))
    precision = float(weights @ near) / float(weights.sum()) if sentence.words and weights.sum() > 0 else 0.0
    return {
        "dense_coverage": float(question.weights @ covered) / total,
        "dense_soft_only": float(question.weights @ np.maximum(soft - lexical, 0.0)) / total,
        "dense_cosine": float(question.mean @ sentence_mean) if sentence.words else 0.0,
        "dense_passage": float(question.mean @ passage_mean),
        "dense_focus": float(covered[focus].mean()) if focus else 0.5,
        "dense_precision": precision,
    }
