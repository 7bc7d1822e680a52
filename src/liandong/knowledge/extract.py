"""The sentence or clause of a passage that answers a question, and how sure we are. Pure.

A passage is cut into sentences (。！？； and line ends); each is scored by how much of the question's
content it holds (words weighted by rarity, a colloquial word's formal terms standing in for it), by its
characters in common with the question, and by whether it has what the question word asks for (an amount
for "多少", a date for "什么时候"). A sentence longer than `MAX_ANSWER` is narrowed to its best run of
clauses. The decision to answer at all is a small logistic model over features of the best candidate,
fitted on the development questions (eval/knowledge/calibrate.py) and shipped as data/answer_model.json.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_FILE = DATA_DIR / "answer_model.json"

MAX_ANSWER = 120  # characters; a longer sentence is narrowed to clauses
_SENTENCE_END = "。！？；!?;\n"
_CLAUSE_END = "，,：:、"
_TRIM = " \t\u3000\n"
# Numbering and bullets that open a sentence but are not part of the answer.
_LEADING_RE = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)．.、]|[-•·]\s*|各[县区市乡镇省][^：。]{0,60}：)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@lru_cache(maxsize=16384)
def sentence_spans(text: str) -> tuple[Span, ...]:
    """Sentences of a passage as offsets, without surrounding blanks; the end mark stays with its sentence.
    Cached: a passage's sentences never change."""
    spans = []
    start = 0
    for position, char in enumerate(text):
        if char in _SENTENCE_END:
            spans.append(_trimmed(text, start, position + (char != "\n")))
            start = position + 1
    spans.append(_trimmed(text, start, len(text)))
    spans = [span for span in spans if span.end - span.start >= 2]
    # "决定任命：" introduces the line that answers: keep them together.
    merged: list[Span] = []
    for span in spans:
        if merged and _introduces(text, merged[-1]) and span.end - merged[-1].start <= MAX_ANSWER:
            merged[-1] = Span(merged[-1].start, span.end)
        elif merged and _run_in_heading(text, merged[-1]) and "\n" not in text[merged[-1].end : span.start]:
            # "（四）免费邮寄。综合窗口收到…": a run-in heading only names the topic; the sentence after it
            # says what is done, so the two are one answerable unit.
            merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return tuple(merged)


# "主要有以下几方面因素。", "具体如下。": a sentence that announces what the next one says.
_LEAD_IN_RE = re.compile(r"(?:以下|如下)[^。，]{0,8}。$")


def _introduces(text: str, span: Span) -> bool:
    """The sentence introduces the one after it: it ends in a colon, or announces what follows."""
    return text[span.end - 1] in "：:" or bool(_LEAD_IN_RE.search(text[span.start : span.end]))


# Item numbering that opens a run-in heading ("（二）", "3.", "一是"; a number the extraction lost shows as U+FFFD).
_HEADING_NUMBER_RE = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十\d]{1,3}[．.、]|[一二三四五六七八九十]是|\ufffd)")
RUN_IN_HEADING = 24  # characters: a run-in heading ("（二）强化政策支持。") is a short sentence without clauses


def _run_in_heading(text: str, span: Span) -> bool:
    """A short sentence ending in 。 with no clause inside, followed on its line by the text it heads."""
    sentence = text[span.start : span.end]
    numbering = _HEADING_NUMBER_RE.match(sentence)
    if numbering is None or not sentence.endswith("。") or len(sentence) > RUN_IN_HEADING:
        return False
    body = sentence[numbering.end() :]
    return len(body) >= 3 and not any(mark in body[:-1] for mark in "，,、；;：:“”（）()")


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return Span(start, end)


def clause_spans(text: str, span: Span) -> list[Span]:
    clauses = []
    start = span.start
    for position in range(span.start, span.end):
        if text[position] in _CLAUSE_END:
            clauses.append(Span(start, position + 1))
            start = position + 1
    if start < span.end:
        clauses.append(Span(start, span.end))
    return clauses


@dataclass(frozen=True)
class Terms:
    """The question's content words with their weights, and the formal terms standing in for some."""

    weights: dict[str, float]
    alternates: dict[str, tuple[str, ...]]
    bigrams: frozenset[str]

    @property
    def total(self) -> float:
        return sum(self.weights.values())


def found_words(text: str, terms: Terms) -> dict[str, float]:
    """Each question word the text holds → 1.0 (itself) or 0.8 (a formal stand-in only)."""
    found = {}
    for word in terms.weights:
        if word in text:
            found[word] = 1.0
        elif any(alternate in text for alternate in terms.alternates.get(word, ())):
            found[word] = 0.8
    return found


def coverage_of(found: dict[str, float], terms: Terms) -> float:
    total = terms.total
    return sum(terms.weights[word] * credit for word, credit in found.items()) / total if total > 0 else 0.0


def coverage(text: str, terms: Terms) -> float:
    """Share of the question's weighted words found in the text (a stand-in formal term counts 0.8)."""
    return coverage_of(found_words(text, terms), terms)


def joined(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    """Words found in either of two texts, with the better credit."""
    merged = dict(a)
    for word, credit in b.items():
        if credit > merged.get(word, 0.0):
            merged[word] = credit
    return merged


def bigram_coverage(text: str, terms: Terms) -> float:
    if not terms.bigrams:
        return 0.0
    return sum(1 for gram in terms.bigrams if gram in text) / len(terms.bigrams)


def missing_weight(text: str, terms: Terms) -> float:
    """The largest weight (0–1, relative to the heaviest word) of a question word the text lacks entirely."""
    heaviest = max(terms.weights.values(), default=0.0)
    if heaviest <= 0:
        return 0.0
    missing = [
        weight
        for word, weight in terms.weights.items()
        if word not in text and not any(alternate in text for alternate in terms.alternates.get(word, ()))
    ]
    return max(missing, default=0.0) / heaviest


def word_found(text: str, word: str, alternates: tuple[str, ...] = ()) -> float:
    """1 when the word (or a formal term standing for it) is in the text, else the share of its characters
    found there, halved ("案子" against "案件" → 0.25)."""
    if word in text or any(alternate in text for alternate in alternates):
        return 1.0
    if len(word) < 2:
        return 0.0
    return 0.5 * sum(1 for char in set(word) if char in text) / len(set(word))


@dataclass(frozen=True)
class Choice:
    span: Span  # in the passage text
    score: float
    coverage: float
    bigrams: float
    fits: float  # 1 has what the question word asks for, 0 lacks it, 0.5 nothing asked


def best_sentences(
    text: str,
    terms: Terms,
    fits,
    *,
    context: str = "",
    region: Span | None = None,
    max_answer: int = MAX_ANSWER,
    exclude=None,
    keep: int = 1,
    seen=None,
) -> list[Choice]:
    """The `keep` best answering sentences (or runs of clauses) of `text[region]`, best first;
    `fits(sentence) -> 0 / 0.5 / 1`; `exclude(sentence) -> bool` leaves out lines that cannot be answers
    (a title, a document number); `seen(span) -> bool` skips sentences already scored elsewhere (the
    overlapping windows of one document)."""
    region = region or Span(0, len(text))
    choices: list[Choice] = []
    in_title = found_words(context, terms) if context else {}
    for span in sentence_spans(text[region.start : region.end]):
        span = Span(span.start + region.start, span.end + region.start)
        if exclude is not None and exclude(text[span.start : span.end]):
            continue
        if seen is not None and seen(span):
            continue
        for candidate in _narrowed(text, span, terms, fits, max_answer):
            sentence = text[candidate.start : candidate.end]
            found = found_words(sentence, terms)
            covered = coverage_of(found, terms)
            in_context = coverage_of(joined(found, in_title), terms) if in_title else covered
            grams = bigram_coverage(sentence, terms)
            fit = fits(sentence)
            score = 0.5 * covered + 0.2 * in_context + 0.2 * grams + 0.25 * fit
            choices.append(Choice(candidate, score, covered, grams, fit))
    choices.sort(key=lambda choice: -choice.score)
    return choices[:keep]


def best_sentence(text: str, terms: Terms, fits, **options) -> Choice | None:
    """The best answering sentence of a text (see best_sentences), or None when it has none."""
    found = best_sentences(text, terms, fits, **options, keep=1)
    return found[0] if found else None


def _narrowed(text: str, span: Span, terms: Terms, fits, max_answer: int) -> list[Span]:
    """The sentence itself, or when it is too long, its best windows of whole clauses."""
    span = _strip_numbering(text, span)
    if span.end - span.start <= max_answer:
        return [span]
    clauses = clause_spans(text, span)
    best: tuple[float, Span] | None = None
    for first in range(len(clauses)):
        end = first
        while end + 1 < len(clauses) and clauses[end + 1].end - clauses[first].start <= max_answer:
            end += 1
        window = Span(clauses[first].start, clauses[end].end)
        piece = text[window.start : window.end]
        value = coverage(piece, terms) + 0.3 * fits(piece) + 0.2 * bigram_coverage(piece, terms)
        if best is None or value > best[0] + 1e-9:
            best = (value, window)
    return [best[1]] if best else [span]


def _strip_numbering(text: str, span: Span) -> Span:
    match = _LEADING_RE.match(text[span.start : span.end])
    if match and span.end - span.start - match.end() >= 4:
        return _trimmed(text, span.start + match.end(), span.end)
    return span


@dataclass(frozen=True)
class LogisticModel:
    """Logistic regression over named features, standardised."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def score(self, values: dict[str, float]) -> float:
        """The linear score (log-odds, or for a listwise ranker the candidate's logit)."""
        z = self.intercept
        for name, mean, scale, coef in zip(self.features, self.mean, self.scale, self.coef):
            z += coef * (values.get(name, 0.0) - mean) / (scale or 1.0)
        return z

    def probability(self, values: dict[str, float]) -> float:
        z = self.score(values)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def of(cls, data: dict) -> LogisticModel:
        return cls(
            features=tuple(data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
        )


def softmax(scores: list[float]) -> list[float]:
    """Probabilities over a question's candidates from their listwise ranker scores (they sum to 1)."""
    if not scores:
        return []
    top = max(scores)
    weights = [math.exp(max(score - top, -60.0)) for score in scores]
    total = sum(weights)
    return [weight / total for weight in weights]


@dataclass(frozen=True)
class AnswerModel:
    """ranker: a listwise (conditional-logit) model whose scores, put through a softmax over a question's
    candidates, give the probability that each one is the answering sentence — calibrated on the development
    questions, so "about as likely" and "nearly as likely" mean what they say; decider: how likely the
    question is answered by the best one, given when it reaches threshold."""

    ranker: LogisticModel
    decider: LogisticModel
    threshold: float
    listwise: bool = True  # False: an older pairwise ranker, whose sigmoid scores only order the candidates

    def ranked(self, candidates: list[dict[str, float]]) -> tuple[list[float], list[float]]:
        """(scores, probabilities) of a question's candidates, from their features."""
        scores = [self.ranker.score(features) for features in candidates]
        if self.listwise:
            return scores, softmax(scores)
        return scores, [1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score)))) for score in scores]


def load_model(path: Path | None = None) -> AnswerModel:
    data = json.loads((path or MODEL_FILE).read_text(encoding="utf-8"))
    return AnswerModel(
        ranker=LogisticModel.of(data["ranker"]),
        decider=LogisticModel.of(data["decider"]),
        threshold=float(data["threshold"]),
        listwise=data["ranker"].get("kind", "pairwise") == "listwise",
    )


@lru_cache(maxsize=1)
def default_model() -> AnswerModel:
    return load_model()
