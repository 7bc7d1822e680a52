"""Hypothesis over the text pipeline: whatever Unicode people type or files carry, the pure text functions never
raise (or raise only the domain's ValidationFailed), normalisers are idempotent, limits hold, and every phone-like
run of digits is masked."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from liandong.core import textfile
from liandong.core.errors import ValidationFailed
from liandong.knowledge import question
from liandong.report import redact
from liandong.triage import segment
from liandong.triage import text as triage_text
from liandong.workorder import privacy, summary, validation

# Any code point but surrogates (they cannot come from a decoded request), with Chinese and digits over-represented.
ANY = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
CHINESE = st.text(st.sampled_from("市民反映小区楼道路灯不亮噪音扰民王女士先生来电话号码１２３４５６７８９０0123456789 -，。？！\n\t"), max_size=200)
TEXTS = st.one_of(ANY, CHINESE)
FAST = settings(max_examples=80, deadline=None)

mobile = st.builds(lambda second, rest: "1" + second + rest, st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
separator = st.sampled_from(["", " ", "-"])


def _spaced(number: str, sep: str) -> str:
    return f"{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"


def _fullwidth(number: str) -> str:
    return number.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})


@FAST
@given(TEXTS)
def test_triage_normalisation_is_idempotent_and_trimmed(text):
    once = triage_text.normalize(text)
    assert triage_text.normalize(once) == once
    assert once == once.strip() and "  " not in once and "\n" not in once
    triage_text.is_meaningful(once)


@FAST
@given(TEXTS)
def test_question_parsing_never_raises(text):
    normal = question.normalize(text)
    assert isinstance(normal, str) and (normal or not text.strip())
    asked = question.asked_part(text)
    assert len(asked) <= len(text.strip())
    question.expected(text)


@FAST
@given(st.binary(max_size=400))
def test_the_text_file_reader_reads_or_refuses_any_bytes(data):
    try:
        decoded = textfile.decode(data, name="x.txt")
    except ValidationFailed as refusal:
        assert "x.txt" in refusal.message
    else:
        assert isinstance(decoded, str)


@FAST
@given(ANY)
def test_the_text_file_reader_gives_back_what_was_saved_as_utf8(text):
    if not text.startswith("\ufeff"):
        assert textfile.decode(text.encode("utf-8"), name="a.txt") == text
    assert textfile.decode(b"\xef\xbb\xbf" + text.encode("utf-8"), name="a.txt") == text


@settings(max_examples=60, deadline=None)
@given(TEXTS)
def test_segmentation_yields_words_of_the_text(text):
    for word in segment.word_tokens(text):
        assert word and word in text
    bounds = segment.word_bounds(text)
    assert 0 in bounds and len(text) in bounds and all(0 <= b <= len(text) for b in bounds)


@settings(max_examples=60, deadline=None)
@given(TEXTS, st.one_of(st.none(), CHINESE), st.one_of(st.none(), CHINESE))
def test_titles_and_addresses_hold_their_limits(text, place, address):
    title = summary.title_for(text or "诉求", place=place or None, address=address or None)
    assert isinstance(title, str) and len(title) <= validation.MAX_TITLE
    found = summary.find_address(text)
    assert found is None or (found in text and len(found) <= validation.MAX_ADDRESS)


@FAST
@given(TEXTS, mobile, separator, st.booleans(), TEXTS)
def test_every_phone_like_run_is_masked(before, number, sep, wide, after):
    written = _spaced(number, sep)
    written = _fullwidth(written) if wide else written
    # Digits glued to the number make a longer number, which is masked as a whole: keep the edges apart.
    text = f"{before}，电话{written}，{after}"
    for scrub in (privacy.scrub_text, redact.scrub):
        out = scrub(text)
        digits_only = re.sub(r"\D", "", out)  # \D is Unicode-aware: full-width digits count as digits
        assert re.sub(r"\D", "", _fullwidth(number) if wide else number) not in digits_only or number in re.sub(r"\D", "", before + after), (
            scrub.__module__, text, out)


@FAST
@given(st.text("0123456789", min_size=1, max_size=20), st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12))
def test_masks_never_show_more_than_they_should(phone, name):
    masked = privacy.mask_phone(phone)
    assert len(masked) == len(phone) if len(phone) != 7 else masked == phone[:3] + "****"
    hidden = sum(1 for a, b in zip(masked, phone) if a != b)
    assert hidden >= (len(phone) - 7 if len(phone) > 7 else 4 if len(phone) == 7 else len(phone))
    shown = privacy.mask_name(name)
    assert shown[0] == name[0] and set(shown[1:]) == {"*"}


@FAST
@given(st.one_of(TEXTS, st.integers(min_value=-(2**70), max_value=2**70).map(str), st.sampled_from(["²", "٣", "１２", "1e3", " 7 ", "0x10"])))
def test_integer_inputs_are_ascii_digits_in_range_or_refused(value):
    try:
        number = validation.parse_int(value, field="days", label="天数")
    except ValidationFailed:
        return
    assert str(value).strip().isascii() and 0 <= number < 10**9


@FAST
@given(st.one_of(TEXTS, st.builds(_spaced, mobile, separator), st.builds(lambda m: "+86 " + m, mobile)))
def test_phone_normalisation_is_idempotent_and_ascii(value):
    try:
        phone = validation.normalize_phone(value)
    except ValidationFailed:
        return
    assert phone is None or (phone.isascii() and phone.isdigit() and validation.normalize_phone(phone) == phone)


@FAST
@given(TEXTS)
def test_text_fields_hold_the_database_limits(value):
    checks = [
        (validation.clean_content, validation.MAX_CONTENT),
        (validation.clean_title, validation.MAX_TITLE),
        (validation.clean_address, validation.MAX_ADDRESS),
        (validation.clean_name, 64),
        (lambda v: validation.clean_reference(v, field="ref"), validation.MAX_REFERENCE),
    ]
    for clean, limit in checks:
        try:
            cleaned = clean(value)
        except ValidationFailed:
            continue
        assert cleaned is None or (len(cleaned) <= limit and "\x00" not in cleaned and cleaned == cleaned.strip())


@given(st.text(max_size=20), st.integers(min_value=validation.MAX_CONTENT + 1, max_value=validation.MAX_CONTENT + 50))
@settings(max_examples=20, deadline=None)
def test_over_long_and_nul_texts_are_refused(prefix, length):
    long_text = (prefix + "长" * length)[: max(length, len(prefix))]
    if len(long_text.strip()) > validation.MAX_CONTENT:
        try:
            validation.clean_content(long_text)
        except ValidationFailed:
            pass
        else:
            raise AssertionError("over-long content accepted")
    for clean in (validation.clean_content, validation.clean_title, validation.clean_address, validation.clean_name):
        try:
            clean("正常文字\x00" + prefix)
        except ValidationFailed:
            continue
        raise AssertionError(f"{clean.__name__} accepted a NUL")
