"""The packaged static word vectors: shape, back-off, and that related words sit closer than unrelated ones."""

import numpy as np
import pytest

from liandong.core.wordvectors import WordVectors, load


def test_table_is_packaged_with_unit_vectors():
    table = load()
    assert table.dim == 128
    assert len(table.words) > 50000
    norms = np.linalg.norm(table.vectors[:1000], axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)


@pytest.mark.parametrize(
    ("word", "near", "far"),
    [
        ("噪音", "噪声", "公积金"),
        ("遗失", "丢失", "噪声"),
        ("摔倒", "跌倒", "供暖"),
        ("狗叫", "犬吠", "医保"),
    ],
)
def test_related_words_are_closer_than_unrelated(word, near, far):
    table = load()
    assert table.similarity(word, near) > table.similarity(word, far) + 0.2


def test_unknown_word_backs_off_to_its_characters_and_unknown_characters_give_none():
    table = WordVectors(["甲", "乙"], np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32))
    assert np.allclose(table.lookup("甲乙"), np.array([1.0, 1.0]) / np.sqrt(2))
    assert table.lookup("丙") is None
    assert table.similarity("甲", "丙") == 0.0
    kept, matrix = table.matrix(["甲", "丙", "乙"])
    assert kept == ["甲", "乙"] and matrix.shape == (2, 2)


@pytest.mark.parametrize(
    ("words", "weights", "expected"),
    [
        (["甲", "乙"], None, [2 ** -0.5, 2 ** -0.5]),
        (["甲", "乙"], [3.0, 0.0], [1.0, 0.0]),
        (["丙"], None, [0.0, 0.0]),
        ([], None, [0.0, 0.0]),
    ],
)
def test_embed_is_the_weighted_unit_mean(words, weights, expected):
    table = WordVectors(["甲", "乙"], np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32))
    assert np.allclose(table.embed(words, weights), expected)


def test_mismatched_inputs_are_refused():
    with pytest.raises(ValueError):
        WordVectors(["甲"], np.zeros((2, 2), dtype=np.float32))
    table = WordVectors(["甲"], np.ones((1, 2), dtype=np.float32))
    with pytest.raises(ValueError):
        table.embed(["甲"], [1.0, 2.0])
