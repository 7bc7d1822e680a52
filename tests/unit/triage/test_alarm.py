"""Emergency detection read like a dispatcher: whole words, the cue's own sentence, tense and aspect, hazard vs
event, figures of speech, background of long messages — and the calls that must never be missed."""

import pytest

from liandong.triage.alarm import AlarmJudge, sentence_of
from liandong.triage.rules import parse_transfer_list

EMERGENCY = {"110", "119", "120"}

# ---------------------------------------------------------------- must reach 110/119/120 (rules alone, no model)

NEVER_MISS = [
    # (text, primary platform, other platforms that must be alerted too)
    ("我吃了一整瓶安眠药，现在后悔了", "120", set()),
    ("孩子误喝了消毒液，就喝了一口，现在一直在吐", "120", set()),
    ("我爸喝了农药，是百草枯，刚发现的，人还清醒，你们快来", "120", set()),
    ("我老伴误把84消毒液当成矿泉水喝了一大口，现在嗓子疼得说不出话", "120", set()),
    ("我闺女吞了好几颗纽扣电池，刚才自己说的，现在说肚子疼", "120", set()),
    ("我，我刚才把我妈的降压药全吃了，大概二十多片，现在心跳得厉害", "120", set()),
    ("我刚刚用刀割了手腕，流了好多血，我有点怕了", "120", set()),
    ("朋友发微信说不想活了，现在电话也打不通", "120", set()),
    ("我不想活了，药我已经准备好了，就在手边", "120", set()),
    ("我儿子把自己反锁在屋里，说要喝农药，怎么劝都不开门", "120", set()),
    ("有个女的站在大桥栏杆外面，好像要往下跳", "120", {"110", "119"}),
    ("我们小区十八楼楼顶上坐着一个女的，腿都伸到外面了，喊她也不理", "120", {"110"}),
    # Others in danger: the police lead, 120 is alerted alongside.
    ("他拿着刀站在阳台上，说谁过来就先捅死谁，然后自己也不活了", "110", {"120"}),
    ("我哥喝多了把煤气打开了，说要跟全家同归于尽，我们跑出来了", "110", {"120", "119"}),
]

EMERGENCIES = [
    ("楼下有两伙人在打架，有人拿着刀", "110"),
    ("我老公喝醉了在家打我，我躲在厕所里", "110"),
    ("有人在我家门口拿着棍子威胁要杀了我", "110"),
    ("我家孩子放学到现在还没回来，找不到了", "110"),
    ("孩子昨天放学到现在还没回来", "110"),
    ("我爸有老年痴呆，早上出门到现在都没回来", "110"),
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
    ("化工厂那边刚才砰的一声巨响，爆炸了，现在浓烟滚滚的", "119"),
    ("家里老人突然晕倒了，叫不醒", "120"),
    ("我爸胸口疼得厉害，喘不上气", "120"),
    ("路边有个人倒在地上口吐白沫", "120"),
    ("我老婆要生了，羊水破了", "120"),
    ("我奶奶在厕所摔了一跤，头磕到马桶上了，一直在流血，止不住", "120"),
]


@pytest.mark.parametrize("text, platform, others", NEVER_MISS)
def test_never_miss_overdose_poisoning_self_harm(rules_engine, text, platform, others):
    result = rules_engine.triage(text)
    assert result.platform == platform, result.reasons
    assert others <= set(result.secondary_platforms), (result.secondary_platforms, result.reasons)
    assert result.emergency and result.transfer_item_id
    assert any("安全优先" in r for r in result.reasons)


@pytest.mark.parametrize("text, platform, others", NEVER_MISS)
def test_never_miss_with_the_model_and_in_a_long_message(engine, text, platform, others):
    # The same call written into a long, rambling board message, with a title about something else.
    long_text = (
        "我们家这几年一直不顺，去年我爸做了手术，今年我又丢了工作，房贷也快还不上了，找了社区也没人管。"
        "我知道政府工作很忙，可是我真的撑不住了。" + text + "。希望有人能帮帮我们。"
    )
    assert engine.triage(text).platform == platform
    assert engine.triage(long_text, title="求助").platform in EMERGENCY


@pytest.mark.parametrize("text, platform", EMERGENCIES)
def test_emergency_goes_to_its_platform(engine, text, platform):
    result = engine.triage(text)
    assert result.platform == platform, result.reasons
    assert result.transfer_item_id is not None


@pytest.mark.parametrize("text, platform", EMERGENCIES)
def test_emergency_does_not_need_the_model(rules_engine, text, platform):
    assert rules_engine.triage(text).platform == platform


# ---------------------------------------------------------------- the failure classes of issue 12: not emergencies

# (class, text as people write it, a fragment of the reason the call-taker sees, or None when no alarm word matches)
NOT_EMERGENCIES = [
    ("past", "我们小区这几年几次发生起火，好在都发现得早，希望物业把消防设施好好修一修", "经常、多次"),
    ("past", "去年冬天楼里有户人家煤气中毒，被送到医院抢救过来了，想问问燃气报警器去哪里装", "已经"),
    ("past", "前年这栋楼着过一次火，到现在楼道墙上还是黑的，希望物业重新粉刷一下", None),
    ("past", "2019年我们单元着火了，烧坏了两户人家，到现在赔偿也没落实", "过去"),
    ("past", "以前这个路口发生过车祸，建议装个红绿灯", None),
    ("habit", "我家老人经常被困电梯，物业每次都说是停电导致的，请督促维保单位彻底检修", "经常、多次"),
    ("habit", "这条路交通事故频发，附近的居民出门都提心吊胆，建议交警部门装个红绿灯", "经常、多次"),
    ("habit", "我们这一片去年夏天好几次停电，有人被困在电梯里", None),
    ("substring", "我们村贫困人口比较多，希望多给一些产业扶持政策", "一部分"),
    ("substring", "我家是享受困难补助的低保户，今年的补助一直没发，村里说名额调整了", "一部分"),
    ("substring", "学校体罚学生，对我家孩子造成了严重伤害，孩子现在不敢去上学了", "一部分"),
    ("substring", "不知道有关人员有没有意识到问题的严重性，希望尽快整改", "一部分"),
    ("substring", "游乐场的跳楼机排了一个小时队，结果说设备维护不开了，门票也不给退", "一部分"),
    ("substring", "那是我妈看病的救命钱啊，公司扣着工资不发，都拖了半年了", "一部分"),
    ("idiom", "楼上那家天天装修，电钻从早响到晚，真是烦得不行了", "程度说法"),
    ("idiom", "不交钱就不给办证，这跟绑架勒索有什么区别？", "绑架"),
    ("idiom", "不退押金还威胁我们，这跟绑架有什么区别？", "比喻或反问"),
    ("idiom", "这种霸王条款，简直就是明抢", "比喻或反问"),
    ("idiom", "小区的下水道隔三差五就堵，物业修了好几回，至今没有找到原因", None),
    ("hazard", "我们小区楼道里好多人给电动车充电，飞线拉得到处都是，存在火灾隐患，万一着火了后果不堪设想", "隐患"),
    ("hazard", "我家的老房子墙裂了一道大缝，希望有关部门尽快排查加固，以免房屋倒塌伤人", "隐患"),
    ("hazard", "饭店的液化气罐就摆在人行道上，太阳晒着，迟早会爆炸，你们管管", "隐患"),
    ("hazard", "消防通道被私家车堵死了，万一着火消防车根本进不来", "隐患"),
    ("smoke", "我们村东边的焦化厂一到晚上烟囱就浓烟滚滚，呛得人晚上都不敢开窗", None),
    ("smoke", "家门口那个砖厂一到半夜就冒黑烟，一股焦糊味，熏得人头疼", None),
    ("scam", "我父亲前年被电信诈骗转走了三万块，至今没有追回来，想问问案子有没有进展", None),
    ("scam", "去年在网上被骗过一次，转了八千块给对方，后来报了警也没追回来，想问问还有没有可能", None),
    ("negation", "刚才倒车的时候碰到了别人的车，没有人受伤，对方不肯走保险", None),
    ("negation", "燃气灶打不着火了，不是漏气，想约燃气公司上门看看", None),
    ("consult", "请问家里的灭火器过期了去哪里换", None),
    ("consult", "想问一下急救培训在哪里报名，家里有老人，怕哪天突然晕倒", None),
]


@pytest.mark.parametrize("kind, text, why", NOT_EMERGENCIES)
def test_failure_classes_do_not_raise_an_emergency(engine, kind, text, why):
    result = engine.triage(text)
    assert result.platform not in ("119", "120"), (kind, result.reasons)
    assert not result.emergency, (kind, result.reasons)
    if why is not None:
        assert any("未触发" in r and why in r for r in result.reasons), (kind, result.reasons)


@pytest.mark.parametrize("kind, text, why", NOT_EMERGENCIES)
def test_failure_classes_without_the_model(rules_engine, kind, text, why):
    assert rules_engine.triage(text).platform not in ("119", "120")


def test_factory_smoke_is_pollution_for_the_environment_bureau(engine):
    result = engine.triage("我们村东边的焦化厂一到晚上烟囱就浓烟滚滚，呛得人晚上都不敢开窗，希望环保部门管一管")
    assert result.platform == "12345" and result.department == "sthjj", result.reasons


def test_background_of_a_long_message_is_not_an_emergency(engine):
    body = (
        "我是城区凤台街的居民，我们小区物业这两年越来越不像话。去年冬天楼里有户人家着火了，消防车都开不进来。"
        "现在楼道里电动车乱停乱放，单元门的门禁坏了三个月没人修，楼道灯也是坏一半亮一半，晚上老人上下楼只能摸黑。"
        "绿化带里的杂草长得比人还高，夏天蚊子多得没法开窗。找物业经理，他说公司没钱，要等业主把欠费补齐了才能修。"
        "我们都是普通工薪家庭，遇到这种事真的是耗不起。希望住建部门督促物业公司履行合同，尽快把公共设施修好。"
    )
    result = engine.triage(body, title="小区物业管理混乱")
    assert result.platform == "12345" and result.department == "zjj", result.reasons


def test_a_fire_happening_now_in_a_long_message_still_counts(engine):
    body = (
        "我是城区凤台街的居民，我们小区物业这两年越来越不像话，楼道里电动车乱停乱放，说了很多次也没人管。"
        "现在楼下的电动车着火了，烟已经冒到三楼了，快派消防车来！"
    )
    assert engine.triage(body, title="急！楼下着火了").platform == "119"


# ---------------------------------------------------------------- the judge itself

RULES = parse_transfer_list(
    {
        "item": [
            {"id": "FIRE", "direction": "emergency", "platform": "119", "keywords": ["着火", "起火", "火灾"]},
            {"id": "TRAP", "direction": "emergency", "platform": "119", "keywords": ["困人", "跳楼"]},
            {"id": "POISON", "direction": "emergency", "platform": "120", "never_miss": True, "keywords": ["安眠药"]},
        ]
    }
)


def _bounds(words):
    """Word boundaries from an explicit segmentation (the judge is pure: jieba is injected in production)."""

    def bounds(text, start, end):
        offsets, position = {0, len(text)}, 0
        for word in words:
            found = text.find(word, position)
            offsets.update((found, found + len(word)))
            position = found + len(word)
        return frozenset(offsets)

    return bounds


@pytest.mark.parametrize(
    "text, words, item, expected",
    [
        ("楼下着火了", ["楼下", "着火", "了"], "FIRE", None),
        ("贫困人口很多", ["贫困", "人口", "很多"], "TRAP", "一部分"),
        ("游乐场的跳楼机", ["游乐场", "的", "跳楼机"], "TRAP", "一部分"),
        ("电梯困人了", ["电梯", "困人", "了"], "TRAP", None),
        ("小区几次发生起火", ["小区", "几次", "发生", "起火"], "FIRE", "经常"),
        ("去年家里着过火", ["去年", "家里", "着", "过", "火"], "FIRE", None),  # "着火" is not even a word here
        ("楼道存在火灾隐患", ["楼道", "存在", "火灾", "隐患"], "FIRE", "隐患"),
        ("现在楼下着火了，去年也着过", ["现在", "楼下", "着火", "了"], "FIRE", None),
        ("我以前吃过安眠药", ["我", "以前", "吃", "过", "安眠药"], "POISON", "过去"),
        ("我吃了一整瓶安眠药，现在后悔了", ["我", "吃", "了", "一整瓶", "安眠药"], "POISON", None),
    ],
)
def test_judge(text, words, item, expected):
    judge = AlarmJudge(text, bounds=_bounds(words))
    target = RULES.get(item)
    match = target.regex.search(text)
    if match is None:
        assert expected is None
        return
    why = judge(target, text, match.start(), match.end())
    if expected is None:
        assert why is None
    else:
        assert why is not None and expected in why, why


def test_sentence_of_is_the_cue_sentence():
    text = "去年着过火。现在楼下着火了！"
    start = text.index("着火了")
    assert sentence_of(text, start, start + 2) == "现在楼下着火了"


def test_major_incident_level(engine):
    assert engine.triage("煤矿那边发生了爆炸，好多人被困在井下").level in ("重大", "特别重大")
    assert engine.triage("暴雨后几十人被困，已有多人死亡").level == "特别重大"


@pytest.mark.parametrize("text, platform", [("我们三个人被关在电题里出不来", "119"), ("楼道里有很大的媒气味", "119")])
def test_typos_do_not_hide_an_emergency(engine, text, platform):
    assert engine.triage(text).platform == platform


def test_negated_injury_leaves_a_traffic_case_with_110(engine):
    result = engine.triage("刚才在路口跟别人的车剐蹭了，没有人受伤，对方不肯走保险")
    assert result.platform == "110" and result.level == "一般" and not result.emergency


def test_follow_up_on_a_reported_theft_stays_with_12345(engine):
    result = engine.triage("上个月家里被盗，派出所立案了，到现在没有消息，想咨询一下")
    assert result.platform == "12345" and result.department == "gaj"


def test_model_safety_net_is_suppressed_by_an_item_handed_to_12345(engine):
    # "110→12345" items (dogs off the lead, noise…) are the list saying: not for 110.
    result = engine.triage("就是那个，嗯，我们小区里有人遛狗不拴绳，那狗可大了，追着我孙子跑")
    assert result.platform == "12345" and result.department == "gaj"


def test_model_safety_net_threshold():
    from liandong.triage.engine import MODEL_EMERGENCY_THRESHOLD, MODEL_POLICE_THRESHOLD

    assert 0 < MODEL_EMERGENCY_THRESHOLD < MODEL_POLICE_THRESHOLD < 1
