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


def test_act_show_list(cli):
    order = create(cli, "--text", "咨询公积金提取", "--division", "140581", "--channel", "web")
    oid = str(order["id"])
    code, out, err = cli("orders", "act", oid, "dispatch", "--to", "gjj", "--json")
    assert code == 0, err
    assert json.loads(out)["department"] == "gjj"
    code, out, _ = cli("orders", "act", order["number"], "accept", "--json")
    assert code == 0 and json.loads(out)["status"] == "in_progress"
    cli("orders", "act", oid, "reply", "--note", "已电话答复提取流程")
    code, out, _ = cli("orders", "act", oid, "visit", "--satisfied", "yes", "--json")
    assert json.loads(out)["status"] == "closed"
    code, out, _ = cli("orders", "show", oid, "--json")
    shown = json.loads(out)
    assert [e["action"] for e in shown["events"]] == ["create", "dispatch", "accept", "reply", "visit"]
    code, out, _ = cli("orders", "list", "--division", "140581", "--status", "closed", "--json")
    assert json.loads(out)["total"] == 1
    code, out, _ = cli("orders", "list")
    assert code == 0 and "共 1 张工单" in out


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
    cli("orders", "act", oid, "reply", "--note", "已恢复供水")
    code, _, err = cli("orders", "act", oid, "visit", "--satisfied", "maybe")
    assert code == 2 and "yes 或 no" in err
    code, out, _ = cli("orders", "show", oid, "--json")
    assert json.loads(out)["status"] == "replied" and len(json.loads(out)["events"]) == 4


def test_uninitialised_database_is_explained(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--db", f"sqlite:///{tmp_path / 'empty.db'}", "orders", "list"])
    assert exit_.value.code != 0
    assert "liandong db upgrade" in capsys.readouterr().err
