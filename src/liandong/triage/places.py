"""Detect the county-level division (县市区) named in a request from a table of place names."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from liandong.triage.text import literal_alternation

# Bare "城区" is too ambiguous ("老城区", "城区内") unless it opens an address.
_BARE_CITY_DISTRICT = re.compile(r"(?:^|[在是住于，,：:、])城区(?!内|里|外|范围|的路|周边|附近)")


@dataclass(frozen=True)
class Place:
    name: str
    division_code: str
    kind: str = "town"


class DivisionDetector:
    """Longest place name first, leftmost match wins."""

    def __init__(self, places: list[Place], *, city_code: str, city_district_code: str | None = None):
        self.city_code = city_code
        self.city_district_code = city_district_code
        self._by_name = {p.name: p for p in places if p.name and p.name != "城区"}
        self._pattern = re.compile(literal_alternation(self._by_name)) if self._by_name else None  # longest name first

    def mask(self, text: str) -> str:
        """The text with every place name blanked out (same length), so that a word inside a name ("下村镇",
        "教场街道") is not read as the matter."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: "\u3000" * len(m.group(0)), text)

    def detect(self, text: str) -> tuple[str, str | None]:
        """(division_code, matched place name or None); the city code when nothing is named."""
        best: tuple[int, Place] | None = None
        if self._pattern is not None:
            matches = list(self._pattern.finditer(text))
            if matches:
                first = matches[0]
                place = self._by_name[first.group(0)]
                end = first.end()
                # "泽州县巴公镇": a town right after its county is the more specific place.
                for following in matches[1:]:
                    nxt = self._by_name[following.group(0)]
                    if following.start() != end or nxt.division_code != place.division_code:
                        break
                    place = Place(text[first.start() : following.end()], place.division_code, nxt.kind)
                    end = following.end()
                best = (first.start(), place)
        if self.city_district_code:
            bare = _BARE_CITY_DISTRICT.search(text)
            if bare and (best is None or bare.start() < best[0]):
                return self.city_district_code, "城区"
        if best is None:
            return self.city_code, None
        return best[1].division_code, best[1].name


def read_places(path: Path) -> list[Place]:
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    return [
        Place(name=row["name"].strip(), division_code=row["division_code"].strip(), kind=(row.get("kind") or "town").strip())
        for row in reader
        if row.get("name")
    ]
