"""The reply quality check: each finding on the kind of reply that earns it, and a good reply that passes."""

from __future__ import annotations

import pytest

from liandong.workorder.reply_check import check_reply

REQUEST = (
    "景蓉华苑小区物业管理有问题\n小区物业公司要通过征收小区停车费增加收入，业委会未召开业主大会就制定高昂收费方案，"
    "投票由物业公司人员组织，业主隐私没有保护，请求有关部门调查停车收费方案是否合法。"
)
GOOD = (
    "您好！经区住建局调查核实，景蓉华苑业委会未按规定召开业主大会表决停车收费方案，该方案无效。"
    "我局已责令业委会和物业公司停止收取停车费，并于5月20日前依法重新组织业主表决。感谢您的监督！"
)


@pytest.mark.parametrize(
    ("reply", "codes"),
    [
        (GOOD, ()),
        ("", ("empty",)),
        ("2019年1月14日", ("date_only",)),
        ("您好，感谢您的支持！", ("no_result",)),
        ("您好，你所反映的问题已转交相关单位调查处置。", ("redirect_only",)),
        ("网友：您好！您所反映的问题，已进行过回复。", ("redirect_only",)),
        ("您好，您反映的问题建议您拨打12345市长热线咨询，谢谢！", ("redirect_only",)),
        (
            "您好，关于景蓉华苑小区物业停车收费方案的问题，根据《物业管理条例》，停车收费方案须经业主大会表决。"
            "我们将尽快组织人员调查业委会投票情况，请耐心等待。",
            ("promise_without_date",),
        ),
        ("您好，我们将尽快组织人员处理，请耐心等待。", ("no_result", "too_short", "promise_without_date")),
        ("您好，经核实，已处理。", ("too_short",)),
        (
            "您好！经调查核实，东湖路段路灯已于6月3日更换完毕，夜间照明恢复正常，市政维护队将加强日常巡查，发现损坏及时维修。",
            ("off_topic",),
        ),
    ],
)
def test_findings(reply, codes):
    findings = check_reply(REQUEST, reply)
    assert set(findings.codes) == set(codes), [f.reason for f in findings.findings]
    assert findings.passed == (not any(f.severity == "block" for f in findings.findings))
    for finding in findings.findings:
        assert finding.message and finding.reason  # Chinese text for the reviewer


def test_a_promise_with_a_date_is_fine():
    reply = "您好，经核实情况属实，区住建局将于6月30日前组织景蓉华苑业主重新表决停车收费方案，物业公司在此之前不得收取停车费。"
    assert "promise_without_date" not in check_reply(REQUEST, reply).codes


def test_a_stated_result_field_counts_as_a_result():
    reply = "您好，关于景蓉华苑小区物业停车收费方案的问题，区住建局高度重视，业委会和物业公司已知悉业主意见。"
    assert "no_result" not in check_reply(REQUEST, reply, result="已解决").codes


def test_misspelt_place_names_still_count_as_on_topic():
    reply = "您好！经调查核实，景蓉花苑业委会制定的停车收费方案未经业主大会表决，已责令物业公司停止收费，并重新组织投票。"
    findings = check_reply(REQUEST, reply)
    assert "off_topic" not in findings.codes and findings.overlap > 0.2
