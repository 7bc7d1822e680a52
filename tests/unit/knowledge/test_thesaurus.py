"""The thesaurus of short forms built from the documents' own terms."""

from __future__ import annotations

import pytest

from liandong.knowledge.thesaurus import build, short_form, stand_ins


@pytest.mark.parametrize(
    ("term", "short"),
    [("家庭暴力", "家暴"), ("医疗保险", "医保"), ("城乡居民医保", "城居医"), ("儿童", None), ("幼儿园", None), ("ABCD", None)],
)
def test_short_form(term, short):
    assert short_form(term) == short


def test_build_keeps_used_terms_and_leaves_words_of_their_own():
    vocabulary = {"家庭暴力": 9, "医疗保险": 5, "医疗保障": 7, "公共交通": 4, "公交": 6, "社会保险": 1}
    thesaurus = build(vocabulary, min_uses=2)
    assert thesaurus["家暴"] == ("家庭暴力",)
    assert thesaurus["医保"] == ("医疗保障", "医疗保险")  # most used first
    assert "公交" not in thesaurus  # the documents say 公交 themselves
    assert "社保" not in thesaurus  # a term used once is not enough


def test_stand_ins_for_a_short_form_or_a_word_starting_with_one():
    thesaurus = {"家暴": ("家庭暴力",), "社保": ("社会保险",)}
    assert stand_ins(["家里", "家暴"], thesaurus) == [("家暴", ("家庭暴力",))]
    assert stand_ins(["社保卡", "丢"], thesaurus) == [("社保卡", ("社会保险",))]
    assert stand_ins(["家庭暴力"], thesaurus) == []
