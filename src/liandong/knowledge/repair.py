"""Repair text extracted from PDF gazettes and newspaper pages, line by line, without inventing text.

The extraction artifacts handled here (each has a unit test):

- hard wraps mid-word at column width and blank lines inside sentences (``join_paragraphs``);
- characters doubled by bold fonts, "（（一一））指导思想指导思想" (``undouble_bold``);
- letter-spaced lines, "童 家 庭 走 访" (``collapse_spacing``);
- running headers, footers and page numbers, "—— 3", "晋城市人民政府公报3 / 2023" (``is_page_furniture``);
- mixed full-width and ASCII punctuation (``normalize_punctuation``);
- markdown residue, "## 标题", "**本报讯**", "- 1.清单" (``strip_markdown``).

Inserted notices and headlines printed after their article are structural; ``split`` handles them
using the line records produced here, which keep their source line numbers so passages can cite them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2014\u2026\u2018\u2019\u201c\u201d\u00b7\u2022"
_CJK_OR_PUNCT = f"[{CJK}{CJK_PUNCT}]"

TERMINAL = "。！？；：…"
# A line ending in one of these may still continue (a closing quote after a full stop ends the sentence).
_SENTENCE_END_RE = re.compile(r"[。！？；：…]['’”」』）)]*$")

_FOOTER_RES = (
    re.compile(r"^[—\-－–]{1,3}\s*\d{1,3}\s*[—\-－–]{0,3}$"),  # "—— 3", "- 12 -"
    re.compile(r"^.{0,20}公报\s*\d{1,2}\s*/\s*\d{4}.*$"),  # "晋城市人民政府公报3 / 2023 •市政府文件 •"
    re.compile(r"^\d{4}\s*年第\s*\d+\s*期.{0,6}$"),
    re.compile(r"^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$"),
    re.compile(r"^\d{1,3}$"),  # a lone page or row number
)

_HEADING_START_RE = re.compile(
    r"^(第[一二三四五六七八九十百零]+[章节条部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|"
    r"\d{1,2}[．.、](?!\d)|附件|[①-⑳]|本报讯|主要目标|策略措施)"
)
# Of those, the ones that may stand alone as a heading line (a "本报讯" line is the start of a paragraph).
_HEADING_LINE_RE = re.compile(
    r"^(第[一二三四五六七八九十百零]+[章节条部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|"
    r"\d{1,2}[．.、](?!\d)|附件|[①-⑳])"
)


# Sign-off lines of a notice stand alone: "2023年4月27日", "（此件公开发布）".
_BOUNDARY_RE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日(印发)?|（此件.{2,8}）)$")


@dataclass
class Line:
    """One cleaned line with the 1-based line number it came from and whether it opened a PDF page."""

    text: str
    number: int
    page_start: bool = False
    standalone: bool = False  # a relocated title: never joined to its neighbours


def normalize_width(text: str) -> str:
    """Full-width ASCII letters and digits become ASCII; CJK punctuation is left alone."""
    out = []
    for char in text:
        code = ord(char)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(unicodedata.normalize("NFKC", char))
        elif char == "\u00a0":
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


_ASCII_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def normalize_punctuation(text: str) -> str:
    """ASCII punctuation written inside Chinese text becomes full-width, so one form is indexed and shown."""
    text = re.sub(
        rf"(?<=[{CJK}）》”])\s*([,;:?!])|([,;:?!])(?=\s*[{CJK}（《“])",
        lambda m: _ASCII_TO_FULL[m.group(1) or m.group(2)],
        text,
    )
    # Parentheses: "(此件公开发布)" and "(2023—2025 年)" become full-width when they enclose or touch Chinese.
    text = re.sub(
        r"\(([^()]{0,80})\)",
        lambda m: f"（{m.group(1)}）"
        if re.search(f"[{CJK}]", m.group(1)) or re.fullmatch(r"[\d\s—\-–]+", m.group(1))
        else m.group(0),
        text,
    )
    text = re.sub(rf"(?<=[{CJK}])\((?=[{CJK}\d])", "（", text)
    text = re.sub(rf"(?<=[{CJK}\d])\)(?=[{CJK}，。、；])", "）", text)
    # Doubled full-width punctuation only ever comes from bold overprint.
    text = re.sub(r"([。，、；：！？])\1+", r"\1", text)
    return text


_SPACE_RE = re.compile(rf"(?<={_CJK_OR_PUNCT})[ \t\u3000]+|[ \t\u3000]+(?={_CJK_OR_PUNCT})")


def collapse_spacing(text: str) -> str:
    """Remove spaces that touch Chinese: letter-spaced lines, "2023年 4月", "20 万"; keep "REITs 基金"-free ASCII spacing."""
    return _SPACE_RE.sub("", text)


_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BULLET_RE = re.compile(r"^\s{0,3}[-*+]\s+")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1")


def markdown_level(text: str) -> int:
    """The heading level of a markdown heading line, else 0."""
    match = re.match(r"^\s{0,3}(#{1,6})\s+\S", text)
    return len(match.group(1)) if match else 0


def strip_markdown(text: str) -> str:
    text = _MD_HEADING_RE.sub("", text)
    text = _MD_BULLET_RE.sub("", text)
    text = _MD_EMPHASIS_RE.sub(r"\2", text)
    text = text.replace("**", "")
    if re.fullmatch(r"\s*[-=|:]{3,}\s*", text):
        return ""
    if text.count("|") >= 2:
        text = " ".join(cell.strip() for cell in text.strip().strip("|").split("|"))
    return text


def undouble_bold(text: str, *, previous_open: bool = False) -> tuple[str, bool]:
    """Undo bold overprint at a heading: "（（一一））指导思想指导思想。。" → "（一）指导思想。".

    Bold runs come out doubled either character by character ("（（一一））", "““") or segment by segment
    ("指导思想指导思想"); they are collapsed from the start of the line until the heading's closing
    punctuation. Returns the line and whether the bold heading continues on the next line, where its
    tail is doubled too ("…发展规划的衔规划的衔" / "接接。。在经济…").
    """
    if not text.startswith("（（") and not previous_open:
        return text, False
    out: list[str] = []
    position = 0
    while position < len(text):
        unit = ""
        for size in range(1, min(24, (len(text) - position) // 2) + 1):
            if text[position : position + size] == text[position + size : position + 2 * size]:
                unit = text[position : position + size]
                break
        if not unit:
            break
        out.append(unit)
        position += 2 * len(unit)
        if unit[-1] in "。：；":
            return "".join(out) + text[position:], False
    if not out:
        return text, False
    rest = text[position:]
    return "".join(out) + rest, not rest


def is_page_furniture(text: str) -> bool:
    stripped = text.strip()
    return any(pattern.match(stripped) for pattern in _FOOTER_RES)


def source_lines(raw: str) -> list[str]:
    """The raw text's lines, numbered as an editor numbers them (PDF pages start with a form feed)."""
    return raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def clean_lines(raw: str) -> list[Line]:
    """Split raw extracted text into cleaned lines; page furniture and blank lines are dropped."""
    raw_lines = source_lines(raw)
    # A running title is a short line that recurs just before page starts; count them first.
    before_page: Counter[str] = Counter()
    for index in range(1, len(raw_lines)):
        current = raw_lines[index]
        if current.startswith((" ", "\f")) and current.strip():
            previous = raw_lines[index - 1].strip()
            if previous and len(previous) <= 30 and not re.search(r"[。！？；：，、（）()]", previous):
                before_page[previous] += 1
    running = {text for text, count in before_page.items() if count >= 3}

    lines: list[Line] = []
    bold_open = False
    for number, original in enumerate(raw_lines, start=1):
        page_start = original.startswith((" ", "\f")) and bool(original.strip())
        text = normalize_width(original.replace("\f", "")).strip()
        if not text:
            continue
        if is_page_furniture(text):
            continue
        if text in running:
            next_line = raw_lines[number] if number < len(raw_lines) else ""
            if next_line.startswith((" ", "\f")) or not next_line.strip():
                continue
        text = strip_markdown(text)
        text = collapse_spacing(text)
        # A bold heading can start after the end of the previous paragraph on the same extracted line.
        bold_at = text.find("（（", 1)
        pieces = [text[:bold_at], text[bold_at:]] if bold_at > 0 and not bold_open else [text]
        for piece in pieces:
            piece, bold_open = undouble_bold(piece, previous_open=bold_open)
            piece = normalize_punctuation(piece).strip()
            if piece:
                lines.append(Line(text=piece, number=number, page_start=page_start))
                page_start = False
    return relocate_displaced_titles(lines)


_TITLE_SUFFIX_RE = re.compile(r"(规划|方案|计划|意见|办法|细则|措施|清单|名单|纲要|要点)$")
_BODY_PUNCT_RE = re.compile(r"[，。、；：！？]")


def relocate_displaced_titles(lines: list[Line]) -> list[Line]:
    """A plan's title printed at the top of its first page comes out at the page's end, inside a sentence
    ("…文化、社 / 晋城市妇女发展“十四五”规划 / 会和家庭…"); move it before the paragraph it interrupted."""
    width = wrap_width(lines) or 30
    index = 1
    while index < len(lines) - 1:
        line, previous, following = lines[index], lines[index - 1], lines[index + 1]
        if (
            following.page_start
            and len(line.text) <= 30
            and _TITLE_SUFFIX_RE.search(line.text)
            and not _BODY_PUNCT_RE.search(line.text)
            and not _SENTENCE_END_RE.search(previous.text)
            and (_BODY_PUNCT_RE.search(previous.text) or len(previous.text) >= width - 2)
        ):
            start = index - 1
            while start > 0 and not _SENTENCE_END_RE.search(lines[start - 1].text) and index - start < 40:
                if _HEADING_START_RE.match(lines[start].text):
                    break
                start -= 1
            moved = lines.pop(index)
            moved.standalone = True
            lines.insert(start, moved)
        index += 1
    return lines


def wrap_width(lines: list[Line]) -> int:
    """The column width the text was wrapped at (0 when lines are whole paragraphs)."""
    lengths = Counter(len(line.text) for line in lines if len(line.text) >= 8)
    if not lengths:
        return 0
    width, count = max(lengths.items(), key=lambda item: (item[1], item[0]))
    if count < max(5, len(lines) // 20) or width > 60:
        return 0
    return width


def ends_paragraph(previous: str, following: str, width: int) -> bool:
    """Whether a line break between two cleaned lines is a real paragraph break."""
    if _HEADING_START_RE.match(following) or _BOUNDARY_RE.match(following) or _BOUNDARY_RE.match(previous):
        return True
    if not _SENTENCE_END_RE.search(previous):
        # A heading line without punctuation ("一、总体要求") stands alone.
        if (
            _HEADING_LINE_RE.match(previous)
            and len(previous) < 30
            and (not width or len(previous) < width - 2)
            and not re.search(r"[。；，]", previous)
        ):
            return True
        # A short line without any punctuation is a heading or a title, not a cut sentence: wrapped lines
        # fill the column, and unwrapped text has whole paragraphs on its lines.
        if _BODY_PUNCT_RE.search(previous) or previous.startswith("本报讯"):
            return False
        short = len(previous) <= 40 if not width else len(previous) < width - 3
        # …but the lines of one multi-line title stay together.
        following_is_title = not _BODY_PUNCT_RE.search(following) and len(following) < (width - 3 if width else 40)
        return short and not following_is_title
    if width == 0:
        return True
    return len(previous) < width - 1


def _glue(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return left + " " + right
    return left + right


def join_paragraphs(lines: list[Line], width: int | None = None) -> list[tuple[str, int, int]]:
    """Join wrapped lines into paragraphs: (text, first source line, last source line)."""
    if width is None:
        width = wrap_width(lines)
    paragraphs: list[tuple[str, int, int]] = []
    current = current_last = ""
    first = last = 0
    previous_standalone = False
    for line in lines:
        if current and not line.standalone and not previous_standalone and not ends_paragraph(current_last, line.text, width):
            current = _glue(current, line.text)
            last = line.number
        else:
            if current:
                paragraphs.append((current, first, last))
            current, first, last = line.text, line.number, line.number
        current_last = line.text
        previous_standalone = line.standalone
    if current:
        paragraphs.append((current, first, last))
    return paragraphs


def repair(raw: str) -> str:
    """The whole repair for a text without structure: cleaned, joined paragraphs separated by newlines."""
    return "\n".join(text for text, _, _ in join_paragraphs(clean_lines(raw)))
