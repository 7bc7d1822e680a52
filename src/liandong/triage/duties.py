"""The units' duties text as routing evidence: which unit's duties name what a request is about.

A unit row with its duties is all it takes: a stand-in ("interim") transfer-list item moves to the unit
whose duties name its topic, and a request that names a duty is routed there even when the model has
never seen that unit. Pure: standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from liandong.triage.text import literal_alternation

_SPLIT = re.compile(r"[、，,；;（）()和与及或/\s]+|等")
# Words too general to tell units apart.
_GENERIC = {
    "管理", "服务", "事项", "问题", "工作", "相关", "其他", "非紧急", "类", "事务", "处置", "属地处置", "监督", "投诉", "咨询", "建设",
    "无明确主管部门事项的属地处置", "市政设施", "非火警", "自身",
}
_STRIP = re.compile(r"(?:管理|服务|事项|问题|工作|监管|建设|保护|审批|登记|类)$")


@dataclass(frozen=True)
class DutyMatch:
    unit: str
    score: float
    terms: tuple[str, ...] = ()


@dataclass
class DutyIndex:
    """Duty phrases per unit, with the shorter core of each ("文物保护" → "文物")."""

    units: dict[str, str]
    terms: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_units(cls, units) -> "DutyIndex":
        index = cls(units={u.code: u.name for u in units.values()})
        for unit in units.values():
            for phrase in _SPLIT.split(unit.duties or ""):
                phrase = phrase.strip()
                for term in {phrase, _STRIP.sub("", phrase)}:
                    if len(term) >= 2 and term not in _GENERIC and not term.isdigit():
                        index.terms.setdefault(term, set()).add(unit.code)
        index._pattern = re.compile(literal_alternation(index.terms)) if index.terms else None  # longest term first
        return index

    def owner(self, words: tuple[str, ...] | list[str], *, besides: str | None = None) -> tuple[str, str] | None:
        """The unit (other than `besides`) whose duties name one of `words`, with the duty term: how an interim item finds its unit."""
        best: tuple[int, str, str] | None = None
        for term, owners in self.terms.items():
            for word in words:
                if word and (word in term or (len(term) >= 2 and term in word)):
                    for unit in owners:
                        if unit != besides:
                            candidate = (len(term) + len(word), unit, term)
                            if best is None or candidate > best:
                                best = candidate
        return (best[1], best[2]) if best else None

    def match(self, text: str) -> dict[str, DutyMatch]:
        """Units whose duty terms occur in `text`; the score favours long, specific terms and terms few units share."""
        if getattr(self, "_pattern", None) is None:
            return {}
        found: dict[str, list[str]] = {}
        for m in self._pattern.finditer(text):
            for unit in sorted(self.terms[m.group(0)]):  # sorted: the same order in every process
                found.setdefault(unit, []).append(m.group(0))
        result = {}
        for unit, terms in found.items():
            distinct = sorted(dict.fromkeys(terms), key=len, reverse=True)  # longest first, then as they occur
            score = sum(min(len(t), 4) / 4 / len(self.terms[t]) for t in distinct)
            result[unit] = DutyMatch(unit, round(score, 3), tuple(distinct[:3]))
        return result
