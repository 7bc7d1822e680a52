"""What a request is about and where, as keys hotspots and 融合研判 group on (pure; jieba is a segmenter).

Topic: a problem word from the packaged lexicon (`data/topics.toml`: 停水, 异味, 欠薪 …) found among the words jieba
segments the text into, else the triage category (level 3). Place: the named place in the text or address — a
community, village, street, road, market or site — without building numbers, qualified by the township (or county)
so that two 锦绣苑小区 in different towns stay apart.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

_CN = "\u4e00-\u9fff"
_SUFFIXES = "小区|社区|新村|花园|家园|家属院|大院|苑|大厦|广场|农贸市场|市场|公寓|新城|大道|路|街|巷|村|工地"
_NUMBER = r"[东西南北]?(?:\d+|[一二三四五六七八九十]+)(?:号楼|号院|栋|幢|号|单元|排)"
# The shortest run of characters ending in a place suffix, then a trailing 小区 / building number if any.
_CANDIDATE = re.compile(rf"[{_CN}A-Za-z0-9]{{1,8}}?(?:{_SUFFIXES})(?:小区|社区|家属院|{_NUMBER})*")
# Everything up to the last speech word, county, town or street office is not part of the named place.
_CUT = re.compile(r"^.*(?:反映|举报|投诉|咨询|建议|留言|称|在|位于|住|县|市(?!场)|(?<![小社])区|镇|乡|街道|于|与|的|了|是|：|:)")
_TRAILING_NUMBER = re.compile(rf"(?:{_NUMBER})+$")
_NOT_A_NAME = ("一", "某", "附近", "这个", "那个", "我们", "本", "该", "请求", "今年", "属于", "门口", "方便", "增设", "老旧")


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    words: tuple[str, ...]


@lru_cache(maxsize=1)
def topics() -> tuple[Topic, ...]:
    data = tomllib.loads((DATA_DIR / "topics.toml").read_text(encoding="utf-8"))
    return tuple(Topic(key=f"kw:{key}", label=item["label"], words=tuple(item["words"])) for key, item in data["topic"].items())


@lru_cache(maxsize=1)
def _word_index() -> dict[str, Topic]:
    index: dict[str, Topic] = {}
    for topic in topics():
        for word in topic.words:
            index.setdefault(word, topic)
    return index


@lru_cache(maxsize=1)
def _segmenter():
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    for word in _word_index():
        tokenizer.add_word(word, freq=200_000)
    return tokenizer


def topic_of(text: str, category_code: str | None = None) -> str | None:
    """The topic key: a lexicon problem word among the text's words, else the category (level 3), else None."""
    index = _word_index()
    if text:
        for word in _segmenter().cut(text):
            topic = index.get(word)
            if topic is not None:
                return topic.key
    if category_code and len(category_code) >= 7:
        return f"cat:{category_code}"
    return None


def topic_label(key: str | None, category_names: dict[str, str] | None = None) -> str:
    if not key:
        return "—"
    kind, _, value = key.partition(":")
    if kind == "kw":
        found = next((t for t in topics() if t.key == key), None)
        return found.label if found else value
    return (category_names or {}).get(value, value)


def named_place(text: str | None) -> str | None:
    """The community / village / road … a request names first ("锦绣苑小区"), without county, town or building number."""
    if not text:
        return None
    for match in _CANDIDATE.finditer(text):
        phrase = _TRAILING_NUMBER.sub("", _CUT.sub("", match.group(0)))
        if len(phrase) >= 3 and not phrase.startswith(_NOT_A_NAME) and "附近" not in phrase and "一条" not in phrase:
            return phrase
    return None


def place_key(text: str | None, *, town_code: str | None, division_code: str | None) -> tuple[str | None, str | None]:
    """(key, name): "140525102:锦绣苑小区" — the named place within its township (or county when the town is unknown);
    "140525102:" — the township itself when the text names no place in it; None when neither is known."""
    name = named_place(text)
    if name:
        where = town_code or division_code
        return (f"{where}:{name}"[:64], name) if where else (None, None)
    return (f"{town_code}:", None) if town_code else (None, None)


def signals_of(*, content: str, address: str | None, category_code: str | None, town_code: str | None, division_code: str | None) -> tuple[str | None, str | None]:
    """(topic_key, place_key) for one order (cached: many orders share their wording)."""
    return _signals(content, address, category_code, town_code, division_code)


@lru_cache(maxsize=100_000)
def _signals(content: str, address: str | None, category_code: str | None, town_code: str | None, division_code: str | None) -> tuple[str | None, str | None]:
    key, _ = place_key(" ".join(p for p in (address, content) if p), town_code=town_code, division_code=division_code)
    return topic_of(content, category_code), key
