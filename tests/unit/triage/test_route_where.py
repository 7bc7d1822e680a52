"""The place of a matter is not the matter (route pass 2026-12-02 b): a river polluted is a pollution case
(生态环境), bricks falling from a building site onto the pavement a building-site case (住建)."""

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "村子旁边的河道里有人排污水，水都发黑发臭了，希望环保查一下。",
        "洗煤厂把黑水直接排到河道里，下游的水都变黑了",
        "河边有个养殖场往河里排粪污，臭得很",
        "有个厂子天天往河道里偷排废水，河里的鱼都死了，希望尽快查处。",
    ],
)
def test_a_polluted_river_goes_to_the_environment_bureau(engine, text):
    result = engine.triage(text)
    assert result.department == "sthjj"
    assert result.transfer_item_id != "S-SLJ-01"


@pytest.mark.parametrize(
    "text, unit",
    [
        ("河道里有人开着挖掘机非法采砂，晚上一直挖。", "slj"),  # the river's own matter stays with the water bureau
        ("村边河道的河堤冲垮了一段，汛期快到了，请水利部门来看看。", "slj"),
    ],
)
def test_the_rivers_own_matters_stay_with_the_water_bureau(engine, text, unit):
    assert engine.triage(text).department == unit


@pytest.mark.parametrize(
    "text",
    [
        "隔壁工地拆脚手架，钢管老往人行道上掉，也没人拦着",
        "楼顶在施工，水泥块老是掉到马路上，下面就是人走的地方",
    ],
)
def test_things_falling_on_the_pavement_are_the_site_s_matter(engine, text):
    result = engine.triage(text)
    assert result.department == "zjj"
    assert result.transfer_item_id == "S-ZJJ-04"


@pytest.mark.parametrize(
    "text",
    ["人行道的地砖翘起来好几块，老人走路容易绊倒", "小区门口的人行道塌了一个坑，晚上看不见"],
)
def test_a_broken_pavement_is_still_a_municipal_facility(engine, text):
    assert engine.triage(text).department == "cgj"


@pytest.mark.parametrize(
    "text",
    [
        "对门邻居把鞋柜放在楼道里，我们家门都开不了，说了几次也不改",
        "我家对门那家天天把纸箱子摆在门口，跟他讲了也不听，想请人来说和说和",
    ],
)
def test_a_quarrel_with_the_neighbour_across_the_landing_is_a_neighbour_dispute(engine, text):
    result = engine.triage(text)
    assert result.department == "sd"
    assert result.transfer_item_id == "S-SD-01"


@pytest.mark.parametrize(
    "text, unit",
    [
        ("和商家协商不成，想请你们帮忙调解一下退款的事", "scjgj"),  # mediation alone is not a neighbour matter
        ("学校对门的网吧天天有学生进去", "wlj"),  # across from a place is a landmark, not a neighbour
    ],
)
def test_mediation_or_across_from_alone_is_not_a_neighbour_dispute(engine, text, unit):
    assert engine.triage(text).department == unit


@pytest.mark.parametrize(
    "title, text",
    [
        (None, "想问一下陵川到晋城的高速什么时候能通车"),
        ("东环路快速通道何时开工", "东环路快速通道说了好几年了，想知道什么时候动工，有没有具体的时间表。"),
        (None, "咨询一下市里规划的外环工程建设进度，我们村在规划线上"),
    ],
)
def test_when_a_major_road_opens_is_the_key_project_office_s_question(engine, title, text):
    result = engine.triage(text, title=title)
    assert result.department == "fgw"
    assert result.transfer_item_id == "S-FGW-01"


@pytest.mark.parametrize(
    "text, unit",
    [
        ("县道坑坑洼洼好几年了，什么时候能修", "jtj"),  # road upkeep, not a project's start
        ("高速通车以后噪音太大，晚上睡不着", None),  # no question about the project: not the key-project office
    ],
)
def test_road_upkeep_or_a_road_s_nuisance_is_not_a_project_question(engine, text, unit):
    result = engine.triage(text)
    assert result.transfer_item_id != "S-FGW-01"
    if unit:
        assert result.department == unit


@pytest.mark.parametrize(
    "text",
    [
        "我们村有个孩子父母都去世了，成了孤儿，跟着八十岁的爷爷过，想问问能不能申请孤儿补助",
        "我是村里的网格员，村里有个困境儿童，爸爸残疾妈妈走了，没人管，请民政上关心一下",
    ],
)
def test_child_welfare_is_the_civil_affairs_bureau_s(engine, text):
    result = engine.triage(text)
    assert result.department == "mzj"
    assert result.transfer_item_id == "S-MZJ-02"


def test_left_behind_children_at_school_stay_a_school_matter(engine):
    assert engine.triage("学校里留守儿童多，老师课后辅导不过来，建议多配几个老师").department == "jyj"
