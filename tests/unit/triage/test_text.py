"""Context checks on keyword hits: negation, hypothetical, past."""

import pytest

from liandong.triage.text import is_hypothetical, is_meaningful, is_negated, is_past, normalize


def at(text: str, word: str) -> int:
    return text.index(word)


@pytest.mark.parametrize(
    "text, word, expected",
    [
        ("车被剐了一下，没有人受伤", "受伤", True),
        ("现场无人员受伤", "受伤", True),
        ("燃气公司查过了，没有泄漏", "泄漏", True),
        ("燃气灶打不着火了", "着火", True),
        ("有人受伤了，快来", "受伤", False),
        ("没想到楼下着火了", "着火", False),
        ("有没有人受伤还不知道", "受伤", False),
    ],
)
def test_negation(text, word, expected):
    assert is_negated(text, at(text, word)) is expected


@pytest.mark.parametrize(
    "text, word, expected",
    [
        ("消防通道被堵死了，万一着火消防车进不来", "着火", True),
        ("山坡有裂缝，担心会滑坡", "滑坡", True),
        ("孩子玩的时候差点受伤", "受伤", True),
        ("希望多设防溺水的警示牌", "溺水", True),
        ("楼下着火了", "着火", False),
    ],
)
def test_hypothetical(text, word, expected):
    assert is_hypothetical(text, at(text, word)) is expected


@pytest.mark.parametrize(
    "text, word, expected",
    [
        ("去年被骗了两万块，想问问案子进展", "被骗", True),
        ("上周小区里有人打架，物业也不管", "打架", True),
        ("刚刚被骗了五万块", "被骗", False),
        ("孩子昨天放学到现在还没回来", "没回来", False),
        ("楼下有人在打架", "打架", False),
    ],
)
def test_past(text, word, expected):
    start = at(text, word)
    assert is_past(text, start, start + len(word)) is expected


def test_normalize_and_meaningful():
    assert normalize("  ＡＢＣ１２３　 你好 ") == "ABC123 你好"
    assert not is_meaningful("……？？")
    assert not is_meaningful("喂")
    assert is_meaningful("停水")


def test_follow_up_of_a_reported_case_is_past():
    text = "上个月家里被盗，派出所立案了，到现在没有消息"
    start = text.index("被盗")
    assert is_past(text, start, start + 2)


def test_typo_fixer():
    from liandong.triage.text import TypoFixer

    fix = TypoFixer({"电题": "电梯", "燃汽": "燃气"})
    assert fix("被关在电题里，闻到燃汽味") == "被关在电梯里，闻到燃气味"
    assert TypoFixer({})("原样") == "原样"
