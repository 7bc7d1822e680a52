"""The units' duties text as routing evidence; interim items move to the unit whose duties name their topic."""

from dataclasses import replace

from liandong.triage.catalog import Unit
from liandong.triage.duties import DutyIndex
from liandong.triage.engine import TriageEngine

UNITS = {
    "wlj": Unit("wlj", "市文化和旅游局", "旅游投诉、景区、娱乐场所、网吧、文化市场"),
    "zrzyj": Unit("zrzyj", "市规划和自然资源局", "规划、土地、不动产登记、矿产、宅基地审批、地质灾害"),
    "tyj": Unit("tyj", "市体育局", "体育场馆、全民健身、体育赛事"),
}


def test_match_scores_the_units_whose_duties_are_named():
    index = DutyIndex.from_units(UNITS)
    found = index.match("想问一下不动产登记要带什么，另外景区门票太贵")
    assert set(found) == {"zrzyj", "wlj"}
    assert "不动产登记" in found["zrzyj"].terms or "不动产" in found["zrzyj"].terms


def test_owner_finds_the_unit_of_a_topic():
    index = DutyIndex.from_units(UNITS)
    unit, term = index.owner(["体育", "健身"], besides="wlj")
    assert unit == "tyj" and term in ("体育场馆", "全民健身", "体育赛事")
    assert index.owner(["林业", "林木"], besides="zrzyj") is None  # no forestry unit in this catalogue


def test_adding_a_unit_row_is_enough_to_take_over_an_interim_item(engine):
    text = "市里的体育馆游泳池水很浑浊，更衣室又脏又滑，希望加强管理"
    from liandong.triage.service import load_rules

    without = {code: unit for code, unit in engine.catalog.units.items() if code != "tyj"}
    engine = TriageEngine(catalog=replace(engine.catalog, units=without), transfer_list=load_rules(), model=engine.model, typos=engine.typos)
    before = engine.triage(text)
    assert before.department == "wlj" and before.transfer_item_id == "S-TY-01"
    units = dict(engine.catalog.units)
    units["tyj"] = Unit("tyj", "市体育局", "体育场馆建设与管理、全民健身、体育赛事、体育培训")
    catalog = replace(engine.catalog, units=units)
    grown = TriageEngine(catalog=catalog, transfer_list=engine.transfer_list, model=engine.model, typos=engine.typos, calibration=engine.calibration)
    after = grown.triage(text)
    assert after.department == "tyj", after.reasons
    assert any("依据单位职责" in r for r in after.reasons)


def test_forestry_goes_to_natural_resources_until_a_forestry_unit_exists(engine):
    text = "我们村后山上的松树林这两个月被人砍了一大片，晚上能听到油锯的声音"
    assert engine.triage(text).department == "zrzyj"
    units = dict(engine.catalog.units)
    units["lyj"] = Unit("lyj", "市林业局", "林木采伐、森林防火、古树名木、野生动植物保护")
    grown = TriageEngine(catalog=replace(engine.catalog, units=units), transfer_list=engine.transfer_list, model=engine.model, typos=engine.typos)
    assert grown.triage(text).department == "lyj"
