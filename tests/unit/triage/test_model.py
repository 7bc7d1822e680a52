"""Model artefact, training, dataset reading and cross-validation."""

import hashlib
import json
import time

import pytest

from liandong.core.errors import ValidationFailed
from liandong.triage import service
from liandong.triage.features import WORDS_FILE
from liandong.triage.model import FORMAT_VERSION, cross_validate, load_model, read_dataset


def test_packaged_model_matches_packaged_examples():
    model = load_model(service.DEFAULT_MODEL_FILE)
    assert model.meta["format_version"] == FORMAT_VERSION
    assert model.meta["data_hash"] == service.default_examples_hash(), "rebuild: liandong model train --default"
    assert set(model.meta["heads"]) == {"platform", "request_type", "department", "category"}
    assert model.meta["metrics"]["department"]["macro_f1"] > 0.8
    assert model.meta["version"]
    assert model.meta["dictionary_hash"] == hashlib.sha256(WORDS_FILE.read_bytes()).hexdigest()


def test_model_loads_fast():
    load_model(service.DEFAULT_MODEL_FILE)  # warm the imports
    started = time.perf_counter()
    load_model(service.DEFAULT_MODEL_FILE)
    assert time.perf_counter() - started < 1.0


def test_untrusted_file_is_refused(tmp_path):
    import skops.io as sio

    class Evil:
        pass

    path = tmp_path / "evil.skops"
    sio.dump({"meta": {"format_version": FORMAT_VERSION}, "x": Evil()}, path)
    with pytest.raises(ValidationFailed):
        load_model(path)


EXAMPLES = [
    {"text": "小区停水了", "platform": "12345", "request_type": "help", "department": "gs", "category": ["城乡建设", "城市建设和市政管理", "自来水供应"]},
    {"text": "水费太贵了", "platform": "12345", "request_type": "complaint", "department": "gs", "category": []},
    {"text": "暖气不热", "platform": "12345", "request_type": "help", "department": "rl", "category": ["城乡建设", "城市建设和市政管理", "冬季采暖"]},
    {"text": "暖气费怎么交", "platform": "12345", "request_type": "consult", "department": "rl", "category": []},
    {"text": "有人打架", "platform": "110", "request_type": None, "department": "gaj", "category": []},
]


def test_train_from_examples_round_trip(tmp_path):
    out = tmp_path / "m.skops"
    model = service.train_from_examples(EXAMPLES, include_defaults=False, out=out)
    loaded = load_model(out)
    assert loaded.meta["data_hash"] == model.meta["data_hash"]
    assert loaded.meta["examples"] == len(EXAMPLES)
    classes, probs = loaded.predict_proba(["暖气一点都不热"])["department"]
    assert classes[probs[0].argmax()] == "rl"


def test_train_from_examples_validates(tmp_path):
    with pytest.raises(ValidationFailed):
        service.train_from_examples([{"text": "x", "platform": "999"}], include_defaults=False)


def test_read_dataset_formats(tmp_path):
    from openpyxl import Workbook

    rows = [{"title": "停水", "body": "小区停水", "label": "gs"}, {"title": "暖气", "body": "暖气不热", "label": "rl"}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    (tmp_path / "a.csv").write_text("title,body,label\n停水,小区停水,gs\n暖气,暖气不热,rl\n", encoding="gb18030")
    book = Workbook()
    sheet = book.active
    sheet.append(["title", "body", "label"])
    for r in rows:
        sheet.append([r["title"], r["body"], r["label"]])
    book.save(tmp_path / "a.xlsx")
    for name in ("a.jsonl", "a.csv", "a.xlsx"):
        got = read_dataset(tmp_path / name)
        assert [r["label"] for r in got] == ["gs", "rl"], name
        assert got[0]["body"] == "小区停水"
    with pytest.raises(ValidationFailed):
        read_dataset(tmp_path / "a.parquet")


def test_grouped_cross_validation_keeps_groups_in_one_fold():
    texts = [f"{w}问题第{i}次反映" for i in range(6) for w in ("停水", "暖气", "停电")]
    labels = [lab for _ in range(6) for lab in ("gs", "rl", "gd")]
    groups = [f"{lab}-{i // 2}" for i in range(6) for lab in ("gs", "rl", "gd")]
    result = cross_validate(texts, labels, folds=3, groups=groups)
    assert result["grouped"] is True and result["n"] == 18
    assert "macro_f1_gain" in result and "time_ratio" in result
    with pytest.raises(ValidationFailed):
        cross_validate(texts, labels, folds=3, groups=["one"] * 18)


def test_corrections_count_more(tmp_path):
    rows = [dict(e) for e in EXAMPLES]
    plain = service.train_from_examples(rows + [{"text": "暖气片漏水", "department": "gs"}], include_defaults=False)
    corrected = service.train_from_examples(rows + [{"text": "暖气片漏水", "department": "rl", "corrected": True}], include_defaults=False)
    classes, probs = corrected.predict_proba(["暖气片漏水"])["department"]
    assert classes[probs[0].argmax()] == "rl"
    assert plain.meta["data_hash"] != corrected.meta["data_hash"]


def test_cross_validate_reports_ours_and_baseline():
    texts = [f"{w}问题第{i}次反映" for i in range(6) for w in ("停水", "暖气", "停电")]
    labels = [lab for _ in range(6) for lab in ("gs", "rl", "gd")]
    result = cross_validate(texts, labels, folds=3)
    assert set(result) >= {"accuracy", "macro_f1", "per_class", "baseline", "fold_macro_f1"}
    assert set(result["per_class"]) == {"gs", "rl", "gd"}
    assert set(result["per_class"]["gs"]) == {"precision", "recall", "f1", "support"}
    assert result["macro_f1"] >= 0.9
    assert len(result["chosen_per_fold"]) == 3
