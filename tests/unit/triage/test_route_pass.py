"""The route pass (2026-12-02): near-miss alarms in short written posts, thing-subjects, durations, followers,
opening labels, alongside alerts, and duties that routed to the wrong unit."""

import pytest

EMERGENCY = {"110", "119", "120"}


@pytest.mark.parametrize(
    "title, text",
    [
        # a collapse told in a short written post, nothing happening now
        ("村口老屋没人管", "陵川县礼义镇我们村头有一间多年没人住的土房，后墙裂了，屋顶塌了一角，旁边就是赶集的路，请有关部门看看。"),
        # a missing person of years ago, searched for ever since
        ("母亲走失多年一直在找", "我母亲八年前在阳城县走失了，家里一直在找，至今没有消息，想问问公安现在有没有新的查找办法，怎么登记。"),
    ],
)
def test_a_short_written_post_needs_a_live_word(engine, title, text):
    result = engine.triage(text, title=title)
    assert result.platform == "12345"
    assert any("书面留言" in r or "已经过去" in r for r in result.reasons)


def test_the_same_collapse_as_a_live_call_still_alerts(engine):
    assert engine.triage("快来人，我们家房子塌了，我爸还在里面").platform in EMERGENCY


@pytest.mark.parametrize("text", ["我那个手机才用了两个月，电池就不行了，店里说不保修", "这台洗衣机也不行了，刚过保修期就坏"])
def test_a_thing_that_stopped_working_is_not_a_patient(engine, text):
    result = engine.triage(text)
    assert result.platform == "12345"


@pytest.mark.parametrize("text", ["我爸突然就不行了，快来救护车", "老人快不行了，叫不醒"])
def test_a_person_who_is_failing_still_goes_to_120(engine, text):
    assert engine.triage(text).platform == "120"


def test_a_duration_of_years_is_past(engine):
    assert engine.triage("我哥走失十年了，想问问还能不能登记血样比对").platform == "12345"


def test_living_with_me_is_not_being_followed(engine):
    result = engine.triage("我母亲是高平市的居民医保，现在跟着我在北京住，异地就医备案怎么办")
    assert result.platform == "12345"
    assert engine.triage("有个男的从超市出来一直跟着我，我现在很害怕").platform == "110"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("举报：我们村东头有人在河滩上倒建筑垃圾，好几车了，河边都是。", "report"),
        ("建议：小区门口的公交站往东挪五十米，现在站在路口容易堵车。", "suggestion"),
        ("【网上留言】投诉：某某快递网点包裹扔在地上，不送上门。", "complaint"),
    ],
)
def test_a_body_opening_label_names_the_request_type(engine, text, kind):
    result = engine.triage(text)
    assert result.request_type == kind
    assert any("开头写明" in r for r in result.reasons)


def test_fire_with_people_not_out_brings_120(engine):
    result = engine.triage("二楼着火了，烟很大，我奶奶还在屋里没出来")
    assert result.platform == "119"
    assert "120" in result.secondary_platforms


def test_a_self_harm_caller_alone_brings_the_police(engine):
    result = engine.triage("我同学刚给我发消息说不想活了，他一个人在家，电话不接")
    assert result.platform == "120"
    assert "110" in result.secondary_platforms


@pytest.mark.parametrize(
    "text, unit",
    [
        ("我们村的灌溉水渠冲垮了一段，地浇不上，想请水利部门帮忙修", "slj"),
        ("请问从韩国进口食品来卖，检验检疫去哪里办", "hg"),
        ("听说明年居民自来水价格要上调，有没有听证", "fgw"),
        ("楼下烧烤店十几个液化气罐堆在门口太阳底下晒，请消防来查查", "xfzd"),
        ("村里有个人给人扎针看病，他根本没有行医资格，请卫健部门查一下", "wjw"),
        ("我们一家户口不在晋城，孩子想在泽州县上小学，需要什么材料", "jyj"),
    ],
)
def test_duties_routed_to_the_unit_that_acts(engine, text, unit):
    assert engine.triage(text).department == unit


@pytest.mark.parametrize(
    "title, text, unit",
    [
        # the conduct (monopoly, false advertising) decides over the goods it concerns
        ("热水器经销商价格垄断", "我们县几家卖燃气热水器的店价格一模一样，燃气灶也是，燃气公司的人还只让用他们家的。希望查一查。", "scjgj"),
        ("商场门口写着全网最低价", "商场外墙写着全网最低价，进去一看同款比网上贵好几百，店员说是噱头，请有关部门查处。", "scjgj"),
        ("有人私自砍伐后山柏树", "我们村后山上这几天有人私自砍伐柏树，拉了好几车，不知道有没有手续，请有关部门查一查。", "zrzyj"),
    ],
)
def test_the_request_over_the_object(engine, title, text, unit):
    assert engine.triage(text, title=title).department == unit


def test_travel_as_the_purpose_of_a_passport_is_incidental(engine):
    assert engine.triage("你好，我想办个护照，明年出国旅游用，要准备什么材料").department == "gaj"


def test_prepaid_card_filing_goes_to_commerce(engine):
    assert engine.triage("请问开美容店的单用途预付卡备案到哪里办").department == "swj"


def test_looking_into_it_is_not_a_consultation(engine):
    result = engine.triage("乡村公路坑坑洼洼，拉粮的车都过不去，好几年了也没修。希望领导能过问一下，尽快派人修一修。", title="村里公路破损严重")
    assert result.request_type != "consult"


def test_the_way_to_school_is_a_place(engine):
    result = engine.triage("我们村口有间没人住的危房，墙裂了好几道缝，旁边就是孩子上学的路，请有关部门尽快拆除。", title="村口危房没人管")
    assert result.department == "zjj"


def test_a_suspected_cause_is_not_a_hazard(engine):
    result = engine.triage("我妈在屋里生了个炉子，门窗都关着，现在叫不醒了，可能是煤气中毒")
    # gas goes first (ventilate, shut the source), the ambulance alongside; both are alerted
    assert {result.platform, *result.secondary_platforms} >= {"119", "120"}
    assert not any("隐患、假设或担心" in r for r in result.reasons)


def test_a_ba_construction_swallow_is_poisoning(engine):
    result = engine.triage("我家娃刚才把一瓶消毒液喝了一口，现在一直哭")
    assert (result.platform, result.transfer_item_id) == ("120", "E120-04")


def test_prevention_of_gas_poisoning_is_not_an_alarm(engine):
    assert engine.triage("建议社区冬天多宣传一下怎么预防煤气中毒").platform == "12345"


@pytest.mark.parametrize(
    "text, need",
    [
        ("我们几个在山上迷路了，天黑了下不去，有个人脚崴了走不动", {"119", "120"}),
        ("楼下仓库着火了，楼道里全是烟，我们在六楼下不去", {"119", "120"}),
    ],
)
def test_cannot_get_down_is_trapped(engine, text, need):
    result = engine.triage(text)
    assert {result.platform, *result.secondary_platforms} >= need


def test_the_body_impersonated_does_not_decide(engine):
    result = engine.triage("这两天有人冒充供电公司上门，说要换电表，每户收三百，我们小区好几家都交了。", title="有人冒充供电公司上门收费")
    assert result.department == "gaj"


def test_impersonated_is_read_before_the_word():
    from liandong.triage.focus import is_impersonated

    text = "有人冒充燃气公司上门，后来问了燃气公司，说没派人"
    first, second = text.find("燃气公司"), text.rfind("燃气公司")
    assert is_impersonated(text, first) and not is_impersonated(text, second)
