"""Second route pass (2026-12-02): the unit a request names, the writer's self-introduction, absence as the matter,
place names, and duties the transfer list lacked. New phrasings, not the development bank's sentences."""

import pytest

from liandong.triage.catalog import Unit
from liandong.triage.names import UnitNames, core_of

UNITS = {
    "zjj": Unit("zjj", "市住房和城乡建设局"),
    "cgj": Unit("cgj", "市城市管理局"),
    "scjgj": Unit("scjgj", "市市场监督管理局"),
    "gjj": Unit("gjj", "市住房公积金管理中心"),
    "sw": Unit("sw", "国家税务总局晋城市税务局"),
    "gd": Unit("gd", "国网晋城供电公司"),
    "gaj": Unit("gaj", "市公安局"),
    "hg": Unit("hg", "晋城海关"),
    "sd": Unit("sd", "属地县（市、区）政府及乡镇（街道）"),
}


@pytest.mark.parametrize(
    "name, core",
    [("市住房和城乡建设局", "住房和城乡建设"), ("市城市管理局", "城市管理"), ("市市场监督管理局", "市场监督管理"),
     ("市住房公积金管理中心", "住房公积金管理"), ("国家税务总局晋城市税务局", "税务"), ("国网晋城供电公司", "供电"), ("晋城海关", "海关")],
)
def test_the_core_of_a_unit_name(name, core):
    assert core_of(name, ("晋城市", "晋城")) == core


@pytest.fixture(scope="module")
def names():
    return UnitNames.from_units(UNITS, city_names=("晋城市", "晋城"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("请住建部门督促开发商整改", {"zjj"}),
        ("希望城管来管一管", {"cgj"}),
        ("麻烦市场监管局查一下", {"scjgj"}),
        ("请工商部门和城管部门联合执法", {"scjgj", "cgj"}),
        ("请公积金中心加快审批", {"gjj"}),
        ("请税务局核实", {"sw"}),
        ("希望供电公司换个变压器", {"gd"}),
        ("请派出所出面调解", {"gaj"}),
        ("请镇政府协调一下", {"sd"}),
        ("需要到海关办什么手续", {"hg"}),
        # short forms without an organisational word are topics, not bodies
        ("卫生条件太差，公积金提取不了，交通也乱", set()),
        # denied, pretended, or only reported
        ("这不是城管的事", set()),
        ("有人冒充供电公司的人上门收费", set()),
        ("城管说这不归他们管", set()),
        ("请有关部门尽快处理", set()),
    ],
)
def test_bodies_named_in_a_text(names, text, expected):
    assert set(names.named(text)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("希望住建部门督促物业", {"zjj"}),
        ("需要在税务局登记吗", {"sw"}),
        ("城管管得太严，到处都不让摆摊", set()),  # the body is what the story is about, not asked to act
    ],
)
def test_in_a_request_sentence_the_body_must_be_asked(names, text, expected):
    assert set(names.named(text, asked=True)) == expected


@pytest.mark.parametrize(
    "title, text, unit",
    [
        # the request names the body: it outweighs a topic word met on the way
        ("想成立一个书法协会", "我们几个退休老师平时一起练字，想成立一个书法协会，请问需要在民政局登记吗？要多少会员？", "mzj"),
        ("新区买菜太远", "新区现在没有一个买菜的地方，每天坐公交去老城区买菜。建议商务部门在新区规划一个早市。", "swj"),
        ("村里吃水成了难题", "村里的吃水全靠一眼机井，水泵坏了一个月，希望水务部门帮忙解决饮水问题。", "slj"),
    ],
)
def test_the_unit_a_request_names_weighs(engine, title, text, unit):
    result = engine.triage(text, title=title)
    assert result.department == unit
    assert any("诉求点名" in r for r in result.reasons + [x for a in result.alternatives for x in a["reasons"]])


@pytest.mark.parametrize(
    "title, text, unit",
    [
        ("慢病门诊怎么办", "我父亲有糖尿病，听说可以办慢病门诊，在哪里申请慢病认定？一年能报多少？", "ybj"),
        ("承包地流转到期", "十年前把承包地流转给了合作社，合同今年到期，续签有没有指导价？", "nyncj"),
        ("宗教活动场所怎么申请", "村里几位老人信教，想开设一个正式的宗教活动场所，应该去哪里申请？", "sd"),
        ("山上有人私挖滥采", "后山上天天有挖掘机私挖滥采，拉矿石的车一天几十趟，不知道有没有采矿手续。", "zrzyj"),
        ("老楼想安装电梯", "我们楼是六层的老楼，住的老人多，大家都同意安装电梯，不知道该怎么申请。", "zjj"),
        ("小区健身广场的器材坏了", "小区健身广场的健身器材坏了好几个，孩子在上面玩很危险。", "tyj"),
        ("公园里健身器材坏了", "公园里的健身器材坏了好久，扶手都松了，希望尽快修一修。", "cgj"),
    ],
)
def test_duties_the_list_lacked(engine, title, text, unit):
    assert engine.triage(text, title=title).department == unit


@pytest.mark.parametrize(
    "title, text, unit",
    [
        # what is missing is the matter: a signal, a fire extinguisher, a hoarding
        ("路口没有信号灯", "新修的两条路交叉的路口一直没有信号灯，早晚货车和电动车抢着过，孩子上学必经这里，请尽快处理。", "gaj"),
        ("工地没有任何围挡", "我们镇上的工地没有任何围挡，砖头老往人行道上掉，路人都绕着走。", "zjj"),
    ],
)
def test_a_missing_thing_is_the_matter_of_a_service_request(engine, title, text, unit):
    assert engine.triage(text, title=title).department == unit


@pytest.mark.parametrize(
    "text, negated",
    [("路口没有信号灯", False), ("小区无消防设施", False), ("不是物业的问题", True), ("网吧里没有人查身份证", True)],
)
def test_absence_is_told_from_denial(text, negated):
    from liandong.triage.rules import legacy_judge

    class Item:
        platform, check_negation, check_hypothetical, check_past = "12345", True, False, False

    word = next(w for w in ("信号灯", "消防设施", "物业", "身份证") if w in text)
    assert (legacy_judge(Item, text, text.index(word), text.index(word) + len(word)) == "否定") is negated


@pytest.mark.parametrize(
    "text, intro",
    [
        ("我是个体户，平时在镇上做点小生意", True),
        ("我们几个退休老师平时一起练字", True),
        ("我在一家物流公司上班三年了", True),
        ("我家楼下的烧烤店天天营业到半夜", False),
        ("物业说这不归他们管", False),
    ],
)
def test_the_writers_self_introduction(text, intro):
    from liandong.triage.focus import Layout

    assert Layout(text).is_intro(2, 3) is intro


@pytest.mark.parametrize(
    "text",
    ["我是个体户，在镇上开了个小超市。村里的老年活动中心冬天一直锁着门，老人们没地方去，希望能开放。",
     "我是开出租车的，老家在陵川。我想给我母亲办一个高龄津贴，需要什么材料？"],
)
def test_a_topic_word_in_the_self_introduction_weighs_less(engine, monkeypatch, text):
    import re

    from liandong.triage import focus

    with_intro = engine.triage(text)
    monkeypatch.setattr(focus, "INTRO", re.compile(r"(?!)"))
    without = engine.triage(text)
    assert with_intro.scores["score_top"] < without.scores["score_top"]
    assert with_intro.confidence < without.confidence


@pytest.mark.parametrize(
    "title, text, kind",
    [
        # a question in a message that asks to be helped is a request for help
        ("母亲卧床，家里困难", "我母亲卧床三年了，家里就靠我打零工，想问一下能不能申请临时救助？希望民政部门帮帮我们。", "help"),
        # the writer is harmed: a complaint, though the wrong is also against the rules
        ("厂子晚上偷偷排烟", "村边的厂子一到半夜就偷偷排烟，我家孩子咳嗽得睡不着，窗户都不敢开，请环保部门晚上来查一查。", "complaint"),
        # "咨询过" is what was already done
        ("墓地太贵", "父亲去世了，最便宜的墓位也要五万，我们去民政局咨询过，说公益性公墓还没建好。老百姓真的负担不起，希望管一管墓地的价格。", "complaint"),
    ],
)
def test_request_type_from_the_request(engine, title, text, kind):
    assert engine.triage(text, title=title).request_type == kind


@pytest.mark.parametrize(
    "text, word, place",
    [
        ("我家住在电厂宿舍三号楼", "电厂", True),
        ("我们是水泥厂生活区的住户", "水泥", True),
        ("教师村小区的老楼想加装电梯", "教师", True),
        ("电厂的烟囱天天冒黑烟", "电厂", False),
        ("学校的老师收补课费", "老师", False),
    ],
)
def test_a_word_inside_a_compounds_name_is_a_place(text, word, place):
    from liandong.triage.focus import is_landmark

    start = text.index(word)
    assert is_landmark(text, start, start + len(word)) is place


@pytest.mark.parametrize(
    "title, text, unit",
    [
        # the law the writer cites is an argument, not the matter
        (None, "有住户在公共楼梯的安全通道上装了防盗门，按照《物业管理条例》的规定，业主不得占用公共部位，请尽快处理。", "xfzd"),
        (None, "楼道里的消防栓被人拆走了，根据《物业管理条例》第五十一条的规定物业应当维护，请尽快处理。", "xfzd"),
        # a compound named after a works is an address
        ("水泥厂生活区下水道堵了", "水泥厂生活区的下水道堵了一个星期，污水漫到路上，没人来疏通。", "cgj"),
    ],
)
def test_cited_laws_and_compound_names_do_not_route(engine, title, text, unit):
    assert engine.triage(text, title=title).department == unit


def test_in_a_request_sentence_the_clause_that_asks_weighs_most(engine):
    # one sentence: the lift is what happened, the property company is what the caller asks to be dealt with
    text = "我们小区的电梯坏了一个礼拜也不修，我住十二楼，每天爬上爬下的，你们管一管这个物业嘛。物业说配件还没到。"
    result = engine.triage(text)
    assert result.department == "zjj"
    assert result.alternatives[1]["department"] == "scjgj"


@pytest.mark.parametrize(
    "text, unit",
    [
        ("这几家装修公司商量好了一起涨价，这不是垄断吗？", "scjgj"),  # a rhetorical question asserts
        ("国道边的护栏被大车撞倒了一长段，到现在也没人修。", "jtj"),  # a highway's roadside facilities
        ("后山上有人私自采石料，天天放炮，拉石头的车把路都压坏了。", "zrzyj"),
        ("我寄的包裹一直在分拣中心放着，半个月了不派送。", "yzj"),
    ],
)
def test_more_duties_and_a_rhetorical_question(engine, text, unit):
    assert engine.triage(text).department == unit
