"""Chinese-aware ranking: jieba words plus character bigrams, BM25 per field, synonym expansion. Pure.

The index is an in-memory inverted index whose postings hold precomputed BM25 term weights, so a query
is a handful of numpy scatter-adds over the posting lists of its terms.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jieba
import numpy as np

jieba.setLogLevel(logging.WARNING)

DATA_DIR = Path(__file__).resolve().parent / "data"
_CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]")
_NUMBER_RE = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?")

# Words a caller says that carry no subject: they must not pull passages that merely contain them.
STOPWORDS = frozenset(
    """的 了 是 在 和 与 及 或 等 吗 呢 吧 啊 呀 么 嘛 我 你 他 她 它 我们 你们 他们 咱 咱们 自己 这 那 这个 那个 哪个 哪些
    什么 怎么 怎么样 怎样 如何 为什么 多少 几 哪里 哪儿 哪 是否 能否 能不能 可不可以 可以 能 会 要 想 想要 需要 应该 请问 请 问
    一下 咨询 了解 知道 告诉 有 有没有 没有 吗 对 对于 关于 就 都 也 还 又 被 把 给 让 向 从 到 为 以 之 其 该 此 各 每 个 号
    一 一个 上 下 中 里 后 前 时 时候 现在 目前 今年 请教 问问 下来 出来 起来 去 来 说 讲 看 办 搞 弄""".split()
)

# Interrogative tails whose bigrams are noise ("怎么办" → "么办").
_QUESTION_NOISE_RE = re.compile(r"(请问|我想问|想问一下|想咨询|咨询一下|怎么办|怎么样|怎么|如何|什么|哪些|哪里|多少|是不是|是否|有没有|吗|呢|呀|啊)")


_jieba_ready = False


def _init_jieba() -> None:
    """Load jieba's dictionary and ours on first use, not at import (every CLI command imports this module)."""
    global _jieba_ready
    if not _jieba_ready:
        words = DATA_DIR / "userdict.txt"
        if words.exists():
            with words.open("rb") as handle:
                jieba.load_userdict(handle)
        _jieba_ready = True


@lru_cache(maxsize=4096)
def _cut_cached(text: str) -> tuple[str, ...]:
    return tuple(jieba.cut_for_search(text, HMM=False))


def words(text: str) -> list[str]:
    """jieba search-mode words (with their sub-words), lower-cased, without punctuation and stopwords."""
    _init_jieba()
    result = []
    for token in jieba.cut_for_search(text, HMM=False) if len(text) > 64 else _cut_cached(text):
        kept = _keep(token)
        if kept is not None:
            result.append(kept)
    return result


def content_words(text: str) -> list[str]:
    """jieba's precise segmentation with its unknown-word model (so "武俊德" stays one name), without
    stopwords: each word once, in order ("宅基地", not also "宅基")."""
    _init_jieba()
    return list(dict.fromkeys(kept for token in _cut_precise(text) if (kept := _keep(token)) is not None))


@lru_cache(maxsize=4096)
def _cut_precise(text: str) -> tuple[str, ...]:
    return tuple(jieba.cut(text, HMM=True))


# Characters that glue a caller's words together; a query bigram containing one is not content.
FUNCTION_CHARS = frozenset("的了吗呢吧啊呀么还能是在有和就都也要会可以把被让给向从到为这那哪什怎如何")


def _keep(token: str) -> str | None:
    token = token.strip().lower()
    if not token or token in STOPWORDS or not _WORD_RE.search(token):
        return None
    return token


def words_of_windows(text: str, windows: list[tuple[int, int]]) -> list[list[str]]:
    """words() for many overlapping windows of one text, segmenting the text once (half the work)."""
    _init_jieba()
    tokens = sorted(
        (start, end, kept)
        for token, start, end in jieba.tokenize(text, mode="search", HMM=False)
        if (kept := _keep(token)) is not None
    )
    starts = [start for start, _, _ in tokens]
    result = []
    for window_start, window_end in windows:
        first = bisect.bisect_left(starts, window_start)
        last = bisect.bisect_left(starts, window_end)
        result.append([token for _, end, token in tokens[first:last] if end <= window_end])
    return result


def bigrams(text: str) -> list[str]:
    """Character bigrams inside runs of Chinese characters, and ASCII words / numbers as they are."""
    result = []
    for run in _CJK_RUN_RE.findall(text):
        if len(run) == 1:
            result.append(run)
        result.extend(run[i : i + 2] for i in range(len(run) - 1))
    result.extend(token.lower() for token in _NUMBER_RE.findall(text))
    return result


_DOC_NUMBER_RE = re.compile(r"([\u4e00-\u9fff]{1,12})\s*[〔［\[【（(]\s*(\d{4})\s*[〕］\]】）)]\s*(\d{1,4})\s*号")


def document_numbers(text: str) -> list[str]:
    """Document numbers (文号) in a question, normalised to "晋市政办〔2023〕21号" whatever brackets were typed."""
    return [f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" for m in _DOC_NUMBER_RE.finditer(text)]


def load_synonyms(path: Path | None = None) -> list[tuple[str, list[str]]]:
    """Colloquial phrase → formal terms, from a tab-separated data file ("小孩<TAB>儿童|未成年人")."""
    path = path or DATA_DIR / "synonyms.tsv"
    pairs: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        phrase, _, targets = line.partition("\t")
        terms = [term.strip() for term in targets.split("|") if term.strip()]
        if phrase.strip() and terms:
            pairs.append((phrase.strip(), terms))
    # Longest phrases first, so "身份证丢了" wins over "身份证".
    pairs.sort(key=lambda pair: -len(pair[0]))
    return pairs


@lru_cache(maxsize=1)
def default_synonyms() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((phrase, tuple(terms)) for phrase, terms in load_synonyms())


def expand(question: str, synonyms=None) -> tuple[str, list[str]]:
    """The question without interrogative noise, and the formal terms its colloquial phrases map to."""
    synonyms = default_synonyms() if synonyms is None else synonyms
    cleaned = _QUESTION_NOISE_RE.sub(" ", question)
    extra: list[str] = []
    for phrase, terms in synonyms:
        if phrase in question:
            extra.extend(term for term in terms if term not in question and term not in extra)
    return cleaned, extra


@dataclass
class Query:
    """Weighted terms per field."""

    terms: dict[str, dict[str, float]] = field(default_factory=dict)
    highlight: list[str] = field(default_factory=list)


def make_query(question: str, synonyms=None) -> Query:
    cleaned, extra = expand(question, synonyms)
    query = Query(terms={"w": {}, "b": {}, "t": {}})
    for term in words(cleaned):
        query.terms["w"][term] = query.terms["w"].get(term, 0.0) + 1.0
    for term in bigrams(cleaned):
        if any(char in FUNCTION_CHARS for char in term):
            continue  # "还能", "气的"
        query.terms["b"][term] = query.terms["b"].get(term, 0.0) + 1.0
    # A colloquial phrase's formal terms share one unit of weight, so a phrase with many expansions
    # does not outweigh the rest of the question.
    share = 1.0 / max(len(extra), 1) ** 0.5
    for phrase in extra:
        terms = words(phrase)
        for term in terms:
            query.terms["w"][term] = max(query.terms["w"].get(term, 0.0), 0.8 * share / len(terms) ** 0.5)
        grams = bigrams(phrase)
        for term in grams:
            query.terms["b"][term] = max(query.terms["b"].get(term, 0.0), 0.6 * share / len(grams) ** 0.5)
    query.terms["t"] = dict(query.terms["w"])
    query.highlight = sorted({term for term in query.terms["w"] if len(term) >= 2}, key=len, reverse=True)
    return query


FIELD_WEIGHTS = {"w": 1.0, "b": 0.45, "t": 0.5}


@dataclass
class Posting:
    ids: np.ndarray  # int32 entry indexes
    weights: np.ndarray  # float32 BM25 term-frequency parts


def _field_postings(token_lists: list[list[str]], size: int, k1: float, b: float) -> tuple[dict, dict]:
    """Posting lists of one field, built with numpy: (term, entry) pairs are counted by sorting their codes."""
    lengths = np.fromiter((len(tokens) for tokens in token_lists), dtype=np.int64, count=size)
    total = int(lengths.sum())
    if total == 0:
        return {}, {}
    vocabulary: dict[str, int] = {}
    term_ids = np.fromiter(
        (vocabulary.setdefault(token, len(vocabulary)) for tokens in token_lists for token in tokens), dtype=np.int64, count=total
    )
    entry_ids = np.repeat(np.arange(size, dtype=np.int64), lengths)
    codes, tf = np.unique(term_ids * size + entry_ids, return_counts=True)
    terms, entries = codes // size, codes % size
    norm = k1 * (1 - b + b * lengths[entries] / lengths.mean())
    weights = (tf * (k1 + 1) / (tf + norm)).astype(np.float32)
    entries = entries.astype(np.int32)
    bounds = np.flatnonzero(np.diff(terms)) + 1
    starts = np.concatenate(([0], bounds))
    stops = np.concatenate((bounds, [len(terms)]))
    words = list(vocabulary)
    postings = {}
    idf = {}
    for first, last in zip(starts.tolist(), stops.tolist()):
        term = words[int(terms[first])]
        postings[term] = Posting(entries[first:last], weights[first:last])
        count = last - first
        idf[term] = float(np.log(1 + (size - count + 0.5) / (count + 0.5)))
    return postings, idf


class InvertedIndex:
    """BM25 over several fields of a fixed list of entries; build once, query many times."""

    def __init__(self, postings: dict[str, dict[str, Posting]], idf: dict[str, dict[str, float]], size: int):
        self.postings = postings
        self.idf = idf
        self.size = size

    @classmethod
    def build(cls, fields: dict[str, list[list[str]]], *, k1: float = 1.2, b: float = 0.75) -> InvertedIndex:
        """fields: name → one token list per entry (all lists the same length)."""
        size = len(next(iter(fields.values()))) if fields else 0
        postings: dict[str, dict[str, Posting]] = {}
        idf: dict[str, dict[str, float]] = {}
        for name, token_lists in fields.items():
            postings[name], idf[name] = _field_postings(token_lists, size, k1, b)
        return cls(postings, idf, size)

    def scores(
        self, query: Query, field_weights: dict[str, float] | None = None, idf: dict[str, dict[str, float]] | None = None
    ) -> np.ndarray:
        """BM25 per field, summed with field weights; idf may come from a larger collection."""
        field_weights = field_weights or FIELD_WEIGHTS
        scores = np.zeros(self.size, dtype=np.float32)
        for name, terms in query.terms.items():
            weight = field_weights.get(name, 0.0)
            postings = self.postings.get(name, {})
            idf_of = (idf or self.idf).get(name, {})
            for term, query_weight in terms.items():
                posting = postings.get(term)
                if posting is None:
                    continue
                scores[posting.ids] += np.float32(weight * query_weight * idf_of.get(term, 0.0)) * posting.weights
        return scores


def top_indexes(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[int]:
    """Indexes of the k best positive scores, best first."""
    if mask is not None:
        scores = np.where(mask, scores, 0)
    k = min(k, int(np.count_nonzero(scores > 0)))
    if k <= 0:
        return []
    candidates = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in candidates[np.argsort(-scores[candidates], kind="stable")]]


def matched_span(text: str, highlight: list[str], window: int = 120) -> tuple[int, int] | None:
    """The densest stretch of the passage holding query words: (start, end) character offsets."""
    hits: list[tuple[int, int]] = []
    for term in highlight:
        start = text.find(term)
        while start >= 0:
            hits.append((start, start + len(term)))
            start = text.find(term, start + 1)
    if not hits:
        return None
    hits.sort()
    best = (0, hits[0][0], hits[0][1])
    for i, (start, _) in enumerate(hits):
        covered = set()
        end = start
        for other_start, other_end in hits[i:]:
            if other_end - start > window:
                break
            covered.update(range(other_start, other_end))
            end = max(end, other_end)
        if len(covered) > best[0]:
            best = (len(covered), start, end)
    return best[1], best[2]
