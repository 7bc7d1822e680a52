"""Text features (jieba words and bigrams + character n-grams, per-field) and the SVM + naive Bayes classifier.

`LinearEnsemble` (SVM + logistic regression + NB) stays loadable for models trained before 2026-12.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from liandong.triage.segment import WORDS_FILE, build_word_list, warm_up, word_tokens

# Several input columns (a title and a body) travel as one string joined by this separator.
FIELD_SEP = "\x1e"

__all__ = ["FIELD_SEP", "WORDS_FILE", "build_word_list", "warm_up", "word_tokens"]


def all_fields(text: str) -> str:
    return text.replace(FIELD_SEP, "\n").lower()


def first_field(text: str) -> str:
    return text.split(FIELD_SEP, 1)[0].lower()


# Lookup tables built on first use in a process; never saved with a model.
_CACHES = ("_char_codes", "_unigram_columns", "_pairs", "_fast")


def _drop_caches(state: dict) -> None:
    for name in _CACHES:
        state.pop(name, None)


class CompactTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer whose vocabulary is stored as one array of terms, so skops files stay small and load fast."""

    def __getstate__(self):
        state = dict(super().__getstate__())
        _drop_caches(state)
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            terms = [""] * len(vocabulary)
            for term, index in vocabulary.items():
                terms[index] = term
            state["_terms"] = np.array(terms, dtype=str)
        return state

    def __setstate__(self, state):
        terms = state.pop("_terms", None)
        if terms is not None:
            state["vocabulary_"] = {str(term): index for index, term in enumerate(terms.tolist())}
        super().__setstate__(state)

    def _fast_analyzer(self):
        """The same n-grams as `build_analyzer()` for the two shapes used here (char 1–3 grams, word 1–2 grams),
        made with C-level `map` over shifted strings instead of a Python loop of slices; None for any other shape.
        Only their counts matter (`Counter`), so the order may differ."""
        from itertools import chain
        from operator import add

        preprocess = self.preprocessor
        if preprocess is None or self.stop_words is not None or self.input != "content":
            return None
        if self.analyzer == "char" and tuple(self.ngram_range) == (1, 3):
            squeeze = self._white_spaces.sub

            def char_grams(doc: str):
                text = squeeze(" ", preprocess(doc))
                pairs = list(map(add, text, text[1:]))
                return chain(text, pairs, map(add, pairs, text[2:]))

            return char_grams
        if self.analyzer == "word" and self.tokenizer is not None and tuple(self.ngram_range) == (1, 2):
            tokenize = self.tokenizer
            join = "{} {}".format

            def word_grams(doc: str):
                tokens = tokenize(preprocess(doc))
                return chain(tokens, map(join, tokens, tokens[1:]))

            return word_grams
        return None

    def transform(self, raw_documents):
        """TfidfVectorizer.transform for a fitted vectorizer given a list of texts, without sklearn's per-call checks
        (a third of a single request's triage): the same steps in the same order and dtype — counts, sublinear tf, idf,
        l2 row norm — so the same numbers. Anything else goes through sklearn."""
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        idf = self._simple_idf()
        if not isinstance(raw_documents, list) or idf is None:
            return super().transform(raw_documents)
        _, X = self._count_vocab(raw_documents, fixed_vocab=True)
        if X.dtype != np.dtype(self.dtype):
            X = X.astype(self.dtype)
        self._weigh(X.data, X.indices, idf)
        inplace_csr_row_normalize_l2(X)
        return X

    def _simple_idf(self):
        """The fitted idf weights when this vectorizer's own steps apply (l2 norm, idf, float counts), else None."""
        tfidf = self.__dict__.get("_tfidf")
        idf = getattr(tfidf, "idf_", None) if tfidf is not None else None
        simple = (
            idf is not None and not self.binary and self.norm == "l2" and self.use_idf
            and np.dtype(self.dtype) in (np.dtype(np.float32), np.dtype(np.float64)) and "vocabulary_" in self.__dict__
        )
        return idf if simple else None

    def _weigh(self, data: np.ndarray, indices: np.ndarray, idf: np.ndarray) -> None:
        """Counts to tf-idf in place, in sklearn's order and dtypes: sublinear tf, then idf (the l2 norm follows)."""
        if self.sublinear_tf:
            np.log(data, data)
            data += 1.0
        data *= idf[indices]

    def row(self, doc: str):
        """`transform([doc])` as one row's (sorted column indices, float32 values), without building sparse matrices
        along the way (they cost more than the counting for a single request); None where `transform` would not take
        its own fast path. The same counts and the same steps in the same dtypes, so the same numbers."""
        from collections import Counter
        from types import SimpleNamespace

        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        idf = self._simple_idf()
        analyze = self._fast_analyzer()
        if analyze is None or idf is None or not self.sublinear_tf or np.dtype(self.dtype) != np.dtype(np.float32):
            return None
        if self.analyzer == "char":
            indices, counts = self._char_row(doc)
            data = counts.astype(np.intc).astype(np.float32)
        else:
            counted = Counter(map(self.vocabulary_.get, analyze(doc)))
            counted.pop(None, None)
            columns = sorted(counted)
            indices = np.array(columns, dtype=np.int32)
            data = np.array([counted[c] for c in columns], dtype=np.intc).astype(np.float32)
        self._weigh(data, indices, idf)
        # The normaliser reads only these four attributes of a CSR matrix: no matrix is built for one row.
        inplace_csr_row_normalize_l2(SimpleNamespace(data=data, shape=(1, len(self.vocabulary_)), indices=indices, indptr=np.array([0, len(indices)], dtype=np.int32)))
        return indices, data

    def _pair_columns(self) -> dict[tuple[str, str], int]:
        """The vocabulary's word bigrams ("w1 w2") keyed by the pair of words, built once."""
        pairs = self.__dict__.get("_pairs")
        if pairs is None:
            pairs = {}
            for term, index in self.vocabulary_.items():
                parts = term.split(" ")
                if len(parts) == 2 and all(parts):
                    pairs[(parts[0], parts[1])] = index
            self.__dict__["_pairs"] = pairs
        return pairs

    def _char_table(self):
        """The vocabulary's character 1–3 grams as integer codes (code points packed 21 bits each), sorted, with
        their columns: one table per length, so a batch is looked up with `searchsorted` instead of a dict."""
        table = self.__dict__.get("_char_codes")
        if table is None:
            table = []
            for n in (1, 2, 3):
                terms = [(t, i) for t, i in self.vocabulary_.items() if len(t) == n]
                codes = np.zeros(len(terms), dtype=np.int64)
                for k, (term, _) in enumerate(terms):
                    code = 0
                    for ch in term:
                        code = (code << 21) | ord(ch)
                    codes[k] = code
                columns = np.array([i for _, i in terms], dtype=np.int64)
                order = np.argsort(codes, kind="stable")
                table.append((codes[order], columns[order]))
            self.__dict__["_char_codes"] = table
        return table

    def _unigram_lookup(self, codes, columns):
        """column of each code point up to the vocabulary's largest single character, -1 where none (and in the
        last slot, which every larger code point is clipped to)."""
        lookup = self.__dict__.get("_unigram_columns")
        if lookup is None:
            lookup = np.full(int(codes[-1]) + 2, -1, dtype=np.int64)
            lookup[codes] = columns
            self.__dict__["_unigram_columns"] = lookup
        return lookup

    def _char_count_matrix(self, raw_documents):
        """Counts of the vocabulary's char 1–3 grams per document, the same matrix `_count_vocab` builds, computed
        for the whole batch with numpy (n-grams never cross from one document into the next)."""
        from scipy import sparse

        squeeze, preprocess = self._white_spaces.sub, self.preprocessor
        texts = [squeeze(" ", preprocess(doc)) for doc in raw_documents]
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        shape = (len(texts), len(self.vocabulary_))
        if lengths.sum() == 0:
            return sparse.csr_matrix(shape, dtype=self.dtype)
        chars = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        rows, cols = [], []
        grams = chars
        for n, (codes, columns) in enumerate(self._char_table(), start=1):
            if n > 1:
                grams = (grams[:-1] << 21) | chars[n - 1 :]
                same = owner[: len(owner) - n + 1] == owner[n - 1 :]
                candidates, where = grams[same], owner[: len(owner) - n + 1][same]
            else:
                candidates, where = grams, owner
            if not len(codes) or not len(candidates):
                continue
            hit, found = self._gram_columns(n, codes, columns, candidates)
            rows.append(where[hit])
            cols.append(found)
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        X = sparse.coo_matrix((np.ones(len(row), dtype=np.intc), (row, col)), shape=shape).tocsr()
        X.sum_duplicates()
        X = X.astype(self.dtype)
        X.sort_indices()
        return X

    def _gram_columns(self, n: int, codes: np.ndarray, columns: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which candidate n-gram codes are in the vocabulary (a mask) and their columns, in candidate order."""
        if n == 1:  # single characters: a direct table by code point instead of a binary search
            lookup = self._unigram_lookup(codes, columns)
            found = lookup[np.minimum(candidates, len(lookup) - 1)]
            hit = found >= 0
            return hit, found[hit]
        at = np.searchsorted(codes, candidates)
        at[at == len(codes)] = 0
        hit = codes[at] == candidates
        return hit, columns[at[hit]]

    def _char_row(self, doc: str) -> tuple[np.ndarray, np.ndarray]:
        """One document's char 1–3 gram columns (sorted, int32) and counts, looked up as `_char_count_matrix` does."""
        text = self._white_spaces.sub(" ", self.preprocessor(doc))
        chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        found = []
        grams = chars
        for n, (codes, columns) in enumerate(self._char_table(), start=1):
            if n > 1:
                grams = (grams[:-1] << 21) | chars[n - 1 :]
            if not len(codes) or not len(grams):
                continue
            found.append(self._gram_columns(n, codes, columns, grams)[1])
        if not found:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
        columns, counts = np.unique(np.concatenate(found), return_counts=True)
        return columns.astype(np.int32), counts

    def _count_vocab(self, raw_documents, fixed_vocab):
        """With a fitted vocabulary: count with `Counter(map(vocabulary.get, …))` (C loops) instead of a Python loop
        that raises KeyError for every unknown n-gram; the same matrix, several times faster on long texts."""
        if not fixed_vocab:
            return super()._count_vocab(raw_documents, fixed_vocab)
        from collections import Counter

        from scipy import sparse

        vocabulary = self.vocabulary_
        if self._fast_analyzer() is not None and self.analyzer == "char":
            return vocabulary, self._char_count_matrix(list(raw_documents))
        get = vocabulary.get
        analyze = self._fast_analyzer() or self.build_analyzer()
        pairs = self._pair_columns() if self.analyzer == "word" and analyze is not None and self._fast_analyzer() is not None else None
        if pairs is not None:
            # Word bigrams looked up as (word, word) pairs: no "w1 w2" string is built (and hashed) per bigram.
            # The columns of a whole batch go into one array (-1 for a term not in the vocabulary) and are counted
            # by the sparse matrix's own duplicate summing: the same integer counts as a Counter per document.
            from itertools import repeat

            tokenize, preprocess, pair_get = self.tokenizer, self.preprocessor, pairs.get
            flat: list[int] = []
            lengths: list[int] = []
            for doc in raw_documents:
                tokens = tokenize(preprocess(doc))
                before = len(flat)
                flat.extend(map(get, tokens, repeat(-1)))
                flat.extend(map(pair_get, zip(tokens, tokens[1:]), repeat(-1)))
                lengths.append(len(flat) - before)
            columns = np.fromiter(flat, dtype=np.int64, count=len(flat))
            owners = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
            known = columns >= 0
            shape = (len(lengths), len(vocabulary))
            X = sparse.coo_matrix((np.ones(int(known.sum()), dtype=np.intc), (owners[known], columns[known])), shape=shape).tocsr()
            X.sum_duplicates()
            X = X.astype(self.dtype)
            X.sort_indices()
            return vocabulary, X
        indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            counts = Counter(map(get, analyze(doc)))
            counts.pop(None, None)
            indices.extend(counts.keys())
            values.extend(counts.values())
            indptr.append(len(indices))
        X = sparse.csr_matrix(
            (np.asarray(values, dtype=np.intc), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
            shape=(len(indptr) - 1, len(vocabulary)),
            dtype=self.dtype,
        )
        X.sort_indices()
        return vocabulary, X


def build_vectorizer(*, fields: int = 1, max_features: int | None = None, min_df: int = 1, word_ngrams: tuple[int, int] = (1, 2)) -> FeatureUnion:
    """jieba words and word bigrams + char 1-3 grams (sublinear TF-IDF); with several fields the first (a title)
    gets its own char block. Bigrams pay on long messages ("物业 收费", "拖欠 工资"); see docs/triage.md."""
    blocks = [
        (
            "word",
            CompactTfidfVectorizer(
                tokenizer=word_tokens,
                preprocessor=all_fields,
                token_pattern=None,
                lowercase=False,
                ngram_range=word_ngrams,
                sublinear_tf=True,
                min_df=min_df,
                max_features=max_features,
                dtype=np.float32,
            ),
        ),
        (
            "char",
            CompactTfidfVectorizer(
                analyzer="char",
                preprocessor=all_fields,
                ngram_range=(1, 3),
                sublinear_tf=True,
                min_df=min_df,
                max_features=max_features,
                dtype=np.float32,
            ),
        ),
    ]
    if fields > 1:
        blocks.append(
            (
                "title",
                CompactTfidfVectorizer(
                    analyzer="char",
                    preprocessor=first_field,
                    ngram_range=(1, 3),
                    sublinear_tf=True,
                    max_features=max_features,
                    dtype=np.float32,
                ),
            )
        )
    return FeatureUnion(blocks)


def _linear(X, coef_t, intercept) -> np.ndarray:
    scores = X @ coef_t
    scores = scores.toarray() if hasattr(scores, "toarray") else np.asarray(scores)
    return scores.astype(np.float64) + np.asarray(intercept, dtype=np.float64)


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


class LinearEnsemble(ClassifierMixin, BaseEstimator):
    """Soft vote of a linear SVM (softmax of margins), logistic regression and complement naive Bayes."""

    def __init__(self, svm_c: float = 0.5, lr_c: float = 20.0, nb_alpha: float = 0.05, weights=(1.0, 1.0, 1.0), svm_scale: float = 4.0):
        self.svm_c = svm_c
        self.lr_c = lr_c
        self.nb_alpha = nb_alpha
        self.weights = weights
        self.svm_scale = svm_scale

    def fit(self, X, y):
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) == 1:
            self.members_ = []
            return self
        self.members_ = [
            LinearSVC(C=self.svm_c, class_weight="balanced").fit(X, y),
            LogisticRegression(C=self.lr_c, max_iter=1000, tol=1e-3, class_weight="balanced").fit(X, y),
            ComplementNB(alpha=self.nb_alpha).fit(X, y),
        ]
        return self

    def __getstate__(self):
        state = dict(super().__getstate__())
        _drop_caches(state)
        members = state.get("members_")
        if members and len(members) > 2:
            # Naive Bayes log-probabilities are dense; half precision is plenty for a third of a soft vote.
            state["_nb_log_prob16"] = np.asarray(members[2].feature_log_prob_, dtype=np.float16)
            nb = members[2]
            state["members_"] = members[:2] + [type(nb).__new__(type(nb))]
            state["members_"][2].__dict__.update({k: v for k, v in nb.__dict__.items() if k != "feature_log_prob_"})
        return state

    def __setstate__(self, state):
        packed = state.pop("_nb_log_prob16", None)
        super().__setstate__(state)
        if packed is not None:
            self.members_[2].feature_log_prob_ = packed.astype(np.float32)

    def compact(self, *, prune: float = 0.02) -> "LinearEnsemble":
        """Shrink the stored model: float32, near-zero linear weights dropped and kept sparse, NB counts discarded."""
        from scipy import sparse

        for member in self.members_[:2]:
            coef = np.asarray(member.coef_, dtype=np.float32)
            limit = prune * np.abs(coef).max(axis=1, keepdims=True)
            coef[np.abs(coef) < limit] = 0.0
            member.coef_ = sparse.csr_matrix(coef)
            member.intercept_ = np.asarray(member.intercept_, dtype=np.float32)
        if len(self.members_) > 2:
            nb = self.members_[2]
            nb.feature_log_prob_ = np.asarray(nb.feature_log_prob_, dtype=np.float32)
            nb.feature_count_ = np.zeros((len(self.classes_), 0), dtype=np.float32)
            nb.feature_all_ = np.zeros(0, dtype=np.float32)
        return self

    def predict_proba(self, X):
        n = X.shape[0]
        if not self.members_:
            return np.ones((n, 1))
        svm, lr, nb = self.members_
        fast = self.__dict__.get("_fast")
        if fast is None:
            # Transposed, CSR/contiguous copies made once: same numbers as each member's predict_proba, far less per-call work.
            from scipy import sparse

            def transposed(coef):
                return sparse.csr_matrix(coef.T) if sparse.issparse(coef) else np.ascontiguousarray(np.asarray(coef).T)

            fast = self._fast = {
                "svm": transposed(svm.coef_),
                "lr": transposed(lr.coef_),
                "nb": np.ascontiguousarray(np.asarray(nb.feature_log_prob_, dtype=np.float32).T),
            }
        margins = _linear(X, fast["svm"], svm.intercept_)
        logits = _linear(X, fast["lr"], lr.intercept_)
        if margins.shape[1] == 1:
            margins = np.column_stack([-margins[:, 0], margins[:, 0]])
            lr_proba = 1.0 / (1.0 + np.exp(-logits))
            lr_proba = np.column_stack([1.0 - lr_proba[:, 0], lr_proba[:, 0]])
        else:
            lr_proba = _softmax(logits)
        jll = np.asarray(X @ fast["nb"], dtype=np.float64)
        if len(self.classes_) == 1:
            jll = jll + nb.class_log_prior_
        parts = (_softmax(margins * self.svm_scale), lr_proba, _softmax(jll))
        total = sum(w * p for w, p in zip(self.weights, parts))
        return total / float(sum(self.weights))

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class SvmNb(ClassifierMixin, BaseEstimator):
    """Soft vote of a class-balanced linear SVM (softmax of its margins) and complement naive Bayes.

    The SVM carries the discriminative word/character evidence, naive Bayes is steadier on few and long
    examples; both train in one pass over the data (no inner search), so training stays close to the
    baseline's time. `sample_weight` lets operators' corrections count more than ordinary rows.
    """

    def __init__(self, svm_c: float = 0.5, nb_alpha: float = 0.1, nb_weight: float = 1.0, svm_scale: float = 4.0):
        self.svm_c = svm_c
        self.nb_alpha = nb_alpha
        self.nb_weight = nb_weight
        self.svm_scale = svm_scale

    def fit(self, X, y, sample_weight=None):
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) == 1:
            self.members_ = []
            return self
        self.members_ = [
            LinearSVC(C=self.svm_c, class_weight="balanced").fit(X, y, sample_weight=sample_weight),
            ComplementNB(alpha=self.nb_alpha).fit(X, y, sample_weight=sample_weight),
        ]
        return self

    def __getstate__(self):
        state = dict(super().__getstate__())
        _drop_caches(state)
        members = state.get("members_")
        if members and len(members) == 2:
            # Naive Bayes log-probabilities are dense; half precision is plenty for half of a soft vote.
            nb = members[1]
            state["_nb_log_prob16"] = np.asarray(nb.feature_log_prob_, dtype=np.float16)
            light = type(nb).__new__(type(nb))
            light.__dict__.update({k: v for k, v in nb.__dict__.items() if k != "feature_log_prob_"})
            state["members_"] = [members[0], light]
        return state

    def __setstate__(self, state):
        packed = state.pop("_nb_log_prob16", None)
        super().__setstate__(state)
        if packed is not None:
            self.members_[1].feature_log_prob_ = packed.astype(np.float32)

    def compact(self, *, prune: float = 0.02) -> "SvmNb":
        """Shrink the stored model: float32, near-zero SVM weights dropped and kept sparse, NB counts discarded."""
        from scipy import sparse

        if not self.members_:
            return self
        svm, nb = self.members_
        coef = np.asarray(svm.coef_, dtype=np.float32)
        limit = prune * np.abs(coef).max(axis=1, keepdims=True)
        coef[np.abs(coef) < limit] = 0.0
        svm.coef_ = sparse.csr_matrix(coef)
        svm.intercept_ = np.asarray(svm.intercept_, dtype=np.float32)
        nb.feature_log_prob_ = np.asarray(nb.feature_log_prob_, dtype=np.float32)
        nb.feature_count_ = np.zeros((len(self.classes_), 0), dtype=np.float32)
        nb.feature_all_ = np.zeros(0, dtype=np.float32)
        return self

    def predict_proba(self, X):
        n = X.shape[0]
        if not self.members_:
            return np.ones((n, 1))
        svm, nb = self.members_
        fast = self.__dict__.get("_fast")
        if fast is None:
            # Transposed, CSR/contiguous copies made once: the same numbers as each member's own methods, far less per-call work.
            from scipy import sparse

            coef = svm.coef_
            fast = self._fast = {
                "svm": sparse.csr_matrix(coef.T) if sparse.issparse(coef) else np.ascontiguousarray(np.asarray(coef).T),
                "nb": np.ascontiguousarray(np.asarray(nb.feature_log_prob_, dtype=np.float32).T),
            }
        margins = _linear(X, fast["svm"], svm.intercept_)
        return self.vote(margins, np.asarray(X @ fast["nb"], dtype=np.float64))

    def dense_weights(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(SVM coefficients, NB log-probabilities), both features × classes, dense float32: what `TriageModel`
        stacks for all heads to score a batch with one sparse × dense product (see `from_scores`)."""
        if not self.members_:
            return None
        svm, nb = self.members_
        coef = svm.coef_.toarray() if hasattr(svm.coef_, "toarray") else np.asarray(svm.coef_)
        return (np.ascontiguousarray(np.asarray(coef, dtype=np.float32).T),
                np.ascontiguousarray(np.asarray(nb.feature_log_prob_, dtype=np.float32).T))

    def from_scores(self, raw_margins: np.ndarray, raw_jll: np.ndarray) -> np.ndarray:
        """`predict_proba` from the products X·coef and X·log-prob computed elsewhere (float32, as `_linear` gets them)."""
        svm, _ = self.members_
        margins = raw_margins.astype(np.float64) + np.asarray(svm.intercept_, dtype=np.float64)
        return self.vote(margins, np.asarray(raw_jll, dtype=np.float64))

    def vote(self, margins: np.ndarray, jll: np.ndarray) -> np.ndarray:
        if margins.shape[1] == 1:
            margins = np.column_stack([-margins[:, 0], margins[:, 0]])
        total = _softmax(margins * self.svm_scale) + self.nb_weight * _softmax(jll)
        return total / (1.0 + self.nb_weight)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


MODEL_DESCRIPTION = "word(jieba, 1-2) + char(1-3) TF-IDF → class-balanced LinearSVC + complement NB soft vote"


def strong_pipeline(*, fields: int = 1) -> Pipeline:
    """Our classifier for `model evaluate`: the same features and vote the triage heads use."""
    return Pipeline([("features", build_vectorizer(fields=fields)), ("clf", SvmNb())])


def baseline_pipeline() -> Pipeline:
    """The reference: plain character n-gram TF-IDF + LinearSVC."""
    return Pipeline([("features", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), preprocessor=all_fields)), ("clf", LinearSVC())])
