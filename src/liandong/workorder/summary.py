"""What an order says in a few words: the address in the text, a title built from place and topic, the reply check.

Pure (jieba is a word segmenter, not infrastructure). A title is assembled from whole words — a place
("巴公镇锦绣小区") and the topic ("夜间装修噪音") — and is never a cut in the middle of a word.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_TITLE = 30

_CN = "\u4e00-\u9fff"
# 县/市/区 → 镇/乡/街道 → a named place (小区, 村, 路 …) with an optional building number.
_ADDRESS = re.compile(
    rf"(?:[{_CN}]{{2,5}}(?:县|市|区)(?![{_CN}]{{0,1}}(?:政府|部门|领导)))?"
    rf"(?:[{_CN}]{{2,5}}(?:镇|乡|街道)(?![{_CN}]{{0,1}}政府))?"
    # the named place itself never runs across a county or town name ("…泽州县南村镇" is not a 村)
    rf"(?![一某这那每])(?:(?![县镇乡的了在是和与及]|街道)[{_CN}A-Za-z0-9]){{2,12}}?(?:小区|社区|村|花园|家园|苑|大厦|广场|市场|公寓|新村|新城|路|街|大道|巷|工地|学校|小学|中学|医院|卫生院|公园)(?:小区|社区|家属院)?"
    rf"(?:[东西南北]?(?:\d+|[一二三四五六七八九十]+)(?:号楼|号院|栋|幢|号|单元|排))*"
)
_TOWN = re.compile(rf"[{_CN}]{{2,5}}(?:镇|乡|街道)")
_LEADING_NOISE = re.compile(
    r"^(?:来电人|来电|市民|网友|群众|居民|留言|反映|称|表示|投诉|举报|咨询|您好|你好|我是|我们|我家|俺们|俺|家住|住在|位于|在|[:：，,])+"
)
# A county name in front of a town ("泽州县巴公镇" → "巴公镇").
_COUNTY_PREFIX = re.compile(rf"^[{_CN}]{{1,4}}(?:县|市|区)(?=[{_CN}]{{2,}}(?:镇|乡|街道))")
_SPEECH = re.compile(r"反映|投诉|举报|表示|称|位于|住在|居住在|家住|我是|我在|在")
_STOP = frozenset(
    "来电人 来电 市民 网友 反映 表示 称 要求 希望 请求 恳请 建议 请 帮忙 尽快 处理 解决 相关 部门 有关 政府 领导 问题 情况 "
    "现在 目前 已经 一直 多次 非常 特别 严重 影响 我们 我家 自己 他们 这个 那个 没有 不能 可以 需要 是否 怎么 如何 什么 "
    "留言 家住 谢谢 你好 您好 麻烦 一下 时候 今天 昨天 每天 经常 还是 但是 因为 所以 就是 以及 进行 给予 予以 督促 整改 协调".split()
)
_REQUEST_CUE = re.compile(r"反映|投诉|举报|咨询|求助|建议|请求|要求|希望|请|问")


def find_address(text: str | None) -> str | None:
    """The most specific address-like phrase in a text ("泽州县巴公镇锦绣小区3号楼"), or None."""
    if not text:
        return None
    best = ""
    for match in _ADDRESS.finditer(text):
        # What precedes a "反映/称/位于/住在" is the speaker, not the place.
        phrase = _SPEECH.split(match.group(0))[-1]
        phrase = _LEADING_NOISE.sub("", phrase)
        if len(phrase) >= 4 and len(phrase) > len(best):
            best = phrase
    return best or None


@lru_cache(maxsize=1)
def _tagger():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg


# Parts of speech that carry what a request is about, and how much (jieba's tag set).
_POS_WEIGHT = {"n": 3.0, "nz": 3.0, "vn": 2.5, "ng": 2.0, "v": 2.0, "t": 1.5, "an": 1.5, "a": 0.5}


def _request_sentence(text: str) -> str:
    sentences = [s for s in re.split(r"[。！？!?\n；;]", text) if s.strip()]
    for sentence in sentences:
        if _REQUEST_CUE.search(sentence) and len(sentence) >= 6:
            return sentence
    return sentences[0] if sentences else text


def topic_words(text: str, *, exclude: str | tuple[str, ...] = "", limit: int = 3) -> list[str]:
    """The words that say what the request is about, in the order they appear (from its first substantive clause)."""
    sentence = _LEADING_NOISE.sub("", _request_sentence(text).strip())
    places = (exclude,) if isinstance(exclude, str) else exclude
    for place in sorted((p for p in places if p), key=len, reverse=True):
        sentence = sentence.replace(place, "，")
    exclude = "".join(places)
    tagger = _tagger()
    # The first clause that says at least two things, else the first that says one (clauses after the chosen one
    # are not tagged: tagging is most of a title's cost).
    chosen, first = None, None
    for clause in re.split(r"[，,、：:]", sentence):
        scored = [
            (position, word.word, _POS_WEIGHT[word.flag] + min(len(word.word), 4) * 0.1)
            for position, word in enumerate(tagger.cut(clause))
            if word.flag in _POS_WEIGHT and len(word.word) >= 2 and word.word not in _STOP and word.word not in exclude and not _TOWN.fullmatch(word.word)
        ]
        if len(scored) >= 2:
            chosen = scored
            break
        if scored and first is None:
            first = scored
    chosen = chosen or first or []
    best = sorted(chosen, key=lambda item: -item[2])[:limit]
    return [word for _, word, _ in sorted(best)]


def title_for(content: str, *, place: str | None = None, address: str | None = None, topic: str | None = None) -> str:
    """"巴公镇锦绣小区夜间装修噪音": the place and the topic, never a mid-word cut, at most MAX_TITLE characters."""
    town = place or (_TOWN.search(content).group(0) if _TOWN.search(content) else None)
    if town:
        town = _COUNTY_PREFIX.sub("", _SPEECH.split(town)[-1])
    full = address or find_address(content) or ""
    where = _short_place(full, town if town and len(town) >= 3 else None)
    words = topic_words(content, exclude=(full, where, town or ""))
    what = "".join(words) or (topic or "")
    if not what:
        # Nothing salient: the first clause, cut at a word boundary.
        what = _whole_words(re.split(r"[，,。！？!?\n]", content.strip(), maxsplit=1)[0], MAX_TITLE)
    title = where + what
    if len(title) > MAX_TITLE:
        title = (where if len(where) <= MAX_TITLE // 2 else "") + _whole_words(what, MAX_TITLE - (len(where) if len(where) <= MAX_TITLE // 2 else 0))
    return title or _whole_words(content.strip(), MAX_TITLE)


def _short_place(address: str, town: str | None) -> str:
    """The town and the named place, without the county ("泽州县巴公镇锦绣小区3号楼" → "巴公镇锦绣小区")."""
    text = _COUNTY_PREFIX.sub("", address)
    text = re.sub(r"(?:[东西南北]?(?:\d+|[一二三四五六七八九十]+)(?:号楼|号院|栋|幢|号|单元|排))+$", "", text)
    if town:
        short_town = town.removesuffix("人民政府").removesuffix("办事处")
        if short_town and short_town not in text:
            text = short_town + text
    return text[:16]


def _whole_words(text: str, limit: int) -> str:
    import jieba

    out = ""
    for word in jieba.cut(text):
        if len(out) + len(word) > limit:
            break
        out += word
    return out


def reply_findings(request_text: str, reply_text: str, *, result: str | None = None) -> list[dict]:
    """The automatic reply check shown to the 12345 reviewer (see workorder.reply_check)."""
    from liandong.workorder.reply_check import check_reply

    return check_reply(request_text, reply_text, result=result).to_dict()["findings"]
