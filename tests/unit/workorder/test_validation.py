"""Clean-up and refusal of operator input."""

import pytest

from liandong.core.clock import parse_aware
from liandong.core.errors import ValidationFailed
from liandong.workorder.validation import MAX_CONTENT, clean_address, clean_content, clean_title, normalize_phone, parse_int


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0356-2021234", "03562021234"),
        ("(0356)2021234", "03562021234"),
        ("12345", "12345"),
        ("4008123123", "4008123123"),
        ("", None),
        (None, None),
    ],
)
def test_phone_normalisation(raw, clean):
    assert normalize_phone(raw) == clean


@pytest.mark.parametrize("raw", ["123", "1381234567", "23812345678", "138123456789", "abc", "138-1234-567x", "+1 555 0100"])
def test_malformed_phones_are_refused(raw):
    with pytest.raises(ValidationFailed) as refused:
        normalize_phone(raw)
    assert "电话号码格式不正确" in refused.value.message


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", None])
def test_empty_content_is_refused(raw):
    with pytest.raises(ValidationFailed):
        clean_content(raw)


def test_content_length_limit():
    assert clean_content("字" * MAX_CONTENT) == "字" * MAX_CONTENT
    with pytest.raises(ValidationFailed) as refused:
        clean_content("字" * (MAX_CONTENT + 1))
    assert "过长" in refused.value.message


def test_typed_titles_are_cleaned_and_empty_ones_left_to_the_summary():
    assert clean_title(None) is None
    assert clean_title("   ") is None
    assert clean_title("  自定义标题 ") == "自定义标题"
    with pytest.raises(ValidationFailed):
        clean_title("长" * 101)
    with pytest.raises(ValidationFailed):
        clean_title("标题\x00")


@pytest.mark.parametrize("raw", ["²", "٣", "1.5", "-1", "abc", "", "1234567890"])
def test_integers_are_ascii_digits_only(raw):
    with pytest.raises(ValidationFailed):
        parse_int(raw, field="days", label="天数")


def test_integers():
    assert parse_int(" 12 ", field="days", label="天数") == 12


@pytest.mark.parametrize("raw", ["１３８１２３４５６７８", "13８12345678"])
def test_fullwidth_or_foreign_digits_are_not_phone_numbers(raw):
    with pytest.raises(ValidationFailed):
        normalize_phone(raw)


def test_addresses_respect_the_column_length():
    assert clean_address("  巴公镇锦绣小区 ") == "巴公镇锦绣小区"
    with pytest.raises(ValidationFailed):
        clean_address("路" * 256)


@pytest.mark.parametrize("raw", ["2023-09-28T10:00:00", "2023-09-28 10:00", "2023-09-28"])
def test_times_without_timezone_are_refused(raw):
    with pytest.raises(ValidationFailed) as refused:
        parse_aware(raw)
    assert "时区" in refused.value.message


@pytest.mark.parametrize("raw", ["yesterday", "2023-13-01T00:00:00+08:00", ""])
def test_unreadable_times_are_refused(raw):
    with pytest.raises(ValidationFailed):
        parse_aware(raw)


def test_z_suffix_and_offsets():
    assert parse_aware("2023-09-28T02:00:00Z") == parse_aware("2023-09-28T10:00:00+08:00")
