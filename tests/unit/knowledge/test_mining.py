"""High-frequency question mining over plain records."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from liandong.knowledge.mining import Period, Record, mine, normalize_question

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)

PHRASINGS = {
    "id": ["身份证丢了怎么补办", "您好，我身份证丢了要怎么补办", "请问身份证丢失了怎么补办啊", "身份证丢了去哪里补办", "我想咨询一下身份证丢了补办流程"],
    "air": ["小孩没有身份证怎么坐飞机", "孩子没身份证能坐飞机吗", "请问小孩坐飞机没有身份证怎么办"],
    "heat": ["小区暖气什么时候开始供暖", "今年什么时候开始供暖"],
}


def records():
    result = []
    for group, phrasings in PHRASINGS.items():
        for index, text in enumerate(phrasings):
            result.append(Record(id=f"{group}{index}", text=text, time=T0 + timedelta(hours=index), department_code="gaj" if group != "heat" else "zjj"))
    result.append(Record(id="other", text="路灯坏了没人修", time=T0))
    return result


def test_similar_questions_cluster_and_rank_by_volume():
    clusters = mine(records(), min_size=3)
    assert [cluster.size for cluster in clusters] == [5, 3]
    assert sorted(clusters[0].ids) == sorted(f"id{i}" for i in range(5))
    assert "身份证" in clusters[0].question and "补办" in clusters[0].question
    assert clusters[0].department_code == "gaj"
    assert clusters[0].first == "2026-11-02"
    assert "身份证" in clusters[0].keywords


def test_period_filters_records():
    period = Period(date(2026, 11, 3), date(2026, 11, 30))
    assert mine(records(), period=period, min_size=3) == []


def test_too_few_records_yield_nothing():
    assert mine([], min_size=1) == []
    assert mine(records()[:2], min_size=3) == []


def test_fillers_and_phone_numbers_are_removed():
    assert normalize_question("您好，我想咨询一下身份证丢了怎么补办，电话13912345678") == "身份证丢了怎么补办，电话"


def test_period_defaults_and_validation():
    period = Period.of(None, None, today=date(2026, 11, 23))
    assert (period.start, period.end) == (date(2026, 10, 25), date(2026, 11, 23))
    from liandong.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        Period.of(date(2026, 11, 23), date(2026, 11, 1), today=date(2026, 11, 23))
