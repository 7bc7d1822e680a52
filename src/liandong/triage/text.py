"""Pure text helpers for triage: normalisation and the context of a keyword hit (negated, past, hypothetical)."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACE = re.compile(r"\s+")
_CLAUSE_END = re.compile(r"[。！？!?；;\n]")
_MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

# A negation word must govern the hit closely ("没有人受伤", "未发现泄漏"); "没想到着火了" is not a negation.
_NEGATION = re.compile(
    r"(?:没有|没|无|未|并未|并没有|不是|并非|不存在|排除了?|未发现|没发现|没看到|没闻到|不再|已经没有|已无|不用|不需要)"
    r"(?P<gap>[^，,。！？!?；;\n]{0,3})$"
)
_NEGATION_FALSE = re.compile(r"(?:没想到|没办法|没人管|没人理|没多久|没一会|无缘无故|没过多久|不一会|没完没了)$")
# Something feared or avoided rather than happening ("万一着火", "担心会滑坡", "差点受伤").
_HYPOTHETICAL = re.compile(
    r"(?:万一|如果|要是|一旦|假如|假设|担心|怕|害怕|防止|预防|以防|防|避免|容易|可能会|会不会|隐患|差点|险些|差一点|"
    r"要是有|生怕|恐|培训|演练|宣传|知识|怎么预防|如何预防)[^，,。！？!?；;\n]{0,8}$"
)
_PAST = re.compile(
    r"(?:去年|前年|上个月|上月|上周|上星期|上礼拜|几年前|多年前|年前|个月前|以前|之前|曾经|那次|当年|过去|小时候|前几年|前段时间|"
    r"上次|\d{4}年|\d+月\d+[日号]|报过案|已经报案|已报案|立案了|案子|进展|处理结果|早就)"
)
_NOW = re.compile(
    r"(?:现在|正在|还在|仍在|此刻|眼下|刚刚|刚才|刚|马上|赶紧|立刻|快来|快点|救命|到现在|还没回|一直没回|至今没|"
    r"今天|今晚|今早|今天早上|这会儿|目前|快派|快救|着呢)"
)


def literal_alternation(words) -> str:
    """A pattern that matches exactly what `"|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))`
    matches, with the same preference, shaped as a trie: one branch per next character, so the regex engine
    tries a handful of characters at each position instead of every word. The literals that can match at one
    position are all prefixes of the same text, so both forms try them longest first (with the same fallbacks
    when what follows fails). Empty words are ignored."""
    trie: dict = {}
    for word in words:
        if word:
            node = trie
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if len(branches) == 1 and not end:
            return branches[0]
        body = "|".join(branches)
        if all(len(b) == 1 or (len(b) == 2 and b[0] == "\\") for b in branches):
            body = "[" + "".join(branches) + "]" if len(branches) > 1 else body  # single characters: one set
            return body + ("?" if end else "")
        return f"(?:{body})" + ("?" if end else "")

    return emit(trie) if trie else "(?!)"


@functools.cache
def nfkc_tables() -> tuple[dict[str, str], re.Pattern]:
    """(the NFKC form of every BMP character it changes, a pattern finding the characters that need the full
    algorithm). A character is simple when its compatibility decomposition holds only starters (combining class
    0) that never compose with a preceding character: a text of simple characters then neither reorders nor
    composes, so its NFKC form is its characters' NFKC forms side by side. Characters
    that may compose with a preceding one are the second halves of canonical decompositions and the Hangul
    vowels and finals; characters outside the BMP always take the full path."""
    seconds = {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11A8, 0x11C3)}
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(chr(int(parts[1], 16)))
    table: dict[int, str] = {}
    hard: list[str] = []
    for code in range(0x10000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            hard.append(ch)
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        if any(unicodedata.combining(x) or x in seconds for x in decomposed):
            hard.append(ch)
            continue
        nfkc = unicodedata.normalize("NFKC", ch)
        if nfkc != ch:
            table[code] = nfkc
    # Replaced one kind of character after another (below), an output must hold nothing that is replaced itself.
    for code, out in list(table.items()):
        if any(ord(x) in table for x in out):
            del table[code]
            hard.append(chr(code))
    hard.sort()
    ranges = []
    for ch in hard:  # contiguous runs as ranges keep the character class small
        if ranges and ord(ch) == ord(ranges[-1][1]) + 1:
            ranges[-1][1] = ch
        else:
            ranges.append([ch, ch])
    body = "".join(re.escape(a) if a == b else f"{re.escape(a)}-{re.escape(b)}" for a, b in ranges)
    return {chr(code): out for code, out in table.items()}, re.compile(f"[{body}\U00010000-\U0010FFFF]")


_COMMON_WIDE = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，！？：；（）")


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, character by character (a table) when no character of the text
    needs the full algorithm."""
    if text.isascii():
        return text  # ASCII is NFKC already
    # The full-width punctuation of almost every Chinese message first (each maps to one ASCII character, so the
    # NFKC of the result is the NFKC of the text); most texts are NFKC then, which a C-level check tells.
    for wide, narrow in _COMMON_WIDE:
        text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text
    table, hard = nfkc_tables()
    if hard.search(text) is None:
        for ch in table.keys() & set(text):  # the few kinds of characters that change (full-width punctuation …)
            text = text.replace(ch, table[ch])
        return text
    return unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """NFKC (full-width letters/digits to half-width), collapse blanks, strip."""
    return _SPACE.sub(" ", nfkc(text or "")).strip()


class TypoFixer:
    """Replace known slips ("电题" → "电梯") in one pass; longest wrong form first."""

    def __init__(self, pairs: dict[str, str]):
        self.pairs = {w: r for w, r in pairs.items() if w and w != r}
        self._pattern = re.compile(literal_alternation(self.pairs)) if self.pairs else None  # longest wrong form first

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.pairs[m.group(0)], text)


def is_meaningful(text: str) -> bool:
    """At least two letters, digits or Han characters outside brackets-only notes."""
    first = _MEANINGFUL.search(text)
    return first is not None and _MEANINGFUL.search(text, first.end()) is not None


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (split on 。！？；) that contains text[start:end]."""
    left = start
    while left > 0 and not _CLAUSE_END.match(text[left - 1]):
        left -= 1
    right = end
    while right < len(text) and not _CLAUSE_END.match(text[right]):
        right += 1
    return left, right


def is_negated(text: str, start: int) -> bool:
    """True when a negation word governs the hit starting at `start` (within the same clause)."""
    if start > 0 and text[start - 1] == "不":
        return True  # "打不着火", "不漏气"
    window = text[max(0, start - 8) : start]
    if _NEGATION_FALSE.search(window):
        return False
    match = _NEGATION.search(window)
    if not match:
        return False
    head = window[: match.start()]
    # "有没有人受伤" and "是不是羊水破了" ask rather than deny (the A-not-A question names what may be happening).
    if head.endswith("有") or (head.endswith("是") and window.startswith("不是", match.start())):
        return False
    return True


# Absence, not denial: "没有信号灯", "无消防设施", "缺少路灯" name the very thing a service request is about.
_ABSENCE = re.compile(r"(?:没有|没得|无|缺少|缺乏|缺)(?:任何|一个|一盏|一根|一处|专门的?)?$")


# "这不是垄断吗", "难道不是乱收费吗": a rhetorical question asserts what it seems to deny.
_RHETORICAL_BEFORE = re.compile(r"(?:不是|不就是|难道不是)[^，,。！？!?；;\n]{0,3}$")
_RHETORICAL_AFTER = re.compile(r"[^，,。！？!?；;\n]{0,8}(?:吗|嘛|么)")


def is_rhetorical(text: str, start: int, end: int) -> bool:
    """The hit is what a rhetorical "不是……吗" question asserts."""
    return bool(_RHETORICAL_BEFORE.search(text[max(0, start - 6) : start]) and _RHETORICAL_AFTER.match(text, end))


def is_absence(text: str, start: int) -> bool:
    """The word before the hit says the thing is missing (a request for it), not that it is not the case."""
    return bool(_ABSENCE.search(text[max(0, start - 8) : start])) and not text[max(0, start - 1) : start] == "不"


def is_hypothetical(text: str, start: int) -> bool:
    window = text[max(0, start - 12) : start]
    window = re.split(r"[，,。！？!?；;\n]", window)[-1]
    return bool(_HYPOTHETICAL.search(window))


# The caller follows up a case the police already have ("报过案", "派出所立案了"): past, whatever "到现在" says.
_FOLLOW_UP = re.compile(r"报过案|已经报案|已报案|报了案|立案了|已立案|案子|案件进展|有没有进展|处理结果|破案")


def is_past(text: str, start: int, end: int) -> bool:
    """The hit sits in a sentence about the past with nothing saying it is still going on."""
    if _FOLLOW_UP.search(text) and not re.search(r"正在|还在|刚刚|刚才|快来|救命", text):
        return True
    left, right = clause_bounds(text, start, end)
    sentence = text[left:right]
    if _NOW.search(sentence):
        return False
    if _PAST.search(sentence):
        return True
    # A past marker earlier in the text and no present-tense marker anywhere.
    return bool(_PAST.search(text[:start])) and not _NOW.search(text)
