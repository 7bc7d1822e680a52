"""Keep personal data out of reports (pure): numbers that could be a phone or an ID, and how callers are named."""

from __future__ import annotations

import re

_LONG_NUMBER = re.compile(r"\d[\d\- ]{5,}\d")
_ID_CARD = re.compile(r"\d{17}[\dXx]")
# 王女士, 李先生, 张师傅, 刘大爷 … and 来电人张三 style names right after the speaker word.
_TITLE = re.compile(r"[\u4e00-\u9fff](?:女士|先生|师傅|大爷|大妈|阿姨|老师)")
_NAMED_CALLER = re.compile(r"(来电人|市民|网友|居民)[\u4e00-\u9fff]{2,3}(?=称|反映|说|表示|来电)")


def scrub(text: str | None) -> str:
    if not text:
        return ""
    out = _ID_CARD.sub("＊", text)
    out = _LONG_NUMBER.sub("＊", out)
    out = _TITLE.sub("＊", out)
    out = _NAMED_CALLER.sub(r"\1", out)
    return out
