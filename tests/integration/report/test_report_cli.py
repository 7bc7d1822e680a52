"""The CLI contract: `report metrics --json`, `report build`, `hotspots --json`, `incidents import` — on a fresh SQLite file."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

METRIC_FIELDS = {
    "received", "merged", "invalid", "valid", "direct_answer_rate", "dispatched", "response_rate", "on_time_reply_rate", "completion_rate",
    "callback_rate", "resolution_rate", "satisfaction_rate", "satisfaction_score", "return_rate", "reopen_rate", "extension_rate",
    "repeat_rate", "avg_handling_hours",
}


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """One migrated SQLite file for the module (migrating and seeding takes seconds); the CLI runs in-process."""
    from liandong.cli import main
    from liandong.config import configure, settings

    root = tmp_path_factory.mktemp("report-cli")
    url = f"sqlite:///{root / 'cli.db'}"
    previous = settings()

    def run_cli(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(["--db", url, *args])
                code = 0
            except SystemExit as exit_:
                code = exit_.code or 0
        return code, out.getvalue(), err.getvalue()

    yield _prepare(run_cli)
    configure(**previous.model_dump(exclude_unset=True))


def _prepare(run_cli):
    assert run_cli("db", "upgrade")[0] == 0
    for text, kind, hour in (("来电人反映城区凤鸣小区停水", "complaint", 9), ("来电人咨询社保卡补办", "consult", 10), ("无实质内容", "complaint", 11)):
        code, out, err = run_cli("orders", "create", "--text", text, "--type", kind, "--division", "140502",
                                 "--received-at", f"2023-10-09T{hour:02d}:00:00+08:00", "--json")
        assert code == 0, err
    assert run_cli("orders", "act", "1", "dispatch", "--to", "gs", "--at", "2023-10-09T09:30:00+08:00")[0] == 0
    assert run_cli("orders", "act", "2", "answer_directly", "--note", "已答复", "--at", "2023-10-09T10:05:00+08:00")[0] == 0
    code, _, err = run_cli("orders", "act", "3", "mark_invalid", "--reason", "invalid", "--note", "无实质内容", "--at", "2023-10-09T11:01:00+08:00")
    assert code == 0, err
    return run_cli


def test_metrics_json_contract(database):
    code, out, err = database("report", "metrics", "--from", "2023-10-01", "--to", "2023-11-01", "--as-of", "2023-11-20T10:00:00+08:00", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert set(result) >= {"definitions_version", "overall", "groups"}
    assert METRIC_FIELDS <= set(result["overall"])
    overall = result["overall"]
    assert (overall["received"], overall["invalid"], overall["valid"], overall["dispatched"]) == (3, 1, 2, 1)
    assert overall["direct_answer_rate"] == 0.5 and overall["response_rate"] == 0.0  # gs never signed; due 10-10
    assert overall["satisfaction_rate"] is None  # nobody was called back: null, not 0


@pytest.mark.parametrize("by", ["department", "division", "category", "channel", "type"])
def test_metrics_by_group(database, by):
    code, out, err = database("report", "metrics", "--from", "2023-10-01", "--to", "2023-11-01", "--by", by, "--json")
    assert code == 0, err
    groups = json.loads(out)["groups"]
    assert groups and all({"key", "label"} <= set(g) and METRIC_FIELDS <= set(g) for g in groups)
    assert sum(g["received"] for g in groups) == 3


def test_bad_input_is_a_chinese_sentence_and_exit_2(database):
    code, out, err = database("report", "metrics", "--from", "2023-10-01", "--to", "2023-09-01")
    assert code == 2 and "结束日期" in err and "Traceback" not in err
    code, _, err = database("report", "metrics", "--from", "十月", "--to", "2023-11-01")
    assert code == 2 and "日期格式无效" in err
    code, _, err = database("report", "metrics", "--from", "2023-10-01", "--to", "2023-11-01", "--by", "colour")
    assert code == 2 and "未知的分组" in err
    code, _, err = database("report", "build", "--period", "2023-13", "--out", "x.xlsx")
    assert code == 2 and "统计期无法识别" in err


def test_build_and_snapshots(database, tmp_path):
    code, stdout, _ = database("report", "snapshots", "--json")
    assert json.loads(stdout) == []
    out = tmp_path / "october.xlsx"
    code, stdout, err = database("report", "build", "--period", "2023-10", "--format", "xlsx", "--out", str(out), "--json")
    assert code == 0, err
    assert json.loads(stdout)["revision"] == 1 and out.stat().st_size > 5000
    code, stdout, _ = database("report", "snapshots", "--json")
    assert [(s["period"], s["revision"], s["received"]) for s in json.loads(stdout)] == [("2023-10", 1, 3)]


def test_hotspots_json_is_a_list(database):
    code, out, err = database("hotspots", "--from", "2023-10-01T00:00:00+08:00", "--to", "2023-10-31T00:00:00+08:00", "--json")
    assert code == 0, err
    assert json.loads(out) == []
    code, _, err = database("hotspots", "--from", "2023-10-01", "--to", "2023-10-31T00:00:00+08:00")
    assert code == 2 and "时区" in err


def test_incidents_import_reports_every_bad_row_and_changes_nothing(database, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("警情编号,时间,地点,区划,类型,摘要\nA1,2023-10-10 21:00,城区凤鸣小区,城区,纠纷,因停水发生争执\nA2,昨天,,火星,纠纷,x\n", encoding="utf-8")
    code, out, err = database("incidents", "import", str(bad))
    assert code == 2 and "第 3 行" in err and "区划无法识别：火星" in err and "地点为空" in err
    good = tmp_path / "good.csv"
    good.write_text("警情编号,时间,地点,区划,类型,摘要\nA1,2023-10-10 21:00,城区西街街道凤鸣小区,城区,纠纷,因停水发生争执\n", encoding="utf-8")
    code, out, err = database("incidents", "import", str(good), "--json")
    assert code == 0, err
    assert json.loads(out)["imported"] == 1
    code, out, _ = database("incidents", "import", str(good), "--json")
    assert json.loads(out) | {"problems": None} == {"imported": 0, "duplicates": 1, "skipped": 0, "problems": None}
    code, out, err = database("incidents", "analyse", "--from", "2023-10-01T00:00:00+08:00", "--to", "2023-11-01T00:00:00+08:00", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["incidents"] == 1 and result["escalations"][0]["orders"] == ["JC-20231009-000001"]
