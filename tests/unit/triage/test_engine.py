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
