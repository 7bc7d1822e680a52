"""The transfer list file: valid, consistent with the catalogue, editable and reloadable."""

from dataclasses import replace
from pathlib import Path

import pytest

from liandong.config import configure, settings
from liandong.core.errors import ValidationFailed
from liandong.triage import service
from liandong.triage.rules import PLATFORMS, load_transfer_list, parse_transfer_list


def test_items_are_consistent_with_catalogue(transfer_list, catalog):
    ids = [item.id for item in transfer_list.items]
    assert len(ids) == len(set(ids))
    assert transfer_list.version
    for item in transfer_list.items:
        assert item.platform in PLATFORMS
        if item.department:
            assert item.department in catalog.units, item.id
        if item.category:
            assert catalog.valid_category(list(item.category)) == list(item.category), item.id


def test_every_unit_has_an_item(engine):
    # After the engine is built: stand-in ("interim") items have moved to the unit whose duties name their topic.
    covered = {item.department for item in engine.transfer_list.items}
    assert set(engine.catalog.units) <= covered


def test_item_examples_match_their_item(transfer_list):
    for item in transfer_list.items:
        for example in item.examples:
            hits, _ = transfer_list.match(example)
            assert item.id in {h.item.id for h in hits}, (item.id, example)


def test_engine_reports_matched_item(engine):
    result = engine.triage("我家暖气一点都不热")
    assert result.transfer_item_id == "S-RL-01"
    assert result.department == "rl"


def test_bad_regex_is_refused():
    with pytest.raises(ValidationFailed):
        parse_transfer_list({"item": [{"id": "A", "platform": "12345", "patterns": ["(unclosed"]}]})


def test_duplicate_id_is_refused():
    with pytest.raises(ValidationFailed):
        parse_transfer_list({"item": [{"id": "A", "keywords": ["x"]}, {"id": "A", "keywords": ["y"]}]})


def test_missing_file_is_a_domain_error(tmp_path):
    with pytest.raises(ValidationFailed):
        load_transfer_list(tmp_path / "nope.toml")


def test_city_can_replace_and_reload_the_list(tmp_path: Path):
    packaged = service.DATA_DIR / "transfer_list.toml"
    custom = packaged.read_text(encoding="utf-8") + """
[[item]]
id = "CITY-01"
name = "本市自定义：共享单车乱停放"
direction = "12345"
platform = "12345"
department = "cgj"
category = ["城乡建设", "城市建设和市政管理", "城管执法"]
priority = 90
keywords = ["共享单车"]
"""
    (tmp_path / "transfer_list.toml").write_text(custom, encoding="utf-8")
    previous = settings()
    try:
        configure(config_dir=tmp_path, var_dir=tmp_path / "var")
        engine = service.reload()
        result = engine.triage("小区门口共享单车乱停放")
        assert result.transfer_item_id == "CITY-01"
        assert result.department == "cgj"
    finally:
        configure(**previous.model_dump())
        service.reload()


def test_gates_never_hide_a_match(transfer_list):
    """The cheap per-item gate must be a necessary condition: matching with and without it is the same."""
    import json

    from liandong.triage.rules import TransferList

    ungated = TransferList(
        version=transfer_list.version, digest=transfer_list.digest,
        items=tuple(replace(item, required=None) for item in transfer_list.items),
    )
    root = Path(__file__).resolve().parents[3] / "eval" / "triage"
    texts = []
    for name in ("dev", "long_dev", "phone_dev", "emergency_dev", "heldout3"):
        texts += [json.loads(line)["text"] for line in (root / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in transfer_list.items:
        texts.extend(item.examples)
    for text in texts:
        gated, _ = transfer_list.match(text)
        plain, _ = ungated.match(text)
        assert [h.item.id for h in gated] == [h.item.id for h in plain], text


def test_new_fields_are_parsed_and_checked():
    rules = parse_transfer_list(
        {
            "item": [
                {
                    "id": "A", "direction": "emergency", "platform": "120", "never_miss": True, "keywords": ["割腕"],
                    "secondary": [{"platform": "110", "when": "刀", "reason": "危及他人"}, "119"],
                    "sentence_exclude": [{"pattern": "工厂", "reason": "污染"}],
                },
                {"id": "B", "platform": "12345", "department": "gaj", "keywords": ["身份证"], "incidental": ["带着身份证"], "interim": True, "duty_words": ["户籍"]},
            ],
            "compound_words": ["跳楼机"],
        }
    )
    a, b = rules.get("A"), rules.get("B")
    assert a.never_miss and [s.platform for s in a.secondary] == ["110", "119"] and a.secondary[0].when.search("拿刀")
    assert a.sentence_exclude[0][1] == "污染"
    assert b.interim and b.duty_words == ("户籍",) and b.incidental[0].search("带着身份证去")
    assert rules.compound_words == ("跳楼机",)
    assert a.required and b.required


def test_bad_secondary_platform_is_refused():
    with pytest.raises(ValidationFailed):
        parse_transfer_list({"item": [{"id": "A", "keywords": ["x"], "secondary": [{"platform": "999"}]}]})
