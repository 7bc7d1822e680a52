"""The answer is one contiguous stretch: the best sentence, joined by its neighbour when the ranker gives that one a
real share of the probability (the listwise ranker's probabilities are shares among a question's candidates)."""

from __future__ import annotations

import pytest

from liandong.knowledge.answer import Candidate, _joined
from liandong.knowledge.extract import Choice, Span
from liandong.knowledge.search import Entry

TEXT = "本报讯2025年商贸服务业市场主体发展项目可申报了。符合条件者，请于2026年2月13日前申报。据悉，给予分档奖励。"


def entry(kind: str = "newspaper") -> Entry:
    return Entry(kind, 1, None, 1, "标题", None, None, "报纸", None, None, TEXT, 0, len(TEXT), 1, 1)


def candidate(where: Entry, sentence: str, probability: float) -> Candidate:
    start = TEXT.index(sentence)
    return Candidate(0, where, 1.0, Choice(Span(start, start + len(sentence)), 1.0, 1.0, 1.0, 1.0), 1.0, {}, probability)


FIRST, SECOND, THIRD = "本报讯2025年商贸服务业市场主体发展项目可申报了。", "符合条件者，请于2026年2月13日前申报。", "据悉，给予分档奖励。"


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (((FIRST, 0.52), (SECOND, 0.45)), FIRST + SECOND),  # neighbours, nearly as likely: one stretch
        (((SECOND, 0.52), (FIRST, 0.45)), FIRST + SECOND),  # in reading order
        (((FIRST, 0.70), (SECOND, 0.20)), FIRST + SECOND),  # a fair contender still joins (share 0.29)
        (((FIRST, 0.90), (SECOND, 0.08)), FIRST),  # the neighbour is much less likely
        (((FIRST, 0.45), (THIRD, 0.45)), FIRST),  # not adjacent
    ],
)
def test_neighbouring_sentences_join(sentences, expected):
    where = entry()
    found = [candidate(where, sentence, probability) for sentence, probability in sentences]
    joined = _joined(found[0], found)
    assert TEXT[joined.choice.span.start : joined.choice.span.end] == expected


def test_sentences_of_another_passage_never_join():
    found = [candidate(entry(), FIRST, 0.97), candidate(entry(), SECOND, 0.97)]
    assert _joined(found[0], found) is found[0]
