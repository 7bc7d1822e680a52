"""Text features (jieba words + character n-grams, per-field) and the linear ensemble classifier."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

# Several input columns (a title and a body) travel as one string joined by this separator.
FIELD_SEP = "\x1e"

_PUNCT = re.compile(r"^[\W_]+$")
_jieba = None


# A compact word list (jieba's common words plus the domain's own) loads in ~0.05 s instead of ~0.6 s.
WORDS_FILE = Path(__file__).resolve().parent / "data" / "words.txt"


def _segmenter():
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer(dictionary=str(WORDS_FILE)) if WORDS_FILE.exists() else jieba.Tokenizer()
        tokenizer.initialize()
        _jieba = tokenizer
    return _jieba


def build_word_list(texts: list[str], extra_words: list[str], *, min_freq: int = 50, out: Path = WORDS_FILE) -> Path:
    """Write the compact dictionary: jieba's words with frequency >= min_freq, plus every word full jieba finds in
    the training texts and the given domain words (so in-domain segmentation matches full jieba)."""
    import os

    import jieba

    jieba.setLogLevel(logging.WARNING)
    full = jieba.Tokenizer()
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2:
                freq[parts[0]] = int(parts[1])
                tags[parts[0]] = parts[2] if len(parts) > 2 else "n"
    keep = {w for w, f in freq.items() if f >= min_freq}
    for text in texts:
        keep.update(w for w in full.lcut(text, HMM=False) if w in freq)
    for word in extra_words:
        if word and not re.search(r"[\s\W]", word):
            keep.add(word)
    lines = [f"{w} {freq.get(w, 100)} {tags.get(w, 'n')}" for w in sorted(keep)]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    global _jieba
    _jieba = None
    _clause_tokens.cache_clear()
    return out


def warm_up() -> None:
    """Load jieba's dictionary now rather than inside the first request."""
    _segmenter()


_CLAUSE = re.compile(r"[^\u4e00-\u9fd5a-zA-Z0-9+#&._%\-]+")


@lru_cache(maxsize=65536)
def _clause_tokens(clause: str) -> tuple[str, ...]:
    return tuple(w for w in _segmenter().lcut(clause, HMM=False) if w.strip() and not _PUNCT.match(w))


def word_tokens(text: str) -> list[str]:
    """jieba words without punctuation; the tokenizer of the word n-gram block.

    jieba segments each run of Han/alphanumeric characters on its own, so cutting the text at
    punctuation first gives the same words; clauses repeat a lot ("来电人反映"), hence the cache.
    """
    words: list[str] = []
    for clause in _CLAUSE.split(text):
        if clause:
            words.extend(_clause_tokens(clause))
    return words


def all_fields(text: str) -> str:
    return text.replace(FIELD_SEP, "\n").lower()


def first_field(text: str) -> str:
    return text.split(FIELD_SEP, 1)[0].lower()


class CompactTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer whose vocabulary is stored as one array of terms, so skops files stay small and load fast."""

    def __getstate__(self):
        state = dict(super().__getstate__())
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


def build_vectorizer(*, fields: int = 1, max_features: int | None = 60000, min_df: int = 1) -> FeatureUnion:
    """jieba words + char 1-3 grams (sublinear TF-IDF); with several fields the first (a title) gets its own block.

    Word bigrams were tried and dropped: on phrasings unseen in training they lowered macro-F1 (see docs/triage.md)."""
    blocks = [
        (
            "word",
            CompactTfidfVectorizer(
                tokenizer=word_tokens,
                preprocessor=all_fields,
                token_pattern=None,
                lowercase=False,
                ngram_range=(1, 1),
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
        state.pop("_fast", None)
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


def char_vectorizer(*, fields: int = 1) -> FeatureUnion:
    blocks = [("char", CompactTfidfVectorizer(analyzer="char", preprocessor=all_fields, ngram_range=(1, 3), dtype=np.float32))]
    if fields > 1:
        blocks.append(("title", CompactTfidfVectorizer(analyzer="char", preprocessor=first_field, ngram_range=(1, 3), dtype=np.float32)))
    return FeatureUnion(blocks)


def candidate_pipelines(*, fields: int = 1) -> dict[str, Pipeline]:
    """The configurations `SelectedTextClassifier` chooses from, inside the training data only."""
    return {
        "word+char ensemble": Pipeline([("features", build_vectorizer(fields=fields, max_features=None)), ("clf", LinearEnsemble())]),
        "char ensemble": Pipeline([("features", char_vectorizer(fields=fields)), ("clf", LinearEnsemble())]),
        "char svm": Pipeline([("features", char_vectorizer(fields=fields)), ("clf", LinearSVC(C=1.0))]),
    }


class SelectedTextClassifier(ClassifierMixin, BaseEstimator):
    """Pick the best candidate by an inner stratified K-fold macro-F1 on the training texts, then refit it on all of them.

    Small data sets and short texts favour character models, long ones words + characters; choosing
    inside the training fold adapts to the data without ever looking at the test fold.
    """

    def __init__(self, fields: int = 1, inner_folds: int = 3, seed: int = 0):
        self.fields = fields
        self.inner_folds = inner_folds
        self.seed = seed

    def fit(self, X, y):
        from sklearn.base import clone
        from sklearn.metrics import f1_score
        from sklearn.model_selection import StratifiedKFold

        texts = list(X)
        y = np.asarray(y)
        candidates = candidate_pipelines(fields=self.fields)
        _, counts = np.unique(y, return_counts=True)
        self.scores_ = {}
        if counts.min() >= self.inner_folds and len(counts) > 1:
            splitter = StratifiedKFold(n_splits=self.inner_folds, shuffle=True, random_state=self.seed)
            predicted = {name: np.empty(len(y), dtype=object) for name in candidates}
            for train_idx, test_idx in splitter.split(np.zeros(len(y)), y):
                train_texts = [texts[i] for i in train_idx]
                test_texts = [texts[i] for i in test_idx]
                # Candidates sharing a vectorizer share its fit.
                views = {}
                for name, pipeline in candidates.items():
                    vec_key = "char" if name.startswith("char") else "word+char"
                    if vec_key not in views:
                        vectorizer = clone(pipeline.named_steps["features"])
                        views[vec_key] = (vectorizer.fit_transform(train_texts), vectorizer.transform(test_texts))
                    X_train, X_test = views[vec_key]
                    clf = clone(pipeline.named_steps["clf"]).fit(X_train, y[train_idx])
                    predicted[name][test_idx] = clf.predict(X_test)
            self.scores_ = {name: float(f1_score(y, p, average="macro", zero_division=0)) for name, p in predicted.items()}
            self.chosen_ = max(self.scores_, key=self.scores_.get)
        else:
            self.chosen_ = "word+char ensemble"
        self.model_ = clone(candidates[self.chosen_]).fit(texts, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(list(X))


def strong_pipeline(*, fields: int = 1, select: bool = True):
    """Our classifier for `model evaluate`; select=False gives the fixed word+char ensemble the triage heads use."""
    return SelectedTextClassifier(fields=fields) if select else candidate_pipelines(fields=fields)["word+char ensemble"]


def baseline_pipeline() -> Pipeline:
    """The reference: plain character n-gram TF-IDF + LinearSVC."""
    return Pipeline([("features", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), preprocessor=all_fields)), ("clf", LinearSVC())])
