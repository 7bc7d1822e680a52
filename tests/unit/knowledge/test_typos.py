"""Homophone slips repaired against a vocabulary; correct words, stopwords and question words left alone."""

from __future__ import annotations

import pytest

from liandong.knowledge.ranking import FUNCTION_CHARS, STOPWORDS, bigrams
from liandong.knowledge.typos import HomophoneRepairer

DOCUMENTS = [
    "职工租赁住房的可申请提取住房公积金支付房租",
    "异地办理无需提交暂住地居住证明，暂住证明不再需要",
    "居民身份证丢失可到户政窗口补领身份证",
    "社保卡丢失先挂失社保卡再补卡",
    "预防和减少儿童溺水，普及游泳技能防溺水",
    "伤员送医院抢救实行先抢救后付费",
    "森林草原防火检查点，严防森林火灾",
]


@pytest.fixture(scope="module")
def repairer() -> HomophoneRepairer:
    from liandong.knowledge.ranking import words

    vocabulary: dict[str, float] = {}
    grams: set[str] = set()
    for text in DOCUMENTS * 2:  # each word used by at least two entries
        for word in set(words(text)):
            vocabulary[word] = vocabulary.get(word, 0) + 1
        grams.update(bigrams(text))
    return HomophoneRepairer(vocabulary, grams, skip=STOPWORDS, function_chars=FUNCTION_CHARS)


@pytest.mark.parametrize(
    ("typed", "repaired", "changes"),
    [
        ("租房子能取公基金吗", "租房子能取公积金吗", [("公基金", "公积金")]),
        ("还要暂主证明吗", "还要暂住证明吗", [("暂主", "暂住")]),
        ("我身分证丢了", "我身份证丢了", [("身分证", "身份证")]),
        ("社宝卡丢了", "社保卡丢了", [("社宝卡", "社保卡")]),
        ("怎么预防溺睡", "怎么预防溺水", [("溺睡", "溺水")]),
    ],
)
def test_slips_are_repaired(repairer, typed, repaired, changes):
    text, repairs = repairer.repair(typed)
    assert text == repaired
    assert [(r.wrong, r.right) for r in repairs] == changes


@pytest.mark.parametrize(
    "typed",
    [
        "送医院抢救要先交钱吗",  # known words side by side: "院抢" is no slip of "院前"
        "这事归谁管",  # question words are never repaired (谁 sounds like 水)
        "有人森林放火",  # 放火 is a common word, not a slip of 防火
        "公积金怎么提取",
    ],
)
def test_correct_text_is_left_alone(repairer, typed):
    assert repairer.repair(typed) == (typed, [])
