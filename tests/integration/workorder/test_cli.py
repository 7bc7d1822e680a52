"""The CLI contract: JSON output, exit codes, Chinese errors — against a fresh SQLite file."""

from __future__ import annotations

import json

import pytest

from liandong.cli import main


@pytest.fixture
def cli(run_cli):
    code, _, err = run_cli("db", "upgrade")
    assert code == 0, err
    return run_cli


def create(cli, *args):
    code, out, err = cli("orders", "create", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_create_contract(cli):
    order = create(cli, "--text", "楼上装修噪音扰民", "--type", "complaint", "--phone", "13812345678", "--received-at", "2023-09-28T10:00:00+08:00")
    for key in ("id", "number", "status", "request_type", "department", "received_at", "sign_due_at", "reply_due_at", "warning"):
        assert key in order
    assert order["reply_due_at"] == "2023-10-11T23:59:59+08:00"
    assert order["status"] == "received" and order["department"] is None and order["warning"] == "red"


REPLY = ("--result", "resolved", "--handler", "张科长", "--handler-phone", "03562222222", "--contacted", "yes")


def test_act_show_list(cli):
    order = create(cli, "--text", "咨询公积金提取", "--division", "140581", "--channel", "web")
    oid = str(order["id"])
    code, out, err = cli("orders", "act", oid, "dispatch", "--to", "gjj", "--note", "请按公积金提取政策答复", "--json")
    assert code == 0, err
    assert json.loads(out)["department"] == "gjj"
    code, out, _ = cli("orders", "act", order["number"], "accept", "--json")
    assert code == 0 and json.loads(out)["status"] == "in_progress"
    cli("orders", "act", oid, "reply", "--note", "已电话答复提取流程", *REPLY)
    code, out, err = cli("orders", "act", oid, "review", "--pass", "yes", "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "awaiting_callback"
    code, out, _ = cli("orders", "act", oid, "visit", "--satisfied", "yes", "--json")
    assert json.loads(out)["status"] == "closed"
    code, out, _ = cli("orders", "show", oid, "--json")
    shown = json.loads(out)
    assert [e["action"] for e in shown["events"]] == ["create", "dispatch", "accept", "reply", "review", "visit"]
    assert [h["unit"] for h in shown["dispatch_chain"]] == ["gjj"] and shown["dispatch_chain"][0]["note"] == "请按公积金提取政策答复"
    assert shown["reply"]["result"] == "resolved" and shown["reply"]["handler"] == "张科长" and shown["reply"]["review"] == "passed"
    assert [(c["outcome"], c["satisfaction"]) for c in shown["callbacks"]] == [("reached", 4)]
    assert shown["allowed_actions"] == ["reopen", "append"] and shown["assists"] == []
    assert "张科长" in out  # Chinese as is, not \\u escapes
    code, out, _ = cli("orders", "list", "--division", "140581", "--status", "closed", "--json")
    assert json.loads(out)["total"] == 1
    code, out, _ = cli("orders", "list")
    assert code == 0 and "共 1 张工单" in out


def test_two_level_dispatch_objection_review_and_graded_callbacks(cli):
    order = create(cli, "--text", "巴公镇锦绣小区楼上装修噪音", "--type", "complaint", "--division", "140525", "--phone", "13912345678")
    oid = str(order["id"])
    code, _, err = cli("orders", "act", oid, "dispatch", "--to", "zz-bgz")
    assert code == 2 and "不在市级派单范围内" in err
    assert cli("orders", "act", oid, "dispatch", "--to", "zz-12345", "--note", "属地事项")[0] == 0
    code, out, err = cli("orders", "act", oid, "dispatch", "--to", "gp-msz")
    assert code == 2 and "不在泽州县的派单范围内" in err
    code, out, err = cli("orders", "act", oid, "dispatch", "--to", "zz-ncz", "--assist", "zz-zjj", "--note", "请现场核实", "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "dispatched" and json.loads(out)["assists"] == [{"code": "zz-zjj", "name": "泽州县住房和城乡建设局"}]
    code, _, err = cli("orders", "act", oid, "object", "--note", "不在本镇")
    assert code == 2 and "异议理由" in err
    code, out, _ = cli("orders", "act", oid, "object", "--reason", "wrong_area", "--note", "锦绣小区属巴公镇", "--json")
    assert json.loads(out)["status"] == "objected"
    code, out, _ = cli("orders", "act", oid, "decide_objection", "--uphold", "yes", "--to", "zz-bgz", "--json")
    shown = json.loads(out)
    assert shown["status"] == "dispatched" and shown["department"] == "zz-bgz"
    assert [(h["unit"], h["outcome"]) for h in shown["dispatch_chain"]] == [("zz-12345", "forwarded"), ("zz-ncz", "objection_upheld"), ("zz-bgz", None)]
    cli("orders", "act", oid, "accept")
    cli("orders", "act", oid, "reply", "--note", "已责令停工", *REPLY)
    code, _, err = cli("orders", "act", oid, "review", "--pass", "no")
    assert code == 2 and "审核意见" in err
    cli("orders", "act", oid, "review", "--pass", "no", "--note", "未说明整改结果")
    cli("orders", "act", oid, "reply", "--note", "已责令施工方夜间停工，经回访复查已整改", *REPLY)
    cli("orders", "act", oid, "review", "--pass", "yes")
    code, _, err = cli("orders", "act", oid, "visit", "--outcome", "reached", "--satisfaction", "6", "--resolved", "yes")
    assert code == 2 and "满意度无效" in err
    code, out, _ = cli("orders", "act", oid, "visit", "--outcome", "unreachable", "--json")
    assert json.loads(out)["status"] == "awaiting_callback" and json.loads(out)["callback_attempts"] == 1
    code, out, _ = cli("orders", "act", oid, "visit", "--outcome", "reached", "--satisfaction", "5", "--resolved", "yes", "--json")
    shown = json.loads(out)
    assert shown["status"] == "closed" and shown["close_reason"] == "satisfied"
    assert [c["outcome"] for c in shown["callbacks"]] == ["unreachable", "reached"]
    assert [r["review"] for r in shown["replies"]] == ["returned", "passed"]
    code, _, err = cli("orders", "act", oid, "visit", "--outcome", "reached", "--satisfaction", "4", "--resolved", "yes")
    assert code == 4 and "不能执行「回访」" in err


def test_catalogue_departments_contract(cli):
    code, out, _ = cli("catalog", "departments", "--json")
    rows = {r["code"]: r for r in json.loads(out)}
    for row in rows.values():
        assert {"code", "name", "level", "division_code", "parent_code", "kind"} <= set(row)
    assert rows["zz-12345"]["kind"] == "sub_centre" and rows["zz-12345"]["level"] == "county" and rows["zz-12345"]["division_code"] == "140525"
    assert rows["zz-bgz"]["level"] == "township" and rows["zz-bgz"]["parent_code"] == "zz-12345"
    assert rows["zz-zjj"]["counterpart_code"] == "zjj" and rows["zjj"]["level"] == "city"


@pytest.mark.parametrize(
    ("args", "exit_code", "needle"),
    [
        (("orders", "create", "--text", "   "), 2, "诉求内容不能为空"),
        (("orders", "create", "--text", "x", "--phone", "12"), 2, "电话号码格式不正确"),
        (("orders", "create", "--text", "x", "--type", "praise"), 2, "诉求类型无效"),
        (("orders", "create", "--text", "x", "--division", "999999"), 2, "行政区划代码不存在"),
        (("orders", "create", "--text", "x", "--received-at", "2023-09-28T10:00:00"), 2, "时区"),
        (("orders", "show", "424242"), 3, "工单不存在"),
        (("orders", "act", "424242", "remind"), 3, "工单不存在"),
        (("orders", "act", "1", "teleport"), 2, "未知的操作"),
    ],
)
def test_errors_exit_non_zero_in_chinese(cli, args, exit_code, needle):
    code, out, err = cli(*args)
    assert code == exit_code
    assert needle in err and out == ""


def test_illegal_transition_and_bad_values(cli):
    order = create(cli, "--text", "小区停水")
    oid = str(order["id"])
    code, _, err = cli("orders", "act", oid, "accept")
    assert code == 4 and "不能执行「签收」" in err
    code, _, err = cli("orders", "act", oid, "dispatch", "--to", "nope")
    assert code == 3 and "承办单位代码不存在" in err
    cli("orders", "act", oid, "dispatch", "--to", "gs")
    cli("orders", "act", oid, "accept")
    cli("orders", "act", oid, "reply", "--note", "已恢复供水", *REPLY)
    code, _, err = cli("orders", "act", oid, "visit", "--satisfied", "maybe")
    assert code == 2 and "yes 或 no" in err
    code, _, err = cli("orders", "act", oid, "visit", "--outcome", "reached", "--satisfaction", "4", "--resolved", "yes")
    assert code == 4 and "不能执行「回访」" in err  # not awaiting a callback yet: 12345 reviews first
    code, out, _ = cli("orders", "show", oid, "--json")
    assert json.loads(out)["status"] == "replied" and len(json.loads(out)["events"]) == 4
    code, _, err = cli("nope")
    assert code == 2 and "未知命令" in err and "Traceback" not in err


def test_uninitialised_database_is_explained(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--db", f"sqlite:///{tmp_path / 'empty.db'}", "orders", "list"])
    assert exit_.value.code != 0
    assert "liandong db upgrade" in capsys.readouterr().err
