"""`liandong notify …` and the worker sending through the file notifier, on a fresh SQLite file."""

from __future__ import annotations

import json


def test_worker_sends_cli_reports_and_templates_preview(run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("LIANDONG_NOTIFIER", "file")
    monkeypatch.setenv("LIANDONG_NOTIFY_QUIET_HOURS", "")
    assert run_cli("db", "upgrade")[0] == 0
    code, out, _ = run_cli("orders", "create", "--text", "巴公镇锦绣小区楼上装修噪音扰民", "--type", "complaint", "--phone", "13812345678",
                           "--division", "140525", "--received-at", "2026-11-30T10:00:00+08:00", "--title", "巴公镇锦绣小区装修噪音", "--json")
    assert code == 0
    number = json.loads(out)["number"]
    status = json.loads(run_cli("notify", "status", "--json")[1])
    assert status["outbox_waiting"] == 1 and status["states"]["sent"] == 0
    assert run_cli("worker", "--once")[0] == 0
    status = json.loads(run_cli("notify", "status", "--json")[1])
    assert status["states"]["sent"] == 1 and status["outbox_waiting"] == 0 and status["notifier"] == "file"
    (row,) = json.loads(run_cli("notify", "list", "--json")[1])
    assert row["order_number"] == number and row["phone"] == "138****5678" and row["state"] == "sent"
    lines = (tmp_path / "var" / "notify" / "sent.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["key"] for line in lines] == [row["key"]]
    shown = json.loads(run_cli("orders", "show", number, "--json")[1])
    assert [e["note"] for e in shown["events"] if e["action"] == "notified"] == ["已发送短信通知：受理通知（138****5678）"]

    # The templates, on the same database (one migration for both halves keeps the suite quick).
    listed = json.loads(run_cli("notify", "templates", "--json")[1])
    assert [t["event"] for t in listed["templates"]] == ["accepted", "sign_overdue", "replied", "callback", "closed"]
    assert "number" in listed["fields"]
    preview = json.loads(run_cli("notify", "templates", "--preview", "closed", "--json")[1])
    assert "办结" in preview["preview"] and "{{" not in preview["preview"]
    code, out, err = run_cli("notify", "templates", "--preview", "accepted", "--body", "{{ caller_phone }}")
    assert code == 2 and "未知字段：caller_phone" in err and "Traceback" not in err
    code, _, err = run_cli("notify", "templates", "--preview", "nope")
    assert code == 3 and "没有这类通知" in err
    code, _, err = run_cli("notify", "list", "--state", "bogus")
    assert code == 2 and "未知的发送状态" in err
