"""The safety override: emergencies always reach 110/119/120; negation, past events and hazards do not."""

import pytest

EMERGENCIES = [
    ("楼下有两伙人在打架，有人拿着刀", "110"),
    ("我老公喝醉了在家打我，我躲在厕所里", "110"),
    ("有人在我家门口拿着棍子威胁要杀了我", "110"),
    ("我家孩子放学到现在还没回来，找不到了", "110"),
    ("我爸有老年痴呆，早上出门到现在都没回来", "110"),
    ("有个女的站在大桥栏杆外面，好像要往下跳", "110"),
    ("朋友发微信说不想活了", "110"),
    ("我刚刚被骗了五万块，对方让我转到安全账户", "110"),
    ("路口发生车祸了，有人躺在地上不动了", "110"),
    ("一百多人堵在政府门口，有人在推搡", "110"),
    ("前面那辆车开得歪歪扭扭的，司机肯定是喝多了还在开车", "110"),
    ("我家厨房着火了，油锅起火扑不灭", "119"),
    ("对面楼的阳台在冒黑烟", "119"),
    ("楼道里一股很大的燃气味，好像哪家漏气了", "119"),
    ("电梯卡在两层中间，里面有个老人和小孩", "119"),
    ("我被困在电梯里出不去了", "119"),
    ("有人掉到河里了，快来人", "119"),
    ("化工厂爆炸了，浓烟滚滚", "119"),
    ("家里老人突然晕倒了，叫不醒", "120"),
    ("我爸胸口疼得厉害，喘不上气", "120"),
    ("路边有个人倒在地上口吐白沫", "120"),
    ("我老婆要生了，羊水破了", "120"),
]

NOT_EMERGENCIES = [
    "刚才跟别人的车剐蹭了，没有人受伤，对方不肯走保险",  # still 110, but not an emergency-level answer
    "燃气费这个月收得特别多",
    "燃气灶打不着火了，不是漏气，想约燃气公司上门看看",
    "小区电梯坏了两个多星期了，一直没人修",
    "消防通道被私家车堵死了，万一着火消防车根本进不来",
    "去年我被电信诈骗了两万块，已经报过案了，想问问案子有没有进展",
    "上周小区里有人打架，物业也不管，监控都是坏的",
    "以前这个路口发生过车祸，建议装个红绿灯",
    "我收到一条短信说我医保卡被冻结了，要我点链接，这是不是诈骗",
    "楼上邻居每天晚上十一点以后还在跺脚，吵得睡不着",
    "公园里的健身器材坏了，孩子玩的时候差点受伤",
    "建议在河边多设一些防溺水的警示牌",
    "三年前家里着过火，房子一直没人修",
    "工厂烟囱每天冒黑烟，呛得人嗓子疼",
    "请问家里的灭火器多久需要换",
]


@pytest.mark.parametrize("text, platform", EMERGENCIES)
def test_emergency_goes_to_emergency_platform(engine, text, platform):
    result = engine.triage(text)
    assert result.platform == platform, result.reasons
    assert result.transfer_item_id is not None
    assert any("安全优先" in r for r in result.reasons) or platform == "110"


@pytest.mark.parametrize("text, platform", EMERGENCIES)
def test_emergency_does_not_need_the_model(rules_engine, text, platform):
    assert rules_engine.triage(text).platform == platform


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_ordinary_requests_do_not_raise_an_emergency(engine, text):
    result = engine.triage(text)
    assert not result.emergency, result.reasons
    assert result.platform not in ("119", "120"), result.reasons


def test_negated_injury_leaves_a_traffic_case_with_110(engine):
    result = engine.triage("刚才在路口跟别人的车剐蹭了，没有人受伤，对方不肯走保险")
    assert result.platform == "110"
    assert result.level == "一般"


def test_rejected_alarm_is_explained(engine):
    result = engine.triage("燃气灶打不着火了，不是漏气")
    assert result.platform == "12345"
    assert result.department == "rq"


def test_major_incident_level(engine):
    assert engine.triage("煤矿那边发生了爆炸，好多人被困在井下").level in ("重大", "特别重大")
    assert engine.triage("暴雨后几十人被困，已有多人死亡").level == "特别重大"


@pytest.mark.parametrize("text, platform", [("我们三个人被关在电题里出不来", "119"), ("楼道里有很大的媒气味", "119")])
def test_typos_do_not_hide_an_emergency(engine, text, platform):
    assert engine.triage(text).platform == platform


def test_follow_up_on_a_reported_theft_stays_with_12345(engine):
    result = engine.triage("上个月家里被盗，派出所立案了，到现在没有消息，想咨询一下")
    assert result.platform == "12345" and result.department == "gaj"


def test_model_safety_net_is_suppressed_by_an_explicit_negation(engine):
    # The list discounted the alarm ("没有人受伤"); the model must not raise it again.
    result = engine.triage("刚才倒车的时候碰到了别人的车，没有人受伤")
    assert result.platform == "110" and not result.emergency


def test_model_safety_net_explains_itself():
    from liandong.triage.engine import MODEL_EMERGENCY_THRESHOLD

    assert 0 < MODEL_EMERGENCY_THRESHOLD < 1
