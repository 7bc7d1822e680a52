"""A thesaurus built from the knowledge base's own words: the short forms callers say for the long terms
documents write. Pure.

Documents spell terms out ("家庭暴力", "医疗保险", "城市管理", "最低生活保障"); callers say the short
form ("家暴", "医保", "城管"). Chinese short forms are regular: the first character of each two-character
part of a four- or six-character term (家庭|暴力 → 家暴, 环境|保护 → 环保, 城乡|居民|医保 → 城居医). From
the vocabulary the search index holds, every such term used by at least `min_uses` passages gives its
short form, unless the short form is itself a word the documents use often (公交 is a word, not only
公共交通) — then the documents already say it. A question word that is, or starts with, a short form
gets the term(s) as formal stand-ins, like a colloquial phrase of data/synonyms.tsv. Nothing is listed by
hand: the terms come from the corpus and change with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_CJK_RE = re.compile(r"^[\u4e00-\u9fff]+$")
MAX_TERMS = 3  # stand-ins per short form: the most used terms


def short_form(term: str) -> str | None:
    """家庭暴力 → 家暴, 城乡居民医保 → 城居医; None for terms of other lengths."""
    if not _CJK_RE.match(term) or len(term) not in (4, 6):
        return None
    return term[0::2]


def build(vocabulary: Mapping[str, int], *, min_uses: int = 2, own_ratio: float = 0.5) -> dict[str, tuple[str, ...]]:
    """short form → the terms it stands for, most used first. `vocabulary`: word → how many passages use it."""
    found: dict[str, list[tuple[int, str]]] = {}
    for term, uses in vocabulary.items():
        if uses < min_uses:
            continue
        short = short_form(term)
        if short is None or short in term[1:]:
            continue
        found.setdefault(short, []).append((uses, term))
    thesaurus = {}
    for short, terms in found.items():
        terms.sort(key=lambda pair: (-pair[0], pair[1]))
        # A short form the documents themselves use about as often is a word of its own.
        if vocabulary.get(short, 0) >= own_ratio * terms[0][0]:
            continue
        thesaurus[short] = tuple(term for _, term in terms[:MAX_TERMS])
    return thesaurus


def stand_ins(words: list[str], thesaurus: Mapping[str, tuple[str, ...]]) -> list[tuple[str, tuple[str, ...]]]:
    """(question word, the terms its short form stands for) for each question word that is a short form
    or begins with one ("社保卡" → 社会保险 … via 社保); a word the thesaurus spells out is left alone."""
    hits = []
    for word in words:
        for length in (3, 2):
            short = word[:length]
            if len(short) == length and short in thesaurus and not any(term in word for term in thesaurus[short]):
                hits.append((word, thesaurus[short]))
                break
    return hits
