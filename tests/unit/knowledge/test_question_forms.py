"""What a question's form asks for beyond a figure (how a wrong is dealt with, a cause, a plan, a body's duty, a
list), and how often something happens: read from the written form of the question."""

from __future__ import annotations

import pytest

from liandong.knowledge.question import asked_form, expected, form_fit, normalize, satisfies


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("私自改装货车的厂子查不查", "enforce"),  # A-not-A: 查吗
        ("有人在网上倒卖个人信息，这种咋处理", "enforce"),
        ("那所学校的食堂为啥要改造", "cause"),
        ("地质灾害大多是啥引起的", "cause"),
        ("盂县森林防火下一步咋打算", "plan"),
        ("联席会议主要干啥", "duty"),
        ("地质灾害隐患主要有哪几种", "list"),
        ("啥叫网格员", "definition"),
        ("行政规范性文件是啥意思", "definition"),
        ("盗窃案件这几年是多了还是少了", "trend"),
        ("今年的空气跟往年比咋样", "trend"),
        ("到2025年托育要达到啥目标", "goal"),
        ("示范区要搞成啥样", "goal"),
        ("垃圾分类干得好的小区有奖励吗", "reward"),
        ("这是啥", None),
        ("他是什么单位的", None),
        ("孤儿的生活费每月发多少", None),
        ("宅基地能买卖吗", None),
    ],
)
def test_asked_form(question, kind):
    form = asked_form(normalize(question))
    assert (form.kind if form else None) == kind


@pytest.mark.parametrize(
    ("question", "sentence", "fit"),
    [
        ("私自改装货车的厂子查不查", "严查严处货车非法改装企业。", 1.0),
        ("私自改装货车的厂子查不查", "精简货运车型规格数量。", 0.0),
        ("那所学校的食堂为啥要改造", "该学校食堂硬件设施老化，改造升级势在必行。", 1.0),
        ("盂县森林防火下一步咋打算", "下一步，盂县将持续加大森林草原防灭火工作的力度。", 1.0),
        ("联席会议主要干啥", "联席会议主要负责组织协调有关部门和单位抓好诉求办理。", 1.0),
        ("地质灾害隐患主要有哪几种", "现有地质灾害隐患类型主要有滑坡、崩塌、泥石流、地面塌陷。", 1.0),
        ("地质灾害隐患主要有哪几种", "扎实开展隐患排查。", 0.0),
        ("宅基地能买卖吗", "任何一句话。", 0.5),  # nothing of the kind asked
        ("啥叫网格员", "网格员是指在社区网格中负责信息采集的人员。", 1.0),
        ("啥叫网格员", "立即组织网格员上门走访。", 0.0),  # 立即 is no definition
        ("盗窃案件这几年是多了还是少了", "盗窃案件连续三年下降。", 1.0),
        ("盗窃案件这几年是多了还是少了", "依法打击盗窃犯罪。", 0.0),
        ("到2025年托育要达到啥目标", "到2025年，每千人口拥有3岁以下婴幼儿托位数达到4.5个。", 1.0),
        ("妇女人均预期寿命目标是多少", "妇女人均预期寿命延长至78.1岁；", 1.0),  # a target reached: 延长至
        ("吸毒的人是不是少了", "吸毒人员同比下降68.2%。", 1.0),
        ("垃圾分类干得好的小区有奖励吗", "对成效突出的小区给予激励。", 1.0),
        ("垃圾分类干得好的小区有奖励吗", "开展垃圾分类宣传。", 0.0),
    ],
)
def test_form_fit(question, sentence, fit):
    assert form_fit(sentence, asked_form(normalize(question))) == fit


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("大气污染防治的重点任务多长时间通报一回", "frequency"),
        ("这个规划几年评一次", "frequency"),
        ("县里领导一年开几次调度会", "frequency"),
        ("抓了几次", "amount"),  # a count, not how often
        ("办证要多久", "duration"),
        ("评估组是谁牵头", "place"),  # who is responsible: a body
        ("地质灾害防治由谁负责", "place"),
        ("小孩在网上的隐私谁来保护", "none"),  # whether anyone does: a provision answers it
    ],
)
def test_how_often_and_who_is_responsible(question, kind):
    assert expected(normalize(question)).kind == kind


def test_a_frequency_is_stated_in_the_documents_words():
    asked = expected("重点任务多长时间通报一回")
    assert satisfies("每月调度通报重点任务进展情况。", asked) == 1.0
    assert satisfies("对规划实施实行年度监测、中期评估和终期评估。", asked) == 1.0
    assert satisfies("推动各项工作任务落地落实。", asked) == 0.0
