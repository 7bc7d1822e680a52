"""The fast forms of text helpers equal their plain definitions: trie-shaped literal alternations, the NFKC path."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liandong.triage.text import literal_alternation, nfkc, normalize

# A small alphabet so that words share prefixes and occur in the texts often; regex specials included.
ALPHABET = "ab城管局.*[]-^\\|?"
words = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=5), min_size=1, max_size=12)
texts = st.text(alphabet=ALPHABET + "x，", max_size=40)


def plain(ws) -> str:
    return "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True))


@given(words, texts)
@settings(max_examples=400, deadline=None)
def test_trie_finds_what_the_alternation_finds(ws, text):
    trie, reference = re.compile(literal_alternation(ws)), re.compile(plain(ws))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in reference.finditer(text)]


@given(words, texts)
@settings(max_examples=300, deadline=None)
def test_trie_falls_back_like_the_alternation_when_what_follows_fails(ws, text):
    # After the words comes something that must match too: both forms must try the shorter words in the same order.
    trie = re.compile(f"(?P<w>{literal_alternation(ws)})(?:局|a)")
    reference = re.compile(f"(?P<w>{plain(ws)})(?:局|a)")
    assert [(m.span(), m.group("w")) for m in trie.finditer(text)] == [(m.span(), m.group("w")) for m in reference.finditer(text)]


@pytest.mark.parametrize(
    ("ws", "text", "found"),
    [
        (["城管", "城管局", "城"], "找城管局和城管，城", ["城管局", "城管", "城"]),
        (["a"], "aaa", ["a", "a", "a"]),
        (["a.b", "a"], "a.b axb a", ["a.b", "a", "a"]),
        (["", "x"], "x", ["x"]),
    ],
)
def test_trie_examples(ws, text, found):
    assert [m.group(0) for m in re.finditer(literal_alternation(ws), text)] == found


def test_trie_of_nothing_matches_nothing():
    assert re.search(literal_alternation([]), "任何文字") is None
    assert re.search(literal_alternation([""]), "") is None


def _reference_normalize(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


@pytest.mark.parametrize("text", ["", "  ", "ＡＢＣ１２３", "电梯坏了　　三天", "ｶﾀｶﾅ", "①号楼", "ﬁle", "e\u0301", "plain ascii  text", None])
def test_normalize_examples(text):
    assert normalize(text) == _reference_normalize(text)


@given(st.text(max_size=60))
@settings(max_examples=500, deadline=None)
def test_normalize_equals_nfkc_then_blanks(text):
    assert normalize(text) == _reference_normalize(text)


# Full-width forms, Hangul jamo that compose, combining marks, compatibility characters, CJK, ASCII.
TRICKY = "，。！？：；（）ＡＢ１２ｶﾞﾟ가ᄀ각ᅡᆨe\u0301\u0300\u0327\u0b47\u0b3e①㍿ﬁ²ℌ城管 \u3000\t电梯"


@given(st.text(alphabet=TRICKY, max_size=30))
@settings(max_examples=500, deadline=None)
def test_nfkc_equals_unicodedata_on_tricky_mixtures(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_of_every_bmp_character():
    for code in range(0x10000):
        ch = chr(code)
        assert nfkc(ch) == unicodedata.normalize("NFKC", ch), hex(code)


def _run_bounds_by_walking(text: str, start: int, end: int) -> frozenset[int]:
    """The definition: walk out to the run's ends character by character, segment that piece."""
    from liandong.triage.segment import RUN_CHAR, word_bounds

    left, right = start, end
    while left > 0 and RUN_CHAR.fullmatch(text[left - 1]):
        left -= 1
    while right < len(text) and RUN_CHAR.fullmatch(text[right]):
        right += 1
    return frozenset(left + b for b in word_bounds(text[left:right]))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="赡养老人个税房本购来就，。 a1" + "好" * 3, max_size=120), st.data())
def test_run_bounds_equals_walking_out_to_the_run(text, data):
    from liandong.triage.segment import run_bounds

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 4)))
    assert run_bounds(text, start, end) == _run_bounds_by_walking(text, start, end)
