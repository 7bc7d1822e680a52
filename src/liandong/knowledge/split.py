"""Split a repaired gazette issue into its documents and a newspaper page into articles, then into passages.

A gazette document is found by its header block: the issuing body and title lines, then the document
number (文号) alone on its line, then usually a cover notice ending in the date and "（此件公开发布）".
A number inside a sentence ("（国办发〔2022〕12号）") is a citation and never starts a document.
PDF extraction sometimes prints a document's header block after the first lines of its body, even in the
middle of a sentence; the body before the header is moved back after the notice, which also rejoins the
interrupted sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from liandong.knowledge.repair import (
    _SENTENCE_END_RE,
    Line,
    clean_lines,
    join_paragraphs,
    markdown_level,
    source_lines,
    wrap_width,
)

DOC_NUMBER_RE = re.compile(r"^([\u4e00-\u9fff]{1,12})〔(\d{4})〕(\d{1,4})号$")
CITED_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,12}〔\d{4}〕\d{1,4}号")
_ISSUER_RE = re.compile(
    r"^(.{2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅|委))(?=关于|印发|$)"
)
_DATE_LINE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:印发)?$")
_PUBLIC_RE = re.compile(r"^（此件(.{2,8})）$")
_SALUTATION_RE = re.compile(r"^各(县|区|市|乡|镇|有关|委|省|盟|旗|级)")
_OPENER_RE = re.compile(r"^(为|根据|按照|依据)")
_BYLINE_RE = re.compile(r"(?:^|\s|。|”)（((?:[\u4e00-\u9fff]{2,4}\s?){1,4}|转自.{2,30}|记者.{2,20})）$")
_SOURCE_LINE_RE = re.compile(r"^(据《.{2,12}》|本报记者.{0,20})$")
_PLAIN_TITLE_RE = re.compile(r"^[^，。；：！？、]{2,30}$")


@dataclass
class Document:
    """One document of a gazette issue or one article of a newspaper page."""

    kind: str  # "document" | "article"
    title: str
    paragraphs: list[tuple[str, int, int]] = field(default_factory=list)  # (text, first line, last line)
    doc_number: str | None = None
    issuer: str | None = None
    date: date | None = None
    publication: str | None = None  # "公开发布" when the document says so
    attachments: list[str] = field(default_factory=list)
    byline: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(text for text, _, _ in self.paragraphs)

    @property
    def first_line(self) -> int:
        return self.paragraphs[0][1] if self.paragraphs else 0

    @property
    def last_line(self) -> int:
        return self.paragraphs[-1][2] if self.paragraphs else 0


@dataclass
class Passage:
    text: str
    start: int  # character offsets in Document.text
    end: int
    first_line: int  # source line numbers
    last_line: int


def detect_kind(lines: list[Line]) -> str:
    return "gazette" if any(DOC_NUMBER_RE.match(line.text) for line in lines) else "newspaper"


def split_text(raw: str) -> tuple[str, list[Document]]:
    """Repair and split raw extracted text: ("gazette" | "newspaper", documents)."""
    lines = clean_lines(raw)
    kind = detect_kind(lines)
    if kind == "gazette":
        return kind, split_gazette(lines)
    return kind, split_newspaper(lines, raw)


def _is_salutation(lines: list[Line], index: int) -> bool:
    """"各县（市、区）人民政府，…各委、办、局：" — on one or two lines, ending in a colon."""
    if index >= len(lines) or not _SALUTATION_RE.match(lines[index].text):
        return False
    text = lines[index].text
    if not text.endswith("：") and index + 1 < len(lines):
        text += lines[index + 1].text
    return text.endswith("：") and len(text) <= 90 and "。" not in text


def _is_title_line(text: str) -> bool:
    return len(text) <= 60 and not re.search(r"[。；：！？]", text) and not DOC_NUMBER_RE.match(text)


@dataclass
class _Header:
    title_start: int
    number_index: int
    end: int  # last line of the header block (number line, or the notice's date / publication line)
    title_lines: list[str]
    number: str


def _find_headers(lines: list[Line]) -> list[_Header]:
    headers: list[_Header] = []
    for index, line in enumerate(lines):
        match = DOC_NUMBER_RE.match(line.text)
        if not match:
            continue
        start = index
        while start > 0 and index - start < 5 and _is_title_line(lines[start - 1].text):
            if headers and start - 1 <= headers[-1].end:
                break
            start -= 1
            if _ISSUER_RE.match(lines[start].text):
                break
        if start == index:
            continue  # a number without a title is a table-of-contents or list entry
        # The cover notice: salutation … date, then optionally "（此件公开发布）".
        end = index
        if _is_salutation(lines, index + 1):
            for ahead in range(index + 1, min(index + 16, len(lines))):
                if DOC_NUMBER_RE.match(lines[ahead].text):
                    break
                if _DATE_LINE_RE.match(lines[ahead].text):
                    end = ahead
                    if ahead + 1 < len(lines) and _PUBLIC_RE.match(lines[ahead + 1].text):
                        end = ahead + 1
                    break
        headers.append(
            _Header(
                title_start=start,
                number_index=index,
                end=end,
                title_lines=[lines[i].text for i in range(start, index)],
                number=line.text,
            )
        )
    return headers


def _body_start_before(lines: list[Line], header: _Header, floor: int) -> int:
    """Where a document's body starts when extraction printed some of it before the header block."""
    page_starts = [i for i in range(floor, header.title_start + 1) if lines[i].page_start]
    if not page_starts:
        return header.title_start
    region_start = page_starts[-1]
    if region_start == header.title_start:
        return header.title_start

    def after_sentence(i: int) -> bool:
        before = lines[i - 1].text
        return (
            i == region_start
            or bool(_SENTENCE_END_RE.search(before))
            or "（见网络）" in before
            or bool(_PLAIN_TITLE_RE.match(before) and len(before) <= 20)
        )

    candidates = [i for i in range(region_start, header.title_start) if _is_salutation(lines, i) and after_sentence(i)]
    if not candidates:
        candidates = [i for i in range(region_start, header.title_start) if _OPENER_RE.match(lines[i].text) and after_sentence(i)]
    if not candidates:
        return header.title_start
    start = candidates[0]
    # Take along the plan's own title lines printed just above it on the same page.
    while start > region_start and _PLAIN_TITLE_RE.match(lines[start - 1].text) and not _SENTENCE_END_RE.search(lines[start - 1].text):
        if "（见网络）" in lines[start - 1].text:
            break
        start -= 1
    return start


def _issuer_and_title(title_lines: list[str]) -> tuple[str | None, str]:
    title = "".join(title_lines)
    match = _ISSUER_RE.match(title_lines[0]) if title_lines else None
    return (match.group(1) if match else None), title


def _attachments(paragraphs: list[tuple[str, int, int]]) -> list[str]:
    names: list[str] = []
    for index, (text, _, _) in enumerate(paragraphs):
        match = re.match(r"^附件\s*[：:]?\s*(.*)$", text)
        if not match:
            continue
        rest = match.group(1).strip()
        if rest and not re.match(r"^\d", rest):
            names.append(rest.rstrip("。"))
            continue
        items = re.split(r"(?=\d{1,2}[．.、](?!\d))", rest) if rest else []
        follow = index + 1
        while not [i for i in items if i.strip()] or (follow < len(paragraphs) and re.match(r"^\d{1,2}[．.、](?!\d)", paragraphs[follow][0]) and len(paragraphs[follow][0]) < 80):
            if follow >= len(paragraphs):
                break
            items.append(paragraphs[follow][0])
            follow += 1
        for item in items:
            item = re.sub(r"^\d{1,2}[．.、]\s*", "", item.strip())
            item = re.split(r"(?<=（见网络）)|(?=[\u4e00-\u9fff]{2,10}人民政府)|(?=\d{4}年\d{1,2}月\d{1,2}日)", item)[0].rstrip("。")
            if item and len(item) <= 80 and not any(name.startswith(item) for name in names):
                names.append(item)
    return names


def split_gazette(lines: list[Line]) -> list[Document]:
    headers = _find_headers(lines)
    width = wrap_width(lines)
    starts: list[int] = []
    floor = 0
    for header in headers:
        starts.append(_body_start_before(lines, header, floor))
        floor = header.end + 1
    documents: list[Document] = []
    for position, header in enumerate(headers):
        body_end = starts[position + 1] if position + 1 < len(headers) else len(lines)
        pre = lines[starts[position] : header.title_start]
        notice = lines[header.number_index + 1 : header.end + 1]
        post = lines[header.end + 1 : body_end]
        if pre:
            # Title lines of the attached plan printed right after the notice belong before the moved-back body.
            lead = 0
            while lead < len(post) and lead < 3 and _PLAIN_TITLE_RE.match(post[lead].text) and not post[lead].page_start:
                lead += 1
            if lead and lead < len(post) and post[lead].page_start:
                body = notice + post[:lead] + pre + post[lead:]
            else:
                body = notice + pre + post
        else:
            body = notice + post
        issuer, title = _issuer_and_title(header.title_lines)
        heading_lines = [Line(text=title, number=lines[header.title_start].number, standalone=True)]
        heading_lines.append(Line(text=header.number, number=lines[header.number_index].number, standalone=True))
        paragraphs = join_paragraphs(heading_lines, width=0)[:2]
        paragraphs += join_paragraphs(body, width=width)
        found_date = None
        publication = None
        for line in notice + post:
            match = _DATE_LINE_RE.match(line.text)
            if match and found_date is None:
                try:
                    found_date = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                except ValueError:
                    pass
            public = _PUBLIC_RE.match(line.text)
            if public and publication is None:
                publication = public.group(1)
        documents.append(
            Document(
                kind="document",
                title=title,
                paragraphs=paragraphs,
                doc_number=header.number,
                issuer=issuer,
                date=found_date,
                publication=publication,
                attachments=_attachments(paragraphs),
            )
        )
    return documents


def _headline_block(lines: list[Line], index: int, width: int) -> int:
    """How many headline-like lines start at index (short, unpunctuated, before the next article)."""
    count = 0
    while index + count < len(lines) and count < 4:
        text = lines[index + count].text
        # Body lines fill the column; a headline is shorter or spans several columns, or ends the
        # block before differently wrapped text.
        following = lines[index + count + 1].text if index + count + 1 < len(lines) else ""
        fills_column = width and abs(len(text) - width) <= 1
        if fills_column and (len(following) > width + 4 or following.startswith("本报讯")):
            fills_column = False
        if not _PLAIN_TITLE_RE.match(text) or fills_column or text.startswith("本报讯") or _SOURCE_LINE_RE.match(text):
            break
        count += 1
    return count


def _headline_groups(lines: list[Line]) -> list[list[Line]]:
    """Headline lines split into separate headlines at page starts and blank-line gaps."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and not line.page_start and line.number - groups[-1][-1].number <= 1:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _char_bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def split_newspaper(lines: list[Line], raw: str = "") -> list[Document]:
    """Articles of a newspaper page: markdown headings when the extraction kept them, else bylines.

    Page layout scatters headlines: printed after their article's byline, or all together at the end of
    the page. Every headline-like block is given to the article whose text shares most of its words.
    """
    raw_lines = source_lines(raw) if raw else []
    levels = {line.number: markdown_level(raw_lines[line.number - 1]) for line in lines if line.number <= len(raw_lines)}
    width = wrap_width(lines)
    if any(level in (1, 2) for level in levels.values()):
        return _split_by_headings(lines, levels, width)
    articles: list[tuple[list[Line], str | None]] = []
    headlines: list[tuple[list[Line], int]] = []  # (block, article it follows)
    current: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _SOURCE_LINE_RE.match(line.text) and not current and articles:
            body, byline = articles[-1]
            articles[-1] = (body, f"{byline} {line.text}" if byline else line.text)
            index += 1
            continue
        match = _BYLINE_RE.search(line.text)
        if not match:
            current.append(line)
            index += 1
            continue
        kept = line.text[: match.start(1) - 1].rstrip()
        if kept:
            current.append(Line(text=kept, number=line.number, page_start=line.page_start))
        byline = match.group(1)
        index += 1
        while index < len(lines) and _SOURCE_LINE_RE.match(lines[index].text):
            byline += " " + lines[index].text
            index += 1
        count = _headline_block(lines, index, width)
        articles.append((current, byline))
        headlines.extend((group, len(articles) - 1) for group in _headline_groups(lines[index : index + count]))
        index += count
        current = []
    trailing: list[Line] = []
    while current and _PLAIN_TITLE_RE.match(current[-1].text) and len(current[-1].text) <= 24 and len(trailing) < 8:
        trailing.insert(0, current.pop())
    if current:
        articles.append((current, None))
    headlines.extend((group, max(len(articles) - 1, 0)) for group in _headline_groups(trailing))
    documents = [
        Document(kind="article", title="", paragraphs=join_paragraphs(body, width=width), byline=byline)
        for body, byline in articles
    ]
    if not documents:
        return []
    grams = [_char_bigrams(document.text) for document in documents]
    titles: list[list[tuple[int, str]]] = [[] for _ in documents]
    for group, default in headlines:
        text = "".join(line.text for line in group)
        wanted = _char_bigrams(text)
        overlaps = [len(wanted & article) / max(len(wanted), 1) for article in grams]
        best = max(range(len(documents)), key=lambda i: (overlaps[i], i == default))
        chosen = best if overlaps[best] >= 0.3 else default
        titles[chosen].append((group[0].number, text))
    for document, parts in zip(documents, titles):
        document.title = " ".join(text for _, text in sorted(parts)) or (
            document.paragraphs[0][0][:30] if document.paragraphs else ""
        )
    return [document for document in documents if document.paragraphs]


def _article(lines: list[Line], headline: str, byline: str | None, width: int) -> Document:
    lines = [line for line in lines if line.text]
    paragraphs = join_paragraphs(lines, width=width)
    title = headline or (paragraphs[0][0][:30] if paragraphs else "")
    return Document(kind="article", title=title, paragraphs=paragraphs, byline=byline)


def _split_by_headings(lines: list[Line], levels: dict[int, int], width: int) -> list[Document]:
    documents: list[Document] = []
    title_parts: list[str] = []
    body: list[Line] = []

    def flush() -> None:
        if body:
            paragraphs = join_paragraphs(body, width=width)
            text = "".join(title_parts) or paragraphs[0][0][:30]
            byline = None
            last = paragraphs[-1][0]
            match = _BYLINE_RE.search(last)
            if match:
                byline = match.group(1)
            documents.append(Document(kind="article", title=text, paragraphs=paragraphs, byline=byline))

    previous_heading = False
    for line in lines:
        level = levels.get(line.number, 0)
        if level in (1, 2):
            if not previous_heading:
                flush()
                title_parts, body = [], []
            title_parts.append(line.text)
            previous_heading = True
            continue
        previous_heading = False
        if level:
            line.standalone = True
        body.append(line)
    flush()
    return documents


_SENTENCE_RE = re.compile(r"[^。！？；\n]*(?:[。！？；]+[”’」』）]*|\n|$)")


def passages(document: Document, *, target: int = 220, maximum: int = 380) -> list[Passage]:
    """Overlapping windows of whole sentences, about 100–400 characters, with source positions."""
    text = document.text
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE_RE.finditer(text):
        start, end = match.span()
        while start < end and text[start] in "\n ":
            start += 1
        stop = end
        while stop > start and text[stop - 1] in "\n ":
            stop -= 1
        while stop - start > maximum:
            cut = text.rfind("，", start + target // 2, start + maximum)
            cut = cut + 1 if cut > 0 else start + maximum
            spans.append((start, cut))
            start = cut
        if stop > start:
            spans.append((start, stop))
    if not spans:
        return []
    # Paragraph boundaries let a passage cite the source lines it came from.
    offsets: list[tuple[int, int, int]] = []
    cursor = 0
    for paragraph, first, last in document.paragraphs:
        offsets.append((cursor, first, last))
        cursor += len(paragraph) + 1

    def source_lines(start: int, end: int) -> tuple[int, int]:
        # Paragraphs can be out of source order (a header moved back), so take the extremes.
        touched = [
            (first, last)
            for index, (offset, first, last) in enumerate(offsets)
            if offset < end and (offsets[index + 1][0] if index + 1 < len(offsets) else len(text) + 1) > start
        ] or [offsets[0][1:]]
        return min(first for first, _ in touched), max(last for _, last in touched)

    result: list[Passage] = []
    first = 0
    while first < len(spans):
        last = first
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= maximum and spans[last][1] - spans[first][0] < target:
            last += 1
        start, end = spans[first][0], spans[last][1]
        first_line, last_line = source_lines(start, end)
        result.append(Passage(text=text[start:end], start=start, end=end, first_line=first_line, last_line=last_line))
        if last + 1 >= len(spans):
            break
        # Half-overlap: the next window starts in the middle of this one, so an answer is never cut in two.
        middle = first + 1
        while middle < last and spans[middle][0] - start < (end - start) // 2:
            middle += 1
        first = max(first + 1, middle)
    return result
