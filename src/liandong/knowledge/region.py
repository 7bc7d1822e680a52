"""Which city (or the province) a document comes from, read from its issuer, title and text. Pure.

A gazette document names its issuer ("晋城市人民政府办公室"); a newspaper article names a city or a county
in its headline ("盂县全力筑牢…") or speaks of "我省 / 全省" (a provincial story) or of one city many times.
A local article that only says "我市" takes the city the rest of its page names (see `detect_sources`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.tsv"

# How a provincial story speaks of the province without naming it.
_PROVINCE_WORDS_RE = re.compile(r"我省|全省|省委|省政府|省公安厅|省商务厅|省发展改革委|省人民政府")
_LOCAL_WORDS_RE = re.compile(r"我市|全市|市委|市政府")


@dataclass(frozen=True)
class Region:
    code: str
    name: str  # 晋城市
    short: str  # 晋城
    level: str  # province / city
    prefixes: tuple[str, ...] = ()  # document-number prefixes (晋市政办〔…〕)
    counties: tuple[str, ...] = ()

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


@dataclass(frozen=True)
class Regions:
    items: tuple[Region, ...]

    def get(self, code: str | None) -> Region | None:
        return next((region for region in self.items if region.code == code), None)

    @property
    def cities(self) -> tuple[Region, ...]:
        return tuple(region for region in self.items if region.level == "city")

    @property
    def province(self) -> Region | None:
        return next((region for region in self.items if region.level == "province"), None)


def load_regions(path: Path | None = None) -> Regions:
    items = []
    for line in (path or DATA_FILE).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = (line.split("\t") + [""] * 5)[:5]
        code, name, short, prefixes, counties = (part.strip() for part in parts)
        items.append(
            Region(
                code=code,
                name=name,
                short=short or name,
                level="province" if code.endswith("0000") else "city",
                prefixes=tuple(p for p in prefixes.split("|") if p),
                counties=tuple(c for c in counties.split("|") if c),
            )
        )
    return Regions(tuple(items))


@lru_cache(maxsize=1)
def default_regions() -> Regions:
    return load_regions()


def _mentions(text: str, region: Region) -> int:
    count = text.count(region.short)
    for county in region.counties:
        count += text.count(county)
    return count


def _named_in(text: str, regions: Regions) -> Region | None:
    """The city named first in a short text (an issuer or a title), else the province when it is named."""
    best: tuple[int, Region] | None = None
    for region in regions.cities:
        for name in (region.short, *region.counties):
            position = text.find(name)
            if position >= 0 and (best is None or position < best[0]):
                best = (position, region)
    if best is not None:
        return best[1]
    province = regions.province
    if province is not None and (province.short in text or _PROVINCE_WORDS_RE.search(text)):
        return province
    return None


def detect_region(
    *, issuer: str | None, title: str, text: str, doc_number: str | None = None, regions: Regions | None = None
) -> Region | None:
    """The region of one document: issuer, then title, then the document number, then the text's mentions."""
    regions = regions or default_regions()
    for short_text in (issuer or "", title or ""):
        found = _named_in(short_text, regions)
        if found is not None:
            return found
    if doc_number:
        by_prefix = [
            (len(prefix), region)
            for region in regions.items
            for prefix in region.prefixes
            if doc_number.startswith(prefix)
        ]
        if by_prefix:
            return max(by_prefix, key=lambda pair: pair[0])[1]
    counts = Counter({region.code: _mentions(text, region) for region in regions.cities})
    province = regions.province
    province_count = (text.count(province.short) if province else 0) + len(_PROVINCE_WORDS_RE.findall(text))
    code, top = counts.most_common(1)[0] if counts else ("", 0)
    if top >= 2 and top >= province_count:
        return regions.get(code)
    if province is not None and province_count >= max(top, 1):
        return province
    if top >= 1:
        return regions.get(code)
    return None


def detect_sources(documents: list[dict], regions: Regions | None = None) -> list[Region | None]:
    """Regions of all documents of one source (a gazette issue or a newspaper page).

    An article that names no place but speaks of "我市" belongs to the city the page's other articles name,
    when they name only one.
    """
    regions = regions or default_regions()
    found = [
        detect_region(
            issuer=d.get("issuer"), title=d.get("title") or "", text=d.get("text") or "", doc_number=d.get("doc_number"), regions=regions
        )
        for d in documents
    ]
    cities = {region.code for region in found if region is not None and region.level == "city"}
    if len(cities) == 1:
        page_city = regions.get(next(iter(cities)))
        for position, d in enumerate(documents):
            if found[position] is None and _LOCAL_WORDS_RE.search(d.get("text") or ""):
                found[position] = page_city
    return found


def scope(region_code: str | None, own_city_code: str) -> str:
    """own (the instance's city), province (its province: applies here too), other (another city), unknown."""
    if not region_code:
        return "unknown"
    if region_code == own_city_code:
        return "own"
    if region_code == own_city_code[:2] + "0000":
        return "province"
    return "other"


def cities_named(question: str, regions: Regions | None = None) -> set[str]:
    """Codes of the cities a question names ("阳泉的学校食堂…" → 阳泉市), counties included."""
    regions = regions or default_regions()
    return {region.code for region in regions.cities if _mentions(question, region) > 0}
