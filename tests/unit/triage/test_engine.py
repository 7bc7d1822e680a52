"""Engine output: the field contract, platforms, request types, units and explanations."""

import json

import pytest

from liandong.triage.engine import TriageEngine

FIELDS = {"platform", "request_type", "category", "department", "division_code", "level", "confidence", "reasons", "transfer_item_id"}


def test_output_contract(engine):
    data = engine.triage("泽州县巴公镇楼上装修噪音太大").to_dict()
    assert FIELDS <= set(data)
    json.dumps(data, ensure_ascii=False)
    assert data["platform"] == "12345"
    assert data["request_type"] == "complaint"
    assert data["department"] == "zjj"
    assert data["division_code"] == "140525"
    assert data["level"] == "一般"
    assert 0 <= data["confidence"] <= 1
    assert data["reasons"] and all(isinstance(r, str) for r in data["reasons"])
    assert 1 <= len(data["category"]) <= 3


@pytest.mark.parametrize(
    "text, platform, department, request_type",
    [
        ("小区从昨天早上就停水了，什么时候来水", "12345", "gs", "help"),
        ("请问公积金怎么提取，租房能不能提", "12345", "gjj", "consult"),
        ("举报一家饭店用地沟油", "12345", "scjgj", "report"),
        ("建议在我们村口增设一个公交站点", "12345", "jtj", "suggestion"),
        ("公司三个月没发工资了，老板躲着不见", "12345", "rsj", "complaint"),
        ("楼下的KTV每天唱到凌晨两点，吵得睡不着", "12345", "gaj", "complaint"),
        ("有个出租屋里每天晚上有人聚众赌博，现在正在赌", "110", "gaj", None),
        ("我刚发现家里被盗了，门锁被撬", "110", "gaj", None),
        ("法院判了对方还我钱，可是一直不执行，我该怎么办", "guidance", None, None),
        ("不好意思，打错了", "invalid", None, None),
        ("喂？……", "invalid", None, None),
    ],
)
def test_decisions(engine, text, platform, department, request_type):
    result = engine.triage(text)
    assert (result.platform, result.department, result.request_type) == (platform, department, request_type), result.reasons


def test_request_type_is_only_for_12345(engine):
    assert engine.triage("楼下着火了").request_type is None


def test_batch_equals_single(engine):
    texts = ["停电了", "楼上漏水", "有人打架"]
    assert [r.to_dict() for r in engine.triage_many(texts)] == [engine.triage(t).to_dict() for t in texts]


def test_engine_is_pure_and_works_without_model(catalog, transfer_list):
    engine = TriageEngine(catalog=catalog, transfer_list=transfer_list, model=None)
    result = engine.triage("暖气片漏水了")
    assert result.department == "rl"
    assert result.request_type in {"consult", "help", "complaint", "report", "suggestion"}


def test_unclear_request_falls_to_first_receiver(rules_engine):
    result = rules_engine.triage("我有个事情想反映一下")
    assert result.platform == "12345"
    assert any("首接负责制" in r for r in result.reasons)


def test_long_text_is_cut_not_rejected(engine):
    assert engine.triage("停水了" * 5000).platform == "12345"


@pytest.mark.parametrize(
    "text, platform",
    [
        ("我要报警", "110"),
        ("快来人啊", "110"),
        ("你好我想咨询一下", "12345"),  # no content: first receiver, never turned away by the model
        ("邻居家的狗咬了我孩子，流了好多血", "120"),
        ("小区里有人遛狗不拴绳", "12345"),
        ("哎呀快来人吧，挖掘机把燃气管挖破了，呼呼地往外喷气", "119"),  # the specific emergency beats the generic cry
        ("喂？喂？哦不好意思按错了", "invalid"),
    ],
)
def test_generic_calls(engine, text, platform):
    assert engine.triage(text).platform == platform


# ---------------------------------------------------------------- added fields, titles, explicit cues, incidental words

ADDED = {"needs_review", "review_label", "alternatives", "secondary_platforms"}


def test_added_fields_keep_the_old_ones(engine):
    data = engine.triage("泽州县巴公镇楼上装修噪音太大").to_dict()
    assert FIELDS | ADDED <= set(data)
    assert isinstance(data["alternatives"], list) and isinstance(data["secondary_platforms"], list)
    assert "scores" not in data


@pytest.mark.parametrize(
    "title, expected",
    [
        ("关于增开公交线路的建议", "suggestion"),
        ("咨询公积金提取的问题", "consult"),
        ("请问社保卡在哪里补办", "consult"),
        ("投诉某小区物业不作为", "complaint"),
        ("举报饭店后厨卫生脏乱", "report"),
        ("农民工讨薪求助", "help"),
    ],
)
def test_title_words_decide_the_request_type(engine, title, expected):
    body = "我们小区的情况是这样的，已经反映过好几次了，一直没有人来处理，大家意见都很大，今天再来说一下。"
    result = engine.triage(body, title=title)
    assert result.request_type == expected, result.reasons
    assert any("标题写明" in r for r in result.reasons)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我们村口那个路口经常出车祸，建议装个红绿灯", "suggestion"),
        ("请问家里的灭火器过期了去哪里换", "consult"),
        ("我要举报小区门口的饭店占道经营", "report"),
    ],
)
def test_explicit_words_in_the_body_decide(engine, text, expected):
    assert engine.triage(text).request_type == expected


@pytest.mark.parametrize(
    "text, not_unit, unit",
    [
        ("物业让每户拿身份证复印件去登记，可是楼道灯坏了一个月都没人修，物业费照收不误", "gaj", "zjj"),
        ("之前也打过12345热线反映，小区门口的垃圾堆了一个星期没人清运，臭气熏天", "dsj", "cgj"),
        ("就在实验小学后门那条巷子里，有人把建筑垃圾倒了一大堆，一直没人清运", "jyj", "cgj"),
        ("晋城是旅游城市，可是我们这条街的路灯坏了一个多月没人修", "wlj", "cgj"),
    ],
)
def test_incidental_words_do_not_decide(engine, text, not_unit, unit):
    result = engine.triage(text)
    assert result.department == unit, result.reasons
    assert result.department != not_unit


def test_the_hotline_itself_still_goes_to_the_big_data_bureau(engine):
    assert engine.triage("12345热线打了七八次都打不通，一直占线，好不容易接通又断了").department == "dsj"


def test_long_message_is_routed_by_its_title_and_request(engine):
    body = (
        "各位领导好，我们之前也找过社区，社区说不归他们管，让我们找上级部门。前前后后反映了不下十次，每次都说会处理。"
        "我父亲前年被电信诈骗转走了三万块，至今没有追回来，所以我们对这类事特别警惕。这个地方就在晋城一中旁边。"
        "我们小区是2018年交的房，到现在五年多了，全小区四百多户业主一个都没有拿到不动产权证。"
        "开发商说是土地出让金没交清，要等政府批下来。孩子上学、落户、房屋买卖都需要产权证，大家都急得不行。"
        "希望自然资源部门协调解决办证问题。"
    )
    result = engine.triage(body, title="小区业主五年办不下不动产证")
    assert result.department == "zrzyj", result.reasons
    assert result.platform == "12345" and not result.emergency


def test_longest_phrase_wins_between_items(engine):
    # "违章搭建" (城管) is not "违章" (traffic violations, 公安).
    assert engine.triage("举报楼顶有人违章搭建彩钢房，把整个楼顶都占了").department == "cgj"


def test_with_rules_keeps_typos_and_calibration(engine, transfer_list):
    other = engine.with_rules(transfer_list)
    assert other.typos == engine.typos and other.calibration is engine.calibration and other.model is engine.model
    assert other.triage("我们三个人被关在电题里出不来").platform == "119"


LONG_WRAPPER = (
    "领导您好，我是泽州县巴公镇的居民，想反映一个情况。我们小区的物业公司这两年服务越来越差，垃圾几天没人清，楼道灯坏了也不修，"
    "业主们找了物业好几次都没有结果。物业费每年照收不误，去年还涨了两毛钱，说是人工成本上涨，可保安还是那两个人，晚上经常不在岗，"
    "外来车辆随便进出，小区里的绿化带也被挖成了菜地。{trap}我们也向社区反映过，社区说物业归住建部门管。请住建部门督促物业整改，给我们一个说法。"
)


@pytest.mark.parametrize(
    "trap",
    [
        "那是老人攒了一辈子的救命钱，被他们骗走了。",
        "物业收的钱可都是我们的救命钱啊。",
        "这跟抓住救命稻草有什么区别。",
    ],
)
def test_rescue_money_is_not_a_cry_for_help(engine, trap):
    result = engine.triage(LONG_WRAPPER.format(trap=trap)).to_dict()
    assert result["platform"] == "12345", result["reasons"]


@pytest.mark.parametrize(
    "text, platform, alongside",
    [("救命啊，我家着火了", "119", "110"), ("救命，我老伴晕倒了叫不醒", "120", "110"), ("救命，有人抢钱", "110", None)],
)
def test_a_bare_cry_does_not_decide_the_service(engine, text, platform, alongside):
    result = engine.triage(text).to_dict()
    assert result["platform"] == platform
    if alongside:
        assert alongside in result["secondary_platforms"]


@pytest.mark.parametrize(
    "title, text, unit",
    [
        ("请求交警划分双黄虚线", "我们这个路口车辆经常乱掉头，小区进出口的车和路上的车抢道，希望交警部门施划双黄虚线。", "gaj"),
        ("河里天天有人电鱼", "村边的河里每天晚上都有人电鱼，小鱼苗都被电死了，希望渔政部门管一管。", "nyncj"),
        ("专利资助政策咨询", "我们公司今年申请了两项发明专利，想了解市里的专利资助政策怎么申请。", "scjgj"),
    ],
)
def test_duties_the_list_once_lacked(engine, title, text, unit):
    assert engine.triage(text, title=title).to_dict()["department"] == unit


@pytest.mark.parametrize(
    "text, platform",
    [
        ("我奶奶吃了自己采的野蘑菇，现在上吐下泻，浑身发抖", "120"),
        ("我前年就有抑郁症，吃了一整瓶安眠药", "120"),  # a past word elsewhere in the sentence never silences an overdose
        ("我爷爷前年吃错药住过一次院，现在一个人在家，想问问能不能申请居家养老服务", "12345"),  # the overdose's own clause is past
        ("这么下去早晚要出人命的，真是急死人了", "12345"),
        ("刚才楼下死人了，快来", "110"),
    ],
)
def test_overdose_clause_and_death_idioms(engine, text, platform):
    assert engine.triage(text).to_dict()["platform"] == platform


def test_a_written_title_alone_is_not_a_live_alarm(engine):
    body = (
        "我父亲住在一家民办养老院，上个星期去看他，发现他胳膊上有好几块青紫，问他他不敢说，后来同屋的老人偷偷告诉我，"
        "护工嫌他夜里起夜多，推过他好几次，吃饭慢了还骂他。我们交的费用一分不少，服务却是这个样子，家属们都很气愤。"
        "院长说会调查，可是一个月过去了也没有结果。请民政部门严查这家养老院，保障老人的权益。"
    )
    result = engine.triage(body, title="养老院护工打骂老人").to_dict()
    assert result["platform"] == "12345" and result["department"] == "mzj"
    live = engine.triage(body + "现在他们正在打我父亲，快来人！", title="养老院护工打骂老人").to_dict()
    assert live["platform"] == "110"


@pytest.mark.parametrize(
    "text, platform, alongside",
    [
        ("我们几个人吃了饭店的凉菜以后都在吐，有一个已经晕过去了", "120", None),  # 晕过去 is not 过去 (the past)
        ("我孩子喝了一口管道疏通剂，嘴里都烧起泡了", "120", None),
        ("我哥喝了酒拿刀捅了自己肚子，还挥着刀不让人靠近", "110", "120"),
    ],
)
def test_poisoning_and_self_harm_reach_120(engine, text, platform, alongside):
    result = engine.triage(text).to_dict()
    assert result["platform"] == platform
    if alongside:
        assert alongside in result["secondary_platforms"]
