"""Routing words that are not said (route pass 2026-12-03): a service keyword inside another word ("赡养老人" holds
no "养老", "本来" no "房本"), a duty word inside a place name ("下村镇" is a town, not 村镇建设), and matters the list
named only by a neighbouring word (购房补贴, a food workshop, a driving school's fees)."""

import pytest


@pytest.mark.parametrize(
    "text, unit, not_unit",
    [
        ("我今年个税的专项附加扣除，赡养老人那个，我和我哥俩人怎么分啊", "sw", "rsj"),
        ("问一下啊，赡养老人的那个扣除，个税上是不是每个月能减一些", "sw", "rsj"),
    ],
)
def test_a_keyword_inside_another_word_is_not_said(engine, text, unit, not_unit):
    result = engine.triage(text)
    assert result.department == unit
    assert result.department != not_unit


def test_the_keyword_inside_another_word_gives_no_reason_for_its_unit(engine):
    result = engine.triage("我今年个税的专项附加扣除，赡养老人那个，我和我哥俩人怎么分啊")
    assert not any("「养老」" in reason for alternative in result.alternatives for reason in alternative["reasons"])


def test_a_duty_word_inside_a_place_name_does_not_decide(engine):
    # "下村镇" holds 村镇 (a duty of 住建); the town is only where it happens.
    result = engine.triage("我在泽州县下村镇，想问问这边的事找谁反映")
    said = result.reasons + [reason for alternative in result.alternatives for reason in alternative["reasons"]]
    assert not any("「村镇」" in reason for reason in said)


@pytest.mark.parametrize(
    "text, unit",
    [
        ("前年买房时说好的购房补贴，到现在也没发下来，找谁都说不清", "zjj"),
        ("驾校学费一下子涨了一千块，几家驾校都一样，这合理吗", "jtj"),
        # A food workshop is a food-safety matter, wherever it is.
        ("泽州县下村镇街上有个做馒头的小作坊，卫生很差，工人也不戴口罩，请查一查", "scjgj"),
        ("我们村有个黑作坊在加工凉皮，污水横流，苍蝇到处飞", "scjgj"),
        ("有家卤肉的家庭作坊，用的肉来路不明，想举报一下", "scjgj"),
        # The less common duties (route_dev10).
        ("我去年冬天退伍回来的，请问退役士兵安置有什么政策，自主就业给多少补助", "tyjrj"),
        ("村里的光伏扶贫项目收益说好每户分红，三年了一分没见到", "nyj"),
        ("我们村的饮水井今年干了，全村吃水难，请水利部门帮忙打井", "slj"),
    ],
)
def test_matters_named_by_their_own_words(engine, text, unit):
    assert engine.triage(text).department == unit



def test_a_household_solar_connection_stays_with_the_grid_company(engine):
    # 光伏 alone is not the energy bureau's poverty-relief project: a household asks the grid company to connect.
    result = engine.triage("请问自己家房顶装光伏板发电，并网要去供电公司办什么手续？")
    assert result.department == "gd"


@pytest.mark.parametrize(
    "text",
    [
        "喂你好，我想举报一下，我们村边有个小烟花厂，没有围墙，小孩都能跑进去，里面堆着好多火药，太危险了",
        "你好，我要举报一个加油站，晚上偷偷卖散装汽油，好多人拿着桶去买，这太吓人了",
    ],
)
def test_a_report_of_a_hazard_is_not_raised_by_the_model_alone(engine, text):
    assert engine.triage(text).platform == "12345"


def test_a_report_of_a_fire_burning_now_still_alerts(engine):
    assert engine.triage("我要举报，对面的厂子着火了，火很大，烟一直往上冒").platform == "119"


@pytest.mark.parametrize(
    "text, unit, not_unit",
    [
        # A short weight said the caller's way is metrology (2026-12-06).
        ("喂，那个菜市场卖肉的秤根本不准，我买了两斤回家一称少了三两，你们管一管", "scjgj", "cgj"),
        ("早市上卖水果的那个秤也不准，跟他说他还骂人", "scjgj", "cgj"),
        # A community hospital is health, not the community office.
        ("我想问一下我们那个社区卫生服务站周末有没有医生上班，孩子咳嗽好几天了", "wjw", "sd"),
        ("社区医院打疫苗要排好几个小时的队，能不能多开一个窗口", "wjw", "sd"),
        # Firecrackers in a no-fireworks area.
        ("我们小区天天有人放鞭炮，城区不是禁放吗，一大早就把孩子吓醒了", "gaj", "zjj"),
    ],
)
def test_units_said_the_callers_way(engine, text, unit, not_unit):
    result = engine.triage(text)
    assert result.department == unit, result.reasons
    assert result.department != not_unit


def test_oxygen_fees_on_an_ambulance_bill_are_not_gas_fees(engine):
    result = engine.triage("我要投诉一下救护车收费，拉了五公里收了六百多，还有什么出诊费、氧气费，这个有没有标准")
    assert result.department == "wjw", result.reasons
