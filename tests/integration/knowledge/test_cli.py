"""The `liandong kb` contract from a fresh SQLite file: ingest, search (--json, --jsonl), docs, items, mine."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def cli(run_cli):
    return run_cli


def test_ingest_search_docs_contract(cli, seed_files, tmp_path):
    code, out, err = cli("kb", "ingest", *map(str, seed_files))
    assert code == 0, err
    assert "[5/5 100%]" in err and "003_" in err  # progress on stderr
    code, out, err = cli("kb", "ingest", str(seed_files[0].parent))
    assert code == 0 and "新导入 0 个" in out  # idempotent

    code, out, err = cli("kb", "search", "--json", "--top", "3", "小孩没有身份证怎么坐飞机")
    assert code == 0, err
    results = json.loads(out)
    assert len(results) == 3
    for key in ("doc_id", "title", "doc_number", "date", "source", "passage", "score", "span", "start", "end"):
        assert key in results[0]
    assert "未成年人临时乘机证明" in results[0]["passage"]

    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        '{"id": "a", "question": "12345受理哪些事情"}\n\n{"id": 7, "question": "晋市政办〔2023〕21号"}\n', encoding="utf-8"
    )
    code, out, err = cli("kb", "search", "--jsonl", str(questions), "--top", "2")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["a", 7]
    assert all(len(line["results"]) == 2 for line in lines)
    assert lines[1]["results"][0]["doc_number"] == "晋市政办〔2023〕21号"

    code, out, err = cli("kb", "docs", "--json")
    assert code == 0, err
    documents = json.loads(out)
    numbers = {d["doc_number"] for d in documents if d["doc_number"]}
    assert len(numbers) == 19 and "国办发〔2022〕12号" not in numbers
    assert {"title", "doc_number", "issuer", "date", "publication", "attachments", "source"} <= set(documents[0])


def test_search_usage_errors_are_chinese(cli, tmp_path):
    code, _, err = cli("kb", "search", "--json")
    assert code == 2 and "错误：" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    code, _, err = cli("kb", "search", "--jsonl", str(bad))
    assert code == 2 and "第 1 行" in err
    code, _, err = cli("kb", "ingest", str(tmp_path / "missing.txt"))
    assert code == 2 and "文件不存在" in err


def test_item_commands(cli):
    code, out, err = cli("kb", "create", "-q", "公租房怎么申请", "--department", "zjj", "--tags", "住房,保障", "--json")
    assert code == 0, err
    item = json.loads(out)
    assert item["status"] == "draft" and item["tags"] == ["住房", "保障"]
    code, _, err = cli("kb", "submit", str(item["id"]))
    assert code == 2 and "答复口径不能为空" in err
    assert cli("kb", "edit", str(item["id"]), "-a", "携带身份证到住建局窗口申请。")[0] == 0
    assert cli("kb", "submit", str(item["id"]))[0] == 0
    code, _, err = cli("kb", "review", str(item["id"]), "--reject")
    assert code == 2 and "原因" in err
    assert cli("kb", "review", str(item["id"]), "--approve", "--note", "同意")[0] == 0
    code, out, err = cli("kb", "publish", str(item["id"]), "--json")
    assert code == 0 and json.loads(out)["status"] == "published"
    code, out, _ = cli("kb", "list", "--visible", "--json")
    assert [i["id"] for i in json.loads(out)] == [item["id"]]
    code, out, _ = cli("kb", "search", "--json", "--source", "item", "公租房申请")
    assert json.loads(out)[0]["item_id"] == item["id"]
    code, out, _ = cli("kb", "show", str(item["id"]), "--json")
    assert [e["action"] for e in json.loads(out)["events"]] == ["create", "edit", "submit", "approve", "publish"]
    code, _, err = cli("kb", "publish", str(item["id"]))
    assert code == 4 and "已发布" in err
    assert cli("kb", "expire", str(item["id"]))[0] == 0
    code, out, _ = cli("kb", "list", "--visible", "--json")
    assert json.loads(out) == []
    code, _, err = cli("kb", "show", "999")
    assert code == 3 and "不存在" in err


def test_mine_from_a_file_creates_drafts(cli, tmp_path):
    records = tmp_path / "calls.jsonl"
    texts = ["身份证丢了怎么补办", "您好，身份证丢了要怎么补办", "请问身份证丢失了怎么补办", "路灯坏了"]
    records.write_text(
        "".join(json.dumps({"id": i, "text": t, "time": "2026-11-20T10:00:00+08:00"}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    code, out, err = cli("kb", "mine", "--from-jsonl", str(records), "--since", "2026-11-01", "--until", "2026-11-30", "--create", "--json")
    assert code == 0, err
    [cluster] = json.loads(out)
    assert cluster["size"] == 3 and cluster["item_id"]
    code, out, _ = cli("kb", "show", str(cluster["item_id"]), "--json")
    item = json.loads(out)
    assert item["status"] == "draft" and item["origin"] == "mined" and item["mined_count"] == 3 and "高频问题" in item["tags"]


def test_answer_contract(cli, seed_files, tmp_path):
    code, _, err = cli("kb", "ingest", *map(str, seed_files))
    assert code == 0, err
    code, out, err = cli("kb", "answer", "渣土车啥时候换成新能源", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert "渣土车更换为新能源车" in result["answer"] and result["citation"]["doc_number"] == "晋市政办〔2023〕14号"
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        '{"id": "a", "question": "渣土车啥时候换成新能源"}\n\n{"id": 2, "question": "医保卡里的钱咋查余额"}\n{"id": "c", "question": " "}\n',
        encoding="utf-8",
    )
    code, out, err = cli("kb", "answer", "--jsonl", str(questions))
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["a", 2, "c"]
    for line in lines:
        assert {"id", "answer", "confidence", "citation", "passage"} <= set(line)
    assert {"title", "doc_number", "source", "start", "end"} <= set(lines[0]["citation"])
    assert lines[1]["answer"] is None and lines[1]["message"] == "知识库中没有找到可靠答案"
    assert lines[2]["answer"] is None and lines[2]["message"] == "请输入要查询的问题"
    code, out, _ = cli("kb", "answer", "医保卡里的钱咋查余额")
    assert code == 0 and "知识库中没有找到可靠答案" in out
    code, _, err = cli("kb", "answer")
    assert code == 2 and "错误：" in err
    code, _, err = cli("kb", "answer", "--jsonl", str(tmp_path / "missing.jsonl"))
    assert code == 2 and "文件不存在" in err


def test_import_items_contract(cli, tmp_path):
    sheet = tmp_path / "items.csv"
    sheet.write_text("问题,答案,主管部门\n供暖费怎么交？,营业厅或线上缴纳。,rl\n,缺问题,rl\n", encoding="utf-8")
    code, out, err = cli("kb", "import-items", str(sheet), "--json")
    assert code == 2 and "第 3 行" in err
    report = json.loads(out)
    assert report["imported"] == [] and report["errors"] == [{"row": 3, "reason": "问题为空"}]
    code, out, err = cli("kb", "import-items", str(sheet), "--skip-bad", "--publish")
    assert code == 0, err
    assert "已导入并发布 1 条" in out and "第 3 行：问题为空" in out
    code, out, _ = cli("kb", "list", "--visible", "--json")
    assert [item["question"] for item in json.loads(out)] == ["供暖费怎么交？"]
