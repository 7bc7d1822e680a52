"""`liandong catalog …` against a fresh SQLite file: the calendar notice (preview, save), the calendar status, the listings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

NOTICE_2027 = Path(__file__).resolve().parents[2] / "data" / "notices" / "2027-synthetic.txt"


def test_listings_still_mounted_under_catalog(run_cli):
    assert run_cli("db", "upgrade")[0] == 0
    code, out, _ = run_cli("catalog", "departments", "--json")
    assert code == 0 and any(row["code"] == "zjj" for row in json.loads(out))
    code, out, _ = run_cli("catalog", "policy")
    assert code == 0 and json.loads(out)["reply_days"]["complaint"] == 5
    code, out, _ = run_cli("catalog", "divisions", "--json")
    assert code == 0 and json.loads(out)[0]["code"] == "140500"


def test_notice_preview_then_save_then_status(run_cli):
    assert run_cli("db", "upgrade")[0] == 0
    code, out, _ = run_cli("catalog", "calendar-status", "--json")
    status = json.loads(out)
    assert code == 0 and status["imported_notice_years"] == [] and status["warning_days"] == 60
    before = date.fromisoformat(status["last_known_day"])

    code, out, _ = run_cli("catalog", "calendar-notice", str(NOTICE_2027))
    assert code == 0
    assert "春节：2027-02-05 至 2027-02-12 放假，共 8 天；2027-01-31、2027-02-13 上班" in out
    assert "2027-02-08 上班 → 放假" in out and "仅预览，未保存" in out
    assert json.loads(run_cli("catalog", "calendar-status", "--json")[1])["imported_notice_years"] == []

    code, out, _ = run_cli("catalog", "calendar-notice", str(NOTICE_2027), "--save", "--json")
    saved = json.loads(out)
    assert code == 0 and saved["saved"] is True and saved["year"] == 2027
    assert {"day": "2027-02-13", "name": "春节", "clause": saved["makeup_days"][1]["clause"]} in saved["makeup_days"]
    assert len(saved["changes"]) == 21

    status = json.loads(run_cli("catalog", "calendar-status", "--json")[1])
    assert status["imported_notice_years"] == [2027]
    assert status["last_known_day"] == max(before, date(2027, 12, 31)).isoformat()
    assert status["days_left"] == (date.fromisoformat(status["last_known_day"]) - date.fromisoformat(status["today"])).days

    # saving the same notice again replaces it and changes nothing
    code, out, _ = run_cli("catalog", "calendar-notice", str(NOTICE_2027), "--json")
    again = json.loads(out)
    assert code == 0 and again["changes"] == [] and again["replaces_import_of"] is not None


def test_year_option_for_a_notice_without_title(run_cli, tmp_path):
    assert run_cli("db", "upgrade")[0] == 0
    clause = tmp_path / "clause.txt"
    clause.write_text("二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月13日（周六）上班。", encoding="gb18030")
    code, _, err = run_cli("catalog", "calendar-notice", str(clause))
    assert code == 2 and "无法确定年份" in err
    code, out, _ = run_cli("catalog", "calendar-notice", str(clause), "--year", "2027", "--json")
    assert code == 0 and json.loads(out)["makeup_days"][0]["day"] == "2027-02-13"


def test_bad_input_exits_non_zero_in_chinese_and_saves_nothing(run_cli, tmp_path):
    assert run_cli("db", "upgrade")[0] == 0
    code, _, err = run_cli("catalog", "calendar-notice", str(tmp_path / "missing.txt"))
    assert code == 3 and "文件不存在" in err
    broken = tmp_path / "broken.txt"
    broken.write_text(NOTICE_2027.read_text(encoding="utf-8").replace("共8天", "共9天"), encoding="utf-8")
    code, out, err = run_cli("catalog", "calendar-notice", str(broken), "--save")
    assert code == 2 and "写明共 9 天，但列出的日期是 8 天：「二、春节" in err and out == ""
    assert "Traceback" not in err
    assert json.loads(run_cli("catalog", "calendar-status", "--json")[1])["imported_notice_years"] == []
