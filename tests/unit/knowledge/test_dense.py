"""Dense (word-vector) evidence for the answer ranker: features from given words and vectors, the batched
computation equal to the one-candidate one, and the model file's feature names known to the code."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from liandong.core.wordvectors import WordVectors
from liandong.knowledge import answer, dense, extract
from liandong.knowledge.search import Entry

# Four directions: 噪音 and 扰民 nearly the same, 补办 apart, 学校 orthogonal to all.
TABLE = WordVectors(
    ["噪音", "扰民", "补办", "学校", "装修"],
    np.array(
        [
            [1.0, 0.0, 0.0, 0.0],
            [0.9, 0.43589, 0.0, 0.0],  # cosine 0.9 with 噪音
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
            [0.6, 0.8, 0.0, 0.0],  # cosine 0.6 with 噪音
        ],
        dtype=np.float32,
    ),
)


def words(*given: str) -> dense.Words:
    return dense.Words.of(given, TABLE)


@pytest.mark.parametrize(
    ("cosine", "expected"),
    [(-1.0, 0.0), (0.0, 0.0), (dense.FLOOR, 0.0), (dense.FLOOR + dense.SPAN / 2, 0.5), (dense.FLOOR + dense.SPAN, 1.0), (1.0, 1.0)],
)
def test_credit_rises_from_the_floor(cosine, expected):
    assert dense.credit(np.array([cosine]))[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("question", "sentence", "literal", "coverage", "soft_only"),
    [
        # The sentence says 扰民 where the question says 噪音: covered by meaning, not literally.
        ({"噪音": 1.0}, ("扰民",), {}, 1.0, 1.0),
        # Found literally: no soft-only share.
        ({"噪音": 1.0}, ("噪音",), {"噪音": 1.0}, 1.0, 0.0),
        # An unrelated word covers nothing.
        ({"噪音": 1.0}, ("学校",), {}, 0.0, 0.0),
        # Weighted by rarity: the rare word (3) covered softly, the common one (1) missing.
        ({"噪音": 3.0, "补办": 1.0}, ("扰民",), {}, 0.75, 0.75),
        # A formal stand-in's lexical credit 0.8 is kept when the meaning adds nothing.
        ({"补办": 1.0}, ("学校",), {"补办": 0.8}, 0.8, 0.0),
    ],
)
def test_soft_coverage(question, sentence, literal, coverage, soft_only):
    asked = dense.Question.of(question, (), TABLE)
    mean = np.zeros(TABLE.dim, dtype=np.float32)
    values = dense.features(asked, words(*sentence), words(), literal, mean, mean)
    assert values["dense_coverage"] == pytest.approx(coverage, abs=1e-3)
    assert values["dense_soft_only"] == pytest.approx(soft_only, abs=1e-3)
    assert dense.soft_coverage(asked, words(*sentence), literal) == pytest.approx(coverage, abs=1e-3)


def test_the_title_counts_with_the_sentence_and_the_focus_is_the_asked_word():
    asked = dense.Question.of({"学校": 1.0, "噪音": 1.0}, ("噪音",), TABLE)
    mean = np.zeros(TABLE.dim, dtype=np.float32)
    without = dense.features(asked, words("补办"), words(), {}, mean, mean)
    with_title = dense.features(asked, words("补办"), words("扰民"), {}, mean, mean)
    assert without["dense_focus"] == 0.0 and with_title["dense_focus"] == pytest.approx(1.0)
    assert with_title["dense_coverage"] == pytest.approx(0.5, abs=1e-3)


def test_mean_cosines_and_precision():
    idf = {"噪音": 2.0, "扰民": 2.0, "补办": 1.0, "学校": 1.0}
    asked = dense.Question.of({"噪音": 1.0}, (), TABLE)
    near, far = words("扰民"), words("学校", "补办")
    values = dense.features(asked, near, words(), {}, far.mean(idf, 1.0), near.mean(idf, 1.0), near.weights(idf, 1.0))
    assert values["dense_cosine"] == pytest.approx(0.9, abs=1e-3)
    assert values["dense_passage"] == pytest.approx(0.0, abs=1e-6)
    assert values["dense_precision"] == pytest.approx(1.0)
    # Half the sentence's weight is about something else.
    mixed = words("扰民", "学校")
    values = dense.features(asked, mixed, words(), {}, far.mean(idf, 1.0), mixed.mean(idf, 1.0), mixed.weights(idf, 1.0))
    assert values["dense_precision"] == pytest.approx(2.0 / 3.0, abs=1e-3)


def test_no_question_words_give_zeros():
    asked = dense.Question.of({}, (), TABLE)
    mean = np.zeros(TABLE.dim, dtype=np.float32)
    assert dense.features(asked, words("噪音"), words(), {}, mean, mean) == {name: 0.0 for name in dense.FEATURES}
    assert dense.batch_features(asked, [], [], [], [], [], []) == []


def test_batch_features_equal_the_one_candidate_ones():
    idf = {"噪音": 2.0, "扰民": 1.5, "补办": 1.0, "学校": 0.5, "装修": 1.2}
    asked = dense.Question.of({"噪音": 2.0, "补办": 1.0, "学校": 0.5}, ("补办",), TABLE)
    sentences = [words("扰民", "学校"), words(), words("装修"), words("补办", "噪音", "学校")]
    titles = [words("补办"), words("扰民"), words(), words()]
    literals = [{}, {"学校": 1.0}, {"补办": 0.8}, {"噪音": 1.0, "补办": 1.0}]
    passages = [words("装修", "学校").mean(idf, 2.0)] * 4
    means = [s.mean(idf, 2.0) for s in sentences]
    weights = [s.weights(idf, 2.0) for s in sentences]
    batch = dense.batch_features(asked, sentences, titles, literals, passages, means, weights)
    for i, values in enumerate(batch):
        single = dense.features(asked, sentences[i], titles[i], literals[i], passages[i], means[i], weights[i])
        assert values == pytest.approx(single, abs=1e-5)


def test_the_packaged_table_sees_paraphrases():
    asked = dense.Question.of({"噪音": 1.0}, ("噪音",), None)
    mean = np.zeros(asked.matrix.shape[1], dtype=np.float32)
    near = dense.features(asked, dense.text_words("禁止夜间施工扰民"), dense.text_words(""), {}, mean, mean)
    far = dense.features(asked, dense.text_words("补办身份证需要户口本"), dense.text_words(""), {}, mean, mean)
    assert near["dense_soft_only"] > far["dense_soft_only"]


def _code_features() -> set[str]:
    """Every feature name the answer code gives a candidate and the decider."""
    entry = Entry("gazette", 1, None, 1, "标题", None, None, "公报", None, None, "句子。", 0, 3, 1, 1)
    candidate = answer.Candidate(0, entry, 1.0, extract.Choice(extract.Span(0, 3), 0.5, 0.5, 0.5, 0.5), 0.5)
    terms = extract.Terms({"句子": 1.0}, {}, frozenset({"句子"}))
    candidate.features = answer._features(
        candidate, terms=terms, focus=["句子"], top_score=1.0, rival=0.5, numbers=set(), unknown=set(), question_words="句子",
        grams=answer.Grams.of("句子"),
    )
    prepared = SimpleNamespace(text="句子吗", words=["句子"], expectation=SimpleNamespace(kind="none"))
    return set(candidate.features) | set(dense.FEATURES) | set(answer._decider_features([candidate], 0.0, prepared, 1.0))


def test_the_model_file_reads_only_features_the_code_computes():
    model = extract.load_model()
    known = _code_features()
    assert set(model.ranker.features) <= known, set(model.ranker.features) - known
    assert set(model.decider.features) <= known, set(model.decider.features) - known
    # A model that reads dense features switches their computation on (answer.decide checks these names).
    assert all(name.startswith("dense_") for name in dense.FEATURES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The longest word of the vocabulary first; stopwords and characters the table lacks left out.
        ("噪音扰民", ["噪音", "扰民"]),
        ("装修噪音的问题", ["装修", "噪音", "题"]),  # 问 is a stopword, 问题 not in this vocabulary
        ("我们学校", ["学校"]),
        ("2025年", []),
        ("", []),
    ],
)
def test_segment_by_forward_maximum_matching(text, expected):
    vocabulary = {word: row for row, word in enumerate(["噪音", "扰民", "装修", "学校", "噪", "音", "问", "题", "学"])}
    assert dense.segment(text, vocabulary) == expected
