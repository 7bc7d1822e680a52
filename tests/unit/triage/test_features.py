"""Features and the SVM + naive Bayes classifier: the fast counting equals sklearn's, probabilities are proper."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from liandong.triage.features import FIELD_SEP, SvmNb, build_vectorizer

TEXTS = [
    "楼上装修噪音太大，晚上十一点还在砸墙",
    "小区停水三天了，什么时候来水",
    "暖气不热，屋里才十二度",
    "请问公积金怎么提取" + FIELD_SEP + "我在单位交了四年公积金，现在租房住",
    "举报饭店后厨卫生脏乱，用过期食材",
    "停水了",
]
LABELS = ["zjj", "gs", "rl", "gjj", "scjgj", "gs"]


def test_fast_counts_equal_sklearn():
    union = build_vectorizer(fields=2).fit(TEXTS)
    unseen = TEXTS + ["完全没见过的词语组合，外加英文 ABC 和数字 12345"]
    for _, vectorizer in union.transformer_list:
        _, ours = vectorizer._count_vocab(unseen, True)
        _, reference = CountVectorizer._count_vocab(vectorizer, unseen, True)
        assert abs(ours - reference).max() == 0


def test_probabilities_sum_to_one_and_survive_compaction():
    union = build_vectorizer(fields=2)
    X = union.fit_transform(TEXTS)
    clf = SvmNb().fit(X, LABELS)
    before = clf.predict_proba(X)
    assert np.allclose(before.sum(axis=1), 1.0)
    assert list(clf.predict(X)) == LABELS
    clf.compact(prune=0.0)
    clf.__dict__.pop("_fast", None)
    assert np.allclose(clf.predict_proba(X), before, atol=1e-3)


def test_one_class_and_weights():
    union = build_vectorizer()
    X = union.fit_transform(TEXTS[:2])
    assert SvmNb().fit(X, ["gs", "gs"]).predict_proba(X).shape == (2, 1)
    clf = SvmNb().fit(union.transform(TEXTS[:3]), ["zjj", "gs", "rl"], sample_weight=np.array([1.0, 3.0, 1.0]))
    assert set(clf.classes_) == {"zjj", "gs", "rl"}


CHAR_TEXTS = [
    "小区电梯坏了三天没人修",
    "标题\x1e正文：楼下饭店油烟很大，  晚上 10 点以后还在营业\n\n请尽快处理",
    "",
    " ",
    "a",
    "ab",
    "AB  \t C",
    "😀 表情和𠀋生僻字",
    "重复重复重复重复",
]


@pytest.mark.parametrize("ngram_range", [(1, 3), (1, 2), (2, 3)])
def test_batched_char_counts_are_the_per_document_counts(ngram_range):
    """The numpy path of CompactTfidfVectorizer gives exactly the matrix of sklearn's per-document loop."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from liandong.triage.features import CompactTfidfVectorizer, all_fields

    vectorizer = CompactTfidfVectorizer(analyzer="char", preprocessor=all_fields, ngram_range=ngram_range, sublinear_tf=True)
    vectorizer.fit(CHAR_TEXTS[:2] + ["小区 饭店 油烟 电梯"])
    fast = vectorizer._count_char_ngrams(CHAR_TEXTS)
    _, slow = TfidfVectorizer._count_vocab(vectorizer, CHAR_TEXTS, True)
    slow.sort_indices()
    assert fast.shape == slow.shape and (fast != slow).nnz == 0
    assert (fast.indices == slow.indices).all() and (fast.indptr == slow.indptr).all()
    assert (vectorizer.transform(CHAR_TEXTS) != TfidfVectorizer.transform(vectorizer, CHAR_TEXTS)).nnz == 0
