"""Which unit a citizen names as the one to act ("请住建部门督促物业", "希望交警来管一管", "需要在民政局登记吗").

A request that names a body says plainly whose job the writer takes it to be; the engine weighs it beside the
transfer list, the duties and the model (it is evidence, not a verdict: citizens sometimes name the wrong body).
The names are derived from the catalogue's unit names ("市住房和城乡建设局" → "住房和城乡建设局", "住房和城乡建设部门")
plus the standard short forms of Chinese government bodies (住建, 人社, 卫健, 市场监管 …), keyed by the core of the
name so that a renamed or added unit keeps what applies to it. Pure: standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from liandong.triage.text import literal_alternation

# Leading parts that do not name the body: the state grid / tax administration prefixes, the city, the level.
_AGENCY = r"(?:国家税务总局|国网)?"
# The kind of body at the end of a name.
_KIND = re.compile(r"(?:委员会|局|委|公司|中心|支队)$")
# A short form names a body only with an organisational word after it ("卫生部门", not "卫生条件").
ORG_SUFFIX = r"(?:主管部门|职能部门|管理部门|执法部门|部门|管理局|执法局|局|委员会|委|公司|管理中心|中心|执法大队|支队|大队|执法队|所|站|段|系统)"

# Standard short forms by the core of a unit's name (what citizens write); each needs ORG_SUFFIX unless listed in
# STANDALONE. Not fitted to any bank: these are the usual abbreviations of the bodies' official names.
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "住房和城乡建设": ("住建", "住房城乡建设", "住房和城乡建设", "房管"),
    "城市管理": ("城管", "城市管理", "城管执法"),
    "生态环境": ("生态环境", "环保", "环境保护"),
    "市场监督管理": ("市场监管", "市场监督管理", "工商", "质监", "食药监"),
    "人力资源和社会保障": ("人社", "人力资源和社会保障", "人力社保", "劳动监察", "劳动保障监察", "劳动保障", "劳动", "社保"),
    "医疗保障": ("医保", "医疗保障"),
    "卫生健康": ("卫健", "卫生健康", "卫生"),
    "教育": ("教育",),
    "交通运输": ("交通运输", "交通", "运管", "公路"),
    "公安": ("公安", "派出所", "交警", "治安"),
    "民政": ("民政", "救助管理", "救助"),
    "规划和自然资源": ("规划和自然资源", "自然资源", "规划", "国土", "林业", "不动产登记"),
    "水务": ("水务", "水利"),
    "供水": ("供水", "自来水"),
    "供电": ("供电", "电力"),
    "燃气": ("燃气", "煤气", "天然气"),
    "热力": ("热力", "供热", "供暖"),
    "农业农村": ("农业农村", "农业", "畜牧", "农经", "兽医"),
    "税务": ("税务",),
    "文化和旅游": ("文化和旅游", "文旅", "文化旅游", "旅游", "文物", "文化执法", "文化"),
    "应急管理": ("应急管理", "应急", "安监", "安全监管", "安全生产"),
    "消防救援": ("消防救援", "消防"),
    "行政审批服务管理": ("行政审批服务管理", "行政审批", "审批服务", "审批", "政务服务"),
    "司法": ("司法",),
    "邮政管理": ("邮政管理", "邮管"),
    "商务": ("商务",),
    "发展和改革": ("发展和改革", "发展改革", "发改", "价格主管", "物价"),
    "大数据应用": ("大数据应用", "大数据", "热线管理"),
    "住房公积金管理": ("住房公积金", "公积金"),
    "退役军人事务": ("退役军人事务", "退役军人"),
    "体育": ("体育",),
    "能源": ("能源",),
    "海关": ("海关",),
}
# Forms that are a body's name on their own ("派出所", "交警", "城管来管一管").
STANDALONE = frozenset({"城管", "交警", "派出所", "海关", "住建", "人社", "卫健委", "劳动监察", "运管", "发改委", "救助站", "司法所", "供电所", "兽医站", "自来水公司"})
# The local government (the 属地 placeholder): its bodies by their usual names.
LOCAL_NAMES = ("镇政府", "乡政府", "乡镇政府", "镇党委", "街道办事处", "街道办", "村委会", "居委会", "社区居委会", "村两委")
# Not the body that should act: it is denied, pretended, or only what someone said or did before.
_NOT_ACTOR_BEFORE = re.compile(r"(?:不是|并非|不归|不属于|冒充|假冒|自称是?|谎称是?|说是|以为是)[^，,。！？!?；;\n]{0,2}$")
# … or the body is quoted or reported on ("社区说要等住建", "城管来了一次，走了以后又恢复原样").
_NOT_ACTOR_AFTER = re.compile(r"(?:的人)?(?:说|讲|回复|答复|告诉|让我|叫我|推给|又说|称|表示|来过|来了一次|也来过)")


def _prefix(city_names: tuple[str, ...] = ()) -> re.Pattern:
    cities = "|".join(re.escape(c) for c in sorted(city_names, key=len, reverse=True) if c)
    return re.compile(f"^{_AGENCY}(?:{cities})?市?" if cities else f"^{_AGENCY}市?")


def core_of(name: str, city_names: tuple[str, ...] = ()) -> str:
    """The body's own name without city, level and kind: "市住房和城乡建设局" → "住房和城乡建设"."""
    core = _prefix(city_names).sub("", name or "")
    return _KIND.sub("", core) or core


# In a request sentence the body must be the one asked ("请…", "希望…", "由…", "需要在民政局登记吗"), not the
# subject of a story told there ("城管管得太严").
ASKED_BEFORE = re.compile(r"请|希望|要求|恳请|恳求|盼|望|呼吁|建议|麻烦|督促|责成|让|由|需要|应该|应当|能否|能不能|可否|是否|帮|找|向|去|到|给")


@dataclass
class UnitNames:
    """The names by which each unit may be mentioned, compiled into one pattern."""

    forms: dict[str, str] = field(default_factory=dict)  # written form → unit code
    pattern: re.Pattern | None = None

    @classmethod
    def from_units(cls, units, *, city_names: tuple[str, ...] = ()) -> "UnitNames":
        """`city_names`: how the city itself is written ("晋城市", "晋城"), stripped from the front of unit names."""
        prefix = _prefix(city_names)
        forms: dict[str, str] = {}
        for unit in units.values():
            name = unit.name or ""
            if "属地" in name or unit.code == "sd":
                for local in LOCAL_NAMES:
                    forms.setdefault(local, unit.code)
                continue
            core = core_of(name, city_names)
            kind = _KIND.search(prefix.sub("", name))
            if len(core) >= 2:
                forms.setdefault(prefix.sub("", name), unit.code)  # "住房和城乡建设局"
                if kind:
                    forms.setdefault(core + kind.group(0), unit.code)
            for short in SHORT_FORMS.get(core, (core,) if len(core) >= 2 else ()):
                forms.setdefault(f"{short}\0", unit.code)  # \0: an ORG_SUFFIX must follow
                if short in STANDALONE:
                    forms.setdefault(short, unit.code)
            for standalone in STANDALONE:  # compounds such as "卫健委", "司法所" of this unit's short forms
                if standalone not in forms and any(standalone.startswith(s) for s in SHORT_FORMS.get(core, ())):
                    forms[standalone] = unit.code
        index = cls(forms=forms)
        plain = sorted((f for f in forms if not f.endswith("\0")), key=len, reverse=True)
        suffixed = sorted((f[:-1] for f in forms if f.endswith("\0")), key=len, reverse=True)
        parts = []
        if suffixed:
            parts.append(f"(?P<short>{literal_alternation(suffixed)}){ORG_SUFFIX}")
        if plain:
            parts.append(f"(?P<plain>{literal_alternation(plain)})")
        # A look-ahead on the first characters lets the scan skip most positions at once (Python tries every
        # alternative at every position otherwise).
        firsts = "".join(sorted({f[0] for f in plain + suffixed}))
        index.pattern = re.compile(f"(?=[{re.escape(firsts)}])(?:{'|'.join(parts)})") if parts else None
        return index

    def unit_of(self, match: re.Match) -> str | None:
        groups = match.groupdict()
        if groups.get("plain"):
            return self.forms.get(groups["plain"])
        return self.forms.get(groups["short"] + "\0")

    def named(self, text: str, start: int = 0, end: int | None = None, *, asked: bool = False) -> dict[str, str]:
        """Units named in text[start:end] as bodies to act, with the words used (first mention per unit).
        `asked`: only where the clause before the name asks something of it (request sentences)."""
        if self.pattern is None:
            return {}
        found: dict[str, str] = {}
        for m in self.pattern.finditer(text, start, len(text) if end is None else end):
            if _NOT_ACTOR_BEFORE.search(text[max(0, m.start() - 8) : m.start()]) or _NOT_ACTOR_AFTER.match(text, m.end()):
                continue
            if asked:
                clause_start = max(text.rfind(stop, start, m.start()) for stop in "，,。！？!?；;\n") + 1
                if not ASKED_BEFORE.search(text, max(start, clause_start), m.start()):
                    continue
            unit = self.unit_of(m)
            if unit is not None:
                found.setdefault(unit, m.group(0))
        return found
