"""The dense unit head: a text as the idf-weighted mean of its words' static vectors, a linear classifier over units.

The lexical heads (word and character n-gram TF-IDF) know only the words and characters of the training text; a
caller who says 漏水 where the examples said 渗水, or 摊贩 where they said 占道经营, is seen by them only through
shared characters. Static word vectors (`liandong.core.wordvectors`) place those wordings near each other, so a
logistic regression over the 128-dimensional mean vector gives evidence for words no example used. Its
probabilities are blended into the department head's (`TriageModel.predict_proba`) with a weight chosen out of
fold when the model is trained (`choose_blend`).

Weights: a word the vectorizer saw gets its idf; a word it never saw gets the highest idf (a rare word says most);
a word the vector table lacks backs off to its characters, each with an equal share of the word's weight.
"""

from __future__ import annotations

import hashlib

import numpy as np

from liandong.core import wordvectors
from liandong.triage.segment import word_tokens

# Blend weights tried when the model is trained (the dense head's share of the department probabilities).
BLEND_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


def table_digest(table: wordvectors.WordVectors) -> str:
    """A short digest of the vector table, so a model is never scored with another table than it was trained on."""
    digest = hashlib.sha256()
    digest.update("\n".join(table.words[:1000]).encode("utf-8"))
    digest.update(np.ascontiguousarray(table.vectors[:1000]).tobytes())
    digest.update(str(table.vectors.shape).encode("ascii"))
    return digest.hexdigest()[:16]


class DenseUnitHead:
    """idf-weighted mean word vector → multinomial logistic regression (class-balanced)."""

    def __init__(self, c: float = 4.0):
        self.c = c

    # ---------------------------------------------------------------- features

    def _prepare(self, idf_terms, idf_values) -> None:
        self.idf_terms_ = np.asarray(list(idf_terms), dtype=str)
        self.idf_values_ = np.asarray(idf_values, dtype=np.float32)
        self.unseen_idf_ = float(self.idf_values_.max()) if len(self.idf_values_) else 1.0

    def _runtime(self) -> dict:
        """Lookup tables built on first use in a process (never saved): each table row's weight and whether the
        vectorizer saw its word, and the words the table lacks (their characters' rows)."""
        state = self.__dict__.get("_state")
        if state is None:
            table = wordvectors.load()
            idf = {str(t): float(v) for t, v in zip(self.idf_terms_.tolist(), self.idf_values_.tolist())}
            weight = np.full(len(table.words), self.unseen_idf_, dtype=np.float64)
            seen = np.zeros(len(table.words), dtype=np.float64)
            for word, value in idf.items():
                row = table.row(word)
                if row is not None:
                    weight[row], seen[row] = value, 1.0
            state = self._state = {
                "table": table, "idf": idf, "weight": weight, "unseen": 1.0 - seen, "missing": {},
                "ok": table_digest(table) == getattr(self, "table_digest_", None),
            }
        return state

    def _missing(self, word: str, state: dict) -> tuple[tuple[int, ...], float, float]:
        """A word the table lacks: (its known characters' rows, each one's weight, 1.0 when the vectorizer never saw it)."""
        found = state["missing"].get(word)
        if found is None:
            table = state["table"]
            rows = tuple(r for r in (table.row(ch) for ch in word) if r is not None)
            weight = state["idf"].get(word, self.unseen_idf_)
            found = state["missing"][word] = (rows, weight / len(rows) if rows else 0.0, 0.0 if word in state["idf"] else 1.0)
        return found

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit-length row per text (zeros when no word of it is known)."""
        return self.embed_with_unseen(texts)[0]

    def embed_with_unseen(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The rows of `embed` and, per text, the share of its word weight that falls on words the vectorizer never saw."""
        from itertools import chain

        from scipy import sparse

        state = self._runtime()
        table = state["table"]
        index = table.index
        known: list[list[int]] = []
        odd_rows: list[int] = []
        odd_cols: list[int] = []
        odd_weight: list[float] = []
        odd_unseen: list[float] = []
        for n, text in enumerate(texts):
            words = word_tokens(text.lower())
            rows = [index.get(word, -1) for word in words]
            if -1 in rows:  # words the table lacks: their characters, sharing the word's weight
                for word, row in zip(words, rows):
                    if row < 0:
                        chars, weight, unseen = self._missing(word, state)
                        odd_rows.extend([n] * len(chars))
                        odd_cols.extend(chars)
                        odd_weight.extend([weight] * len(chars))
                        odd_unseen.extend([weight * unseen] * len(chars))
                rows = [row for row in rows if row >= 0]
            known.append(rows)
        cols = np.fromiter(chain.from_iterable(known), dtype=np.int64)
        owner = np.repeat(np.arange(len(texts)), [len(rows) for rows in known])
        data = state["weight"][cols]
        unseen = data * state["unseen"][cols]
        if odd_rows:
            cols = np.concatenate([cols, np.asarray(odd_cols, dtype=np.int64)])
            owner = np.concatenate([owner, np.asarray(odd_rows, dtype=np.int64)])
            data = np.concatenate([data, np.asarray(odd_weight)])
            unseen = np.concatenate([unseen, np.asarray(odd_unseen)])
        counts = sparse.csr_matrix((data.astype(np.float32), (owner, cols)), shape=(len(texts), table.vectors.shape[0]))
        means = np.asarray(counts @ table.vectors, dtype=np.float32)
        norms = np.linalg.norm(means, axis=1, keepdims=True)
        total = np.bincount(owner, weights=data, minlength=len(texts))
        share = np.divide(np.bincount(owner, weights=unseen, minlength=len(texts)), total, out=np.zeros(len(texts)), where=total > 0)
        return means / np.maximum(norms, 1e-6), share

    # ---------------------------------------------------------------- model

    def fit(self, texts: list[str], labels, *, idf_terms, idf_values, sample_weight=None) -> "DenseUnitHead":
        from sklearn.linear_model import LogisticRegression

        self._prepare(idf_terms, idf_values)
        self.__dict__.pop("_state", None)
        self.__dict__.pop("_columns_of", None)
        self.table_digest_ = table_digest(wordvectors.load())
        X = self.embed(texts)
        classifier = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000)
        classifier.fit(X, np.asarray(labels), sample_weight=sample_weight)
        self.classes_ = np.asarray(classifier.classes_, dtype=str)
        coef, intercept = classifier.coef_, classifier.intercept_
        if len(self.classes_) == 2:  # one logit for the second class: the softmax of (0, logit) is its sigmoid
            coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
        self.coef_ = np.ascontiguousarray(coef.T, dtype=np.float32)  # dims × classes
        self.intercept_ = np.asarray(intercept, dtype=np.float32)
        self.blend_ = 0.0
        return self

    @property
    def usable(self) -> bool:
        return self._runtime()["ok"]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        # einsum, not a BLAS product: a batch would wake BLAS's threads, whose spinning costs more CPU than the product.
        logits = np.einsum("nd,dc->nc", self.embed(texts), self.coef_) + self.intercept_
        logits = logits.astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        return logits / logits.sum(axis=1, keepdims=True)

    def blend(self, classes, lexical: np.ndarray, texts: list[str]) -> np.ndarray:
        """The lexical head's probabilities (over `classes`) mixed with this head's: (1 − w)·lexical + w·dense."""
        weight = float(getattr(self, "blend_", 0.0))
        if weight <= 0.0 or not self.usable:
            return lexical
        dense = self.predict_proba(texts)
        take = self._columns(classes)
        aligned = np.hstack([dense, np.zeros((dense.shape[0], 1))])[:, take]  # a class the dense head lacks: 0
        return (1.0 - weight) * lexical + weight * aligned

    def _columns(self, classes) -> np.ndarray:
        """For each of `classes`, this head's column of it (its class count for one it lacks); kept per class list."""
        key = tuple(str(c) for c in classes)
        cache = self.__dict__.setdefault("_columns_of", {})
        found = cache.get(key)
        if found is None:
            position = {c: i for i, c in enumerate(self.classes_.tolist())}
            found = cache[key] = np.asarray([position.get(name, len(position)) for name in key], dtype=np.int64)
        return found

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_state", None)
        state.pop("_columns_of", None)
        return state


def word_idf(vectorizer) -> tuple[list[str], np.ndarray]:
    """The single words of the fitted vectorizer's word block and their idf (bigrams left out)."""
    block = dict(vectorizer.transformer_list)["word"]
    idf = block.idf_
    terms, values = [], []
    for term, column in block.vocabulary_.items():
        if " " not in term:
            terms.append(term)
            values.append(idf[column])
    return terms, np.asarray(values, dtype=np.float32)


def choose_blend(texts: list[str], labels: list[str], *, folds: int = 5, seed: int = 0, sample_weight=None, min_df: int = 2) -> dict:
    """The dense head's share chosen out of fold: each fold's lexical and dense heads are fitted on the other folds;
    the weight with the best macro-F1 of the blend wins (ties: the smaller weight). Returns the figures per weight."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from liandong.triage.features import FIELD_SEP, SvmNb, build_vectorizer

    y = np.asarray(labels)
    values, counts = np.unique(y, return_counts=True)
    keep = np.isin(y, values[counts >= folds])
    index = np.flatnonzero(keep)
    weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    fields = max(t.count(FIELD_SEP) + 1 for t in texts)
    lexical_oof: dict[int, np.ndarray] = {}
    dense_oof: dict[int, np.ndarray] = {}
    classes = np.unique(y[index])
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(np.zeros(len(index)), y[index]):
        train, test = index[train], index[test]
        vectorizer = build_vectorizer(fields=fields, min_df=min_df)
        X = vectorizer.fit_transform([texts[i] for i in train])
        lexical = SvmNb().fit(X, y[train], sample_weight=weights[train])
        terms, idf = word_idf(vectorizer)
        dense = DenseUnitHead().fit([texts[i] for i in train], y[train], idf_terms=terms, idf_values=idf, sample_weight=weights[train])
        test_texts = [texts[i] for i in test]
        p_lex = _aligned(lexical.classes_, lexical.predict_proba(vectorizer.transform(test_texts)), classes)
        p_dense = _aligned(dense.classes_, dense.predict_proba(test_texts), classes)
        for k, i in enumerate(test):
            lexical_oof[i], dense_oof[i] = p_lex[k], p_dense[k]
    order = sorted(lexical_oof)
    truth = y[order]
    P_lex = np.vstack([lexical_oof[i] for i in order])
    P_dense = np.vstack([dense_oof[i] for i in order])
    scores = {}
    for w in BLEND_GRID:
        predicted = classes[np.argmax((1 - w) * P_lex + w * P_dense, axis=1)]
        scores[w] = float(f1_score(truth, predicted, average="macro", zero_division=0))
    best = max(BLEND_GRID, key=lambda w: (round(scores[w], 4), -w))
    dense_alone = float(f1_score(truth, classes[np.argmax(P_dense, axis=1)], average="macro", zero_division=0))
    return {"blend": best, "macro_f1": {str(w): round(s, 4) for w, s in scores.items()}, "dense_alone_macro_f1": round(dense_alone, 4), "n": len(order), "folds": folds}


def _aligned(have, matrix: np.ndarray, classes: np.ndarray) -> np.ndarray:
    position = {str(c): i for i, c in enumerate(have)}
    out = np.zeros((matrix.shape[0], len(classes)))
    for j, name in enumerate(classes.tolist()):
        i = position.get(str(name))
        if i is not None:
            out[:, j] = matrix[:, i]
    return out
