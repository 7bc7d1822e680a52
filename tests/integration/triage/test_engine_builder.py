"""One source of truth for triage: the engine is built from a snapshot of what administrators edit in the
database (units, categories, divisions, the transfer list), cached by its version, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select

from liandong.catalog.models import CatalogSetting, Category, Department
from liandong.config import configure, settings
from liandong.triage import service as triage


@pytest.fixture
def own_var(tmp_path):
    previous = settings()
    configure(**{**previous.model_dump(exclude_unset=True), "var_dir": tmp_path / "var"})
    try:
        yield
    finally:
        configure(**previous.model_dump(exclude_unset=True))
        triage.reload()


def _edit_list(session, change) -> dict:
    data = copy.deepcopy(triage.stored_transfer_list(session) or triage._file_transfer_list(settings()))
    change(data)
    setting = session.get(CatalogSetting, triage.TRANSFER_LIST_KEY)
    if setting is None:
        session.add(CatalogSetting(key=triage.TRANSFER_LIST_KEY, value=data))
    else:
        setting.value = data
    session.flush()
    return data


def _add_item(data: dict) -> None:
    data["version"] = "local-edit"
    data["item"].append({"id": "L-JTJ-99", "name": "共享单车乱停", "direction": "12345", "platform": "12345", "department": "jtj",
                         "request_type": "complaint", "priority": 90, "keywords": ["共享单车"]})


def test_same_snapshot_same_engine_and_an_edit_rebuilds_it_with_typo_repair(session, own_var):
    first = triage.engine_for(session)
    assert triage.engine_for(session) is first  # cached by the snapshot's version
    before = first.triage("小区电题坏了，住户出不了门").to_dict()
    _edit_list(session, _add_item)
    edited = triage.engine_for(session)
    assert edited is not first and edited.snapshot_version != first.snapshot_version
    assert edited.transfer_list.version == "local-edit"
    assert edited.triage("共享单车把路堵了").to_dict()["transfer_item_id"] == "L-JTJ-99"
    # "电题" is still read as "电梯" by the engine built after the edit.
    after = edited.triage("小区电题坏了，住户出不了门").to_dict()
    plain = edited.triage("小区电梯坏了，住户出不了门").to_dict()
    assert edited.typos.get("电题") == "电梯"
    assert after["department"] == plain["department"] == before["department"]
    assert after["transfer_item_id"] == plain["transfer_item_id"] is not None
    assert "电梯" in json.dumps(after["reasons"], ensure_ascii=False)


def test_a_retrained_model_is_used_after_the_list_was_edited(session, own_var):
    _edit_list(session, _add_item)
    old = triage.engine_for(session)
    assert old.model_version and old.model_version.startswith("default")
    rows = [{"text": f"共享单车乱停第{i}号", "department": "jtj", "platform": "12345", "request_type": "complaint"} for i in range(6)]
    rows += [{"text": f"路灯不亮第{i}号", "department": "cgj", "platform": "12345", "request_type": "help"} for i in range(6)]
    triage.train_from_examples(rows, include_defaults=False, out=triage.user_model_file(), version="city-test-1")
    fresh = triage.engine_for(session)
    assert fresh is not old
    assert fresh.model_version == "city-test-1"
    assert fresh.transfer_list.version == "local-edit"  # the edit is kept with the new model


def test_units_and_categories_come_from_the_database(session, own_var):
    unit = session.get(Department, "tyj")
    unit.name = "市体育事业发展中心"
    unit.duties = (unit.duties or "") + "、电子竞技赛事"
    session.get(Department, "hg").active = False
    session.flush()
    built = triage.engine_for(session)
    assert built.catalog.units["tyj"].name == "市体育事业发展中心"
    assert "hg" not in built.catalog.units
    assert "sd" in built.catalog.units  # the 属地 placeholder stays a routing target
    result = built.triage("我想反映一下电子竞技赛事的场地问题").to_dict()
    assert any(a["department"] == "tyj" and a["department_name"] == "市体育事业发展中心" for a in result["alternatives"])
    level1 = session.scalars(select(Category).where(Category.level == 1)).first()
    assert (level1.name,) in built.catalog.categories


def test_database_engine_decides_as_the_file_engine_on_the_packaged_data(session, own_var):
    texts = ["楼上装修天天砸墙", "我家孩子误喝了消毒液", "公司拖欠我三个月工资", "小区门口路灯不亮", "我吃了一整瓶安眠药，现在后悔了"]
    from_db = [r.to_dict() for r in triage.engine_for(session).triage_many(texts)]
    from_files = [r.to_dict() for r in triage.build_engine().triage_many(texts)]
    assert from_db == from_files
