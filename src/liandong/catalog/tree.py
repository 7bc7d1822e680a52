"""The dispatch tree as plain values: who may dispatch to whom (派单范围), and where a duty goes by default.

Pure. The city 12345 centre dispatches to city bureaus and to county sub-centres; a county sub-centre
re-dispatches to its own county's bureaus, government and townships (二级派单). A duty that the city hands
down to the county once the county is known (属地管理) goes to that county's sub-centre, with the local
counterpart of the city bureau suggested for the second level; a duty that stays with the city stays there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from liandong.core.errors import NotFound, ValidationFailed

CITY_CENTRE = None  # the level code of the city 12345 centre (a hop "sent by" nobody below it)
CITY_CENTRE_NAME = "市12345热线中心"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str = "city"
    kind: str = "bureau"
    division_code: str = ""
    parent_code: str | None = None
    counterpart_code: str | None = None
    routing: str | None = None
    active: bool = True
    duties: str = ""

    @property
    def dispatchable(self) -> bool:
        return self.active and self.kind != "placeholder"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # city / county / town
    parent_code: str | None = None


@dataclass(frozen=True)
class Route:
    """A default dispatch: the first hop, and for a county sub-centre the unit suggested for its second hop."""

    first: str
    second: str | None
    reason: str


class UnitTree:
    def __init__(self, units: Iterable[Unit], divisions: Iterable[Division] = ()):
        self.units = {u.code: u for u in units}
        self.divisions = {d.code: d for d in divisions}
        self._sub_centres = {u.division_code: u for u in self.units.values() if u.kind == "sub_centre" and u.active}
        self._children: dict[str | None, list[Unit]] = {}
        for unit in self.units.values():
            self._children.setdefault(unit.parent_code, []).append(unit)
        for children in self._children.values():
            children.sort(key=lambda u: (u.kind != "bureau", u.kind != "government", u.code))

    def get(self, code: str | None) -> Unit | None:
        return self.units.get(code) if code else None

    def require(self, code: str) -> Unit:
        unit = self.units.get(code)
        if unit is None or not unit.active:
            raise NotFound(f"承办单位代码不存在：{code}", field="to")
        return unit

    def name(self, code: str | None) -> str:
        if code is None:
            return CITY_CENTRE_NAME
        unit = self.units.get(code)
        return unit.name if unit else code

    # ------------------------------------------------------------ levels

    def sub_centre_of(self, division_code: str | None) -> Unit | None:
        county = self.county_of(division_code)
        return self._sub_centres.get(county) if county else None

    def county_of(self, division_code: str | None) -> str | None:
        """The county-level division of a division (a town's parent), or None for the city itself."""
        division = self.divisions.get(division_code or "")
        if division is None:
            return None
        if division.level == "town":
            return division.parent_code
        return division.code if division.level == "county" else None

    def unit_county(self, unit: Unit) -> str | None:
        return self.county_of(unit.division_code)

    def reach(self, level: str | None) -> list[Unit]:
        """The units one level may dispatch to: the city centre (None) or a county sub-centre (its code)."""
        if level is CITY_CENTRE:
            city = [u for u in self.units.values() if u.level == "city" and u.kind not in ("sub_centre",) and u.dispatchable]
            return sorted(city, key=lambda u: u.code) + sorted(self._sub_centres.values(), key=lambda u: u.division_code)
        return [u for u in self._children.get(level, []) if u.dispatchable]

    def check_reach(self, level: str | None, code: str, *, field: str = "to") -> Unit:
        unit = self.require(code)
        if unit in self.reach(level):
            return unit
        if level is CITY_CENTRE:
            raise ValidationFailed(
                f"「{unit.name}」不在市级派单范围内：市 12345 只能派往市直部门或县（市、区）12345 分中心，县级部门和乡镇（街道）由分中心二级派单",
                field=field,
            )
        owner = self.units.get(level)
        county = owner.name.split("12345")[0] if owner else "本县（市、区）"
        raise ValidationFailed(f"「{unit.name}」不在{county}的派单范围内：分中心只能派往本县（市、区）的部门、政府和乡镇（街道）", field=field)

    # ------------------------------------------------------------ default routing

    def town_in(self, text: str, county: str | None) -> Division | None:
        """The township (乡镇/街道) named in a text, within one county when it is known; the longest name wins."""
        best: Division | None = None
        for division in self.divisions.values():
            if division.level != "town" or (county and division.parent_code != county):
                continue
            names = [division.name]
            short = division.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
            if len(short) >= 2 and short != division.name:
                names.append(short + ("街道" if division.name.endswith("街道") else ""))
            if any(n and n in text for n in names) and (best is None or len(division.name) > len(best.name)):
                best = division
        return best

    def township_for(self, town_code: str | None) -> Unit | None:
        if not town_code:
            return None
        return next((u for u in self.units.values() if u.level == "township" and u.division_code == town_code and u.dispatchable), None)

    def local_counterpart(self, city_code: str, county: str) -> Unit | None:
        sub = self._sub_centres.get(county)
        if sub is None:
            return None
        return next((u for u in self._children.get(sub.code, []) if u.counterpart_code == city_code and u.dispatchable), None)

    def county_government(self, county: str) -> Unit | None:
        sub = self._sub_centres.get(county)
        if sub is None:
            return None
        return next((u for u in self._children.get(sub.code, []) if u.kind == "government" and u.dispatchable), None)

    def route(self, unit_code: str | None, division_code: str | None, *, town_code: str | None = None) -> Route | None:
        """Where the city centre should send a request whose duty (a city unit) and place are known."""
        unit = self.get(unit_code)
        if unit is None:
            return None
        county = self.county_of(town_code) or self.county_of(division_code)
        local = unit.kind == "placeholder" or unit.routing == "county"
        if not local or county is None:
            if unit.dispatchable and unit.level == "city":
                return Route(unit.code, None, f"职责在市级：{unit.name}")
            return None
        sub = self._sub_centres.get(county)
        if sub is None:
            return Route(unit.code, None, f"{self.divisions[county].name}未设 12345 分中心，由{unit.name}办理") if unit.dispatchable else None
        county_name = self.divisions[county].name
        if unit.kind == "placeholder":
            town = self.township_for(town_code)
            second = town or self.county_government(county)
            detail = f"属地{town.name}" if town else f"属地不明确由{county_name}政府兜底"
            return Route(sub.code, second.code if second else None, f"属地事项，派{county_name}分中心（{detail}）")
        counterpart = self.local_counterpart(unit.code, county)
        if counterpart is None:
            town = self.township_for(town_code)
            counterpart = town or self.county_government(county)
        return Route(sub.code, counterpart.code if counterpart else None, f"{unit.name}职责属地办理，派{county_name}分中心")
