"""Tracking codes and the checks on what citizens type: pure, table-driven."""

from __future__ import annotations

import random

import pytest

from liandong.citizen import codes
from liandong.core.errors import ValidationFailed


def test_codes_are_ten_unambiguous_characters_and_do_not_repeat():
    drawn = {codes.new_code() for _ in range(5000)}
    assert len(drawn) == 5000
    assert all(len(c) == codes.LENGTH and set(c) <= set(codes.ALPHABET) for c in drawn)
    assert not set("01IOLUV") & set(codes.ALPHABET)
    assert len(codes.ALPHABET) ** codes.LENGTH > 10**14


def test_every_symbol_is_drawn_about_equally():
    rng = random.Random(7)
    counts = {ch: 0 for ch in codes.ALPHABET}
    for _ in range(3000):
        for ch in codes.new_code(rng):
            counts[ch] += 1
    expected = 3000 * codes.LENGTH / len(codes.ALPHABET)
    assert all(0.8 * expected < n < 1.2 * expected for n in counts.values())


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("ABCD-EFGH-JK", "ABCDEFGHJK"),
        ("abcd efgh jk", "ABCDEFGHJK"),
        (" ABCDEFGHJK ", "ABCDEFGHJK"),
        ("ABCD.EFGH_JK", "ABCDEFGHJK"),
        ("ABCDEFGHJ", None),  # too short
        ("ABCDEFGHJKM", None),  # too long
        ("ABCDEFGHJ0", None),  # 0 is not in the alphabet
        ("ABCDEFGHJ１", None),  # a full-width digit
        ("", None),
        (None, None),
    ],
)
def test_normalize_code(typed, stored):
    assert codes.normalize_code(typed) == stored


def test_display_groups_for_reading_aloud():
    assert codes.display_code("ABCDEFGHJK") == "ABCD-EFGH-JK"


@pytest.mark.parametrize("typed, digits", [("5678", "5678"), (" 0001 ", "0001"), ("567", None), ("56789", None), ("５６７８", None), ("abcd", None), (None, None)])
def test_last_four(typed, digits):
    assert codes.last_four(typed) == digits


@pytest.mark.parametrize(
    "lat, lon, point",
    [
        (None, None, None),
        ("", " ", None),
        ("35.49", "112.85", (35.49, 112.85)),
        (35.4912345678, 112.8512345678, (35.491235, 112.851235)),
        (3.8, 73.4, (3.8, 73.4)),
        (53.6, 135.1, (53.6, 135.1)),
    ],
)
def test_points_within_china(lat, lon, point):
    assert codes.check_point(lat, lon) == point


@pytest.mark.parametrize(
    "lat, lon, field",
    [
        ("35.49", None, "longitude"),
        (None, "112.85", "latitude"),
        ("北纬35", "112.85", "latitude"),
        ("nan", "112.85", "latitude"),
        ("inf", "112.85", "latitude"),
        ("3.7", "112.85", "latitude"),
        ("53.7", "112.85", "latitude"),
        ("35.49", "73.3", "longitude"),
        ("35.49", "135.2", "longitude"),
        ("-35.49", "112.85", "latitude"),
    ],
)
def test_points_outside_or_malformed_are_refused(lat, lon, field):
    with pytest.raises(ValidationFailed) as refused:
        codes.check_point(lat, lon)
    assert refused.value.field == field
