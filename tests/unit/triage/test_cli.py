"""CLI contract: `triage --json`, `triage --jsonl`, `model train`, `model evaluate`."""

import json
import subprocess
import sys

import typer
from typer.testing import CliRunner

from liandong.triage.cli import register

app = typer.Typer()
register(app)
runner = CliRunner()


def test_triage_json():
    result = runner.invoke(app, ["triage", "--json", "楼上装修噪音太大"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["platform"] == "12345" and data["department"] == "zjj"
    assert data["transfer_item_id"] == "S-ZJJ-01"


def test_triage_jsonl(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps({"id": 1, "text": "楼下着火了"}, ensure_ascii=False),
                json.dumps({"id": "b", "text": "请问社保卡丢了怎么补办"}, ensure_ascii=False),
                "not json",
                json.dumps({"id": 3, "text": ""}),
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["triage", "--jsonl", str(src)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("id") for line in lines] == [1, "b", None, 3]
    assert lines[0]["platform"] == "119"
    assert lines[1]["request_type"] == "consult"
    assert "error" in lines[2] and "error" in lines[3]


def test_triage_title_option_and_added_fields():
    result = runner.invoke(app, ["triage", "--json", "--title", "关于增设公交站点的建议", "我们村离市区二十多公里，只有一趟公交，一天四班，最晚一班下午五点就发车了"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["request_type"] == "suggestion"
    assert {"needs_review", "review_label", "alternatives", "secondary_platforms"} <= set(data)


def test_triage_jsonl_reads_titles(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 7, "title": "咨询公积金提取", "text": "我在单位交了四年公积金，现在一直租房住"}, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["triage", "--jsonl", str(src)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["id"] == 7 and line["request_type"] == "consult" and line["department"] == "gjj"


def test_the_module_app_is_mounted_by_register():
    from liandong.triage import cli

    assert {c.name for c in cli.app.registered_commands} == {"triage"}
    assert {g.name for g in cli.app.registered_groups} == {"model"}


def test_triage_empty_text_fails():
    result = runner.invoke(app, ["triage", "--json", "   "])
    assert result.exit_code != 0


def test_model_train_and_evaluate(tmp_path):
    rows = []
    for i in range(8):
        rows += [
            {"title": f"停水{i}", "body": "小区停水好几天了", "label": "gs"},
            {"title": f"暖气{i}", "body": "家里暖气不热", "label": "rl"},
            {"title": f"停电{i}", "body": "村里停电了", "label": "gd"},
        ]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = runner.invoke(
        app, ["model", "evaluate", "--data", str(data), "--folds", "3", "--json", "--text-field", "title", "--text-field", "body", "--label-field", "label"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["folds"] == 3 and report["n"] == 24
    assert {"accuracy", "macro_f1", "per_class", "baseline"} <= set(report)
    grouped = runner.invoke(
        app, ["model", "evaluate", "--data", str(data), "--folds", "3", "--json", "--text-field", "body", "--label-field", "label", "--group-field", "title"]
    )
    assert grouped.exit_code == 0, grouped.output
    assert json.loads(grouped.stdout)["grouped"] is True
    missing = runner.invoke(app, ["model", "evaluate", "--data", str(data), "--folds", "3", "--label-field", "label", "--text-field", "body", "--group-field", "nope"])
    assert missing.exit_code != 0
    out = tmp_path / "m.skops"
    result = runner.invoke(app, ["model", "train", "--data", str(data), "--text-field", "body", "--label-field", "label", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and json.loads(result.stdout)["data_hash"]


def test_module_entry_point_subprocess():
    done = subprocess.run(
        [sys.executable, "-m", "liandong.triage", "triage", "--json", "高平市寺庄镇停电了"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["division_code"] == "140581" and data["department"] == "gd"
