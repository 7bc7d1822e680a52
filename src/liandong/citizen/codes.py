"""Tracking codes a citizen can read out over the phone, and the checks on what citizens type. Pure."""

from __future__ import annotations

import re
import secrets

from liandong.core.errors import ValidationFailed

# No 0/O, 1/I/L, U/V (hard to tell apart when read aloud or handwritten): 29 symbols, 10 of them ≈ 4.2e14 codes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 10
_SEPARATORS = re.compile(r"[\s\-_.·]")
# Mainland China's extent (WGS-84 / GCJ-02 degrees): the map point must fall in it.
LATITUDE = (3.8, 53.6)
LONGITUDE = (73.4, 135.1)


def new_code(rng: secrets.SystemRandom | None = None) -> str:
    rng = rng or secrets.SystemRandom()
    return "".join(rng.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(value: str | None) -> str | None:
    """What a citizen typed ("abcd-efgh 23") as a stored code, or None when it cannot be one (never an error: no hints)."""
    text = _SEPARATORS.sub("", (value or "").strip()).upper()
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def display_code(code: str) -> str:
    """Grouped for reading aloud: ABCD-EFGH-JK."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def last_four(value: str | None) -> str | None:
    """The four digits a citizen gives to prove the request is theirs, or None when it is not four ASCII digits."""
    text = (value or "").strip()
    return text if len(text) == 4 and text.isascii() and text.isdigit() else None


def check_point(latitude: float | str | None, longitude: float | str | None) -> tuple[float, float] | None:
    """An optional map point: both coordinates or neither, as numbers within China's extent."""
    blank = [v is None or (isinstance(v, str) and not v.strip()) for v in (latitude, longitude)]
    if all(blank):
        return None
    if any(blank):
        raise ValidationFailed("地图坐标需同时填写纬度和经度，或都不填", field="latitude" if blank[0] else "longitude")
    try:
        lat, lon = float(str(latitude).strip()), float(str(longitude).strip())
    except ValueError:
        raise ValidationFailed("地图坐标应为数字（如 纬度 35.49，经度 112.85）", field="latitude") from None
    if lat != lat or lon != lon:  # NaN
        raise ValidationFailed("地图坐标应为数字（如 纬度 35.49，经度 112.85）", field="latitude")
    if not LATITUDE[0] <= lat <= LATITUDE[1]:
        raise ValidationFailed(f"纬度超出我国范围（{LATITUDE[0]}–{LATITUDE[1]}）", field="latitude")
    if not LONGITUDE[0] <= lon <= LONGITUDE[1]:
        raise ValidationFailed(f"经度超出我国范围（{LONGITUDE[0]}–{LONGITUDE[1]}）", field="longitude")
    return round(lat, 6), round(lon, 6)
