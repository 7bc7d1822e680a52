"""`liandong backup` / `restore` on SQLite: a consistent copy, a restore that brings the orders back, clear refusals."""

from __future__ import annotations

import json


def test_backup_and_restore(run_cli, tmp_path):
    assert run_cli("db", "upgrade")[0] == 0
    code, out, err = run_cli("orders", "create", "--text", "备份测试：小区停水", "--type", "help", "--json")
    assert code == 0, err
    number = json.loads(out)["number"]
    target = tmp_path / "backups" / "one.db"
    code, out, err = run_cli("backup", str(target))
    assert code == 0 and "工单 1 张" in out, err
    assert run_cli("orders", "create", "--text", "备份之后的工单", "--type", "help")[0] == 0
    code, _out, err = run_cli("backup", str(target))
    assert code != 0 and "已存在" in err
    code, _out, err = run_cli("restore", str(target))
    assert code != 0 and "--yes" in err
    code, out, err = run_cli("restore", str(target), "--yes")
    assert code == 0, err
    listed = json.loads(run_cli("orders", "list", "--json")[1])
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [o["number"] for o in items] == [number]
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    code, _out, err = run_cli("restore", str(tmp_path / "junk.db"), "--yes")
    assert code != 0 and "Traceback" not in err and ("无法读取" in err or "不是联动" in err or "损坏" in err)
