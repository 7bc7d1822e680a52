"""`liandong users create / list / passwd`: JSON output, exit codes, Chinese errors."""

from __future__ import annotations

import json

import pytest

from liandong.account import service as accounts
from liandong.db import get_engine, unit_of_work


@pytest.fixture
def cli(run_cli):
    code, _, err = run_cli("db", "upgrade")
    assert code == 0, err
    return run_cli


def test_create_list_and_change_password(cli, fresh_sqlite_url):
    code, out, err = cli("users", "create", "wang", "--role", "unit_handler", "--department", "zjj", "--name", "王工", "--password", "first-pass-1", "--json")
    assert code == 0, err
    created = json.loads(out)
    assert created["role"] == "unit_handler" and created["department_code"] == "zjj" and "password" not in out
    code, out, _ = cli("users", "list", "--json")
    assert [u["username"] for u in json.loads(out)] == ["wang"]
    code, out, _ = cli("users", "passwd", "wang", "--password", "second-pass-2")
    assert code == 0 and "已修改" in out
    with unit_of_work(get_engine(fresh_sqlite_url)) as session:
        assert accounts.authenticate(session, username="wang", password="second-pass-2") is not None


@pytest.mark.parametrize(
    ("args", "exit_code", "needle"),
    [
        (("users", "create", "li", "--role", "boss", "--password", "long-enough-1"), 2, "角色无效"),
        (("users", "create", "li", "--role", "unit_handler", "--password", "long-enough-1"), 2, "必须指定所属单位"),
        (("users", "create", "li", "--role", "leader", "--password", "short"), 2, "至少 8 位"),
        (("users", "passwd", "nobody", "--password", "long-enough-1"), 3, "用户不存在"),
    ],
)
def test_refusals(cli, args, exit_code, needle):
    code, _, err = cli(*args)
    assert code == exit_code and needle in err
