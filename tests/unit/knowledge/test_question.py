"""Spoken questions into written form, and what kind of answer a question word asks for."""

from __future__ import annotations

import pytest

from liandong.knowledge.question import expected, normalize, satisfies


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("俺身份证丢了咋整", "我身份证丢了怎么办"),
        ("嗯，那个，我想问一下，娃子上学咋办啊？", "孩子上学怎么办啊"),
        ("还得要暂住证明不", "还得要暂住证明吗"),
        ("乡镇卫生院有儿科大夫没", "乡镇卫生院有儿科医生吗"),
        ("渣土车啥时候换成新能源", "渣土车什么时候换成新能源"),
        ("电信诈骗这几年破了多少案子", "电信诈骗近年破了多少案件"),
        ("ＡＢＣ　１２３４５热线", "ABC 12345热线"),
        ("不", "不"),  # nothing left to normalise: the question stays
    ],
)
def test_normalize(spoken, written):
    assert normalize(spoken) == written


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("公园门票多少钱", "money"),
        ("热线工作人员工资多少", "money"),
        ("公积金贷款利率是多少", "money"),
        ("派出所几点上班", "time_of_day"),
        ("宫颈癌筛查什么年龄段", "age"),
        ("领车牌要等几天", "duration"),
        ("什么时候截止申报", "date"),
        ("隐患点有多少处", "amount"),
        ("机场建在哪个镇", "place"),
        ("王军被免了什么职", "person"),
        ("能不能网上办", "none"),
    ],
)
def test_expected(question, kind):
    assert expected(question).kind == kind


@pytest.mark.parametrize(
    ("question", "sentence", "fit"),
    [
        ("门票多少钱", "成人票每张40元。", 1.0),
        ("门票多少钱", "景区实行预约入园。", 0.0),
        ("挽回损失多少钱", "挽回直接经济损失70亿余元。", 1.0),
        ("发了多少钱", "发放司法救助资金共计451万元。", 1.0),
        ("什么时候截止申报", "请于2026年2月13日前申报。", 1.0),
        ("什么时候截止申报", "项目开始申报（前期）。", 0.0),
        ("有多少家", "统一配送到各学校。", 0.0),
        ("有多少家", "共有259家学校。", 1.0),
        ("能不能网上办", "可以网上办。", 0.5),
    ],
)
def test_satisfies(question, sentence, fit):
    assert satisfies(sentence, expected(question)) == fit


@pytest.mark.parametrize(
    ("question", "sentence", "fit"),
    [
        ("隐患威胁多少人", "隐患点受威胁人数3.3万余人。", 1.0),
        ("隐患威胁多少人", "加大冻融期、汛期两个时段排查。", 0.0),
        ("巡护管道多少公里", "巡护管道660余公里。", 1.0),
        ("有几家学校", "共有259家学校。", 1.0),
        ("派了几个人", "派了3名民警。", 1.0),  # "几个" names no unit: any count will do
    ],
)
def test_a_measure_word_must_come_with_the_count(question, sentence, fit):
    assert satisfies(sentence, expected(question)) == fit


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("农村地里烧秸秆管不管", "农村地里烧秸秆管吗"),
        ("能不能雇未成年人干活", "能雇未成年人干活"),
        ("可以不可以网上办", "可以网上办"),
        ("小区有没有电梯", "小区有电梯"),
        ("不管不顾", "不管不顾"),
        ("一不小心", "一不小心"),
    ],
)
def test_an_a_not_a_question_is_the_thing_asked(spoken, written):
    assert normalize(spoken) == written


@pytest.mark.parametrize(
    ("account", "asked"),
    [
        ("渣土车啥时候换成新能源车？", "渣土车啥时候换成新能源车？"),  # short: as it is
        (
            "我家住在城区，楼下每天都有渣土车经过，噪音很大，灰尘也多，晚上都睡不好觉，家里老人孩子意见很大。请问渣土车啥时候换成新能源车？谢谢。",
            "请问渣土车啥时候换成新能源车？",
        ),
        (
            "我们小区门口的路面坑坑洼洼已经很久了，下雨天积水很深，老人孩子出门很不方便，希望有关部门尽快来修一修，拜托了。",
            "我们小区门口的路面坑坑洼洼已经很久了，下雨天积水很深，老人孩子出门很不方便，希望有关部门尽快来修一修，拜托了。",
        ),  # asks nothing explicitly: the whole account
    ],
)
def test_a_long_account_is_asked_by_its_question_sentences(account, asked):
    from liandong.knowledge.question import asked_part

    assert asked_part(account) == asked
