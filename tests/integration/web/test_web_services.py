"""Accounts, catalogue edits and intake queries on a real database (a savepoint per test)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from liandong.account import service as accounts
from liandong.catalog import edits as catalog_edits
from liandong.catalog import service as catalog
from liandong.catalog.models import CatalogSetting
from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from liandong.triage import edits as transfer_edits
from liandong.triage.service import TRANSFER_LIST_KEY
from liandong.web.suggest import suggest
from liandong.workorder import queries, service

ADMIN = Actor("t-admin", Role.ADMIN)


def test_create_authenticate_and_change_password(session):
    now = clock_now()
    user = accounts.create_user(session, now=now, username="s.taker", password="long-enough-1", role="call_taker", display_name="坐席甲")
    assert accounts.authenticate(session, username="s.taker", password="long-enough-1").id == user.id
    assert accounts.authenticate(session, username="s.taker", password="wrong-password") is None
    assert accounts.authenticate(session, username="nobody", password="long-enough-1") is None
    accounts.set_password(session, username="s.taker", password="another-pass-2")
    assert accounts.authenticate(session, username="s.taker", password="another-pass-2") is not None
    accounts.update_user(session, user_id=user.id, active=False)
    assert accounts.authenticate(session, username="s.taker", password="another-pass-2") is None
    assert accounts.actor_of(user) == Actor("s.taker", Role.CALL_TAKER, None)


@pytest.mark.parametrize(
    ("kwargs", "error", "needle"),
    [
        ({"username": "x", "password": "long-enough-1", "role": "call_taker"}, ValidationFailed, "用户名"),
        ({"username": "s.short", "password": "short", "role": "call_taker"}, ValidationFailed, "至少 8 位"),
        ({"username": "s.role", "password": "long-enough-1", "role": "boss"}, ValidationFailed, "角色无效"),
        ({"username": "s.sys", "password": "long-enough-1", "role": "system"}, ValidationFailed, "系统角色"),
        ({"username": "s.unit", "password": "long-enough-1", "role": "unit_handler"}, ValidationFailed, "必须指定所属单位"),
        ({"username": "s.unit2", "password": "long-enough-1", "role": "unit_handler", "department_code": "nope"}, NotFound, "承办单位"),
    ],
)
def test_invalid_accounts_are_refused_in_chinese(session, kwargs, error, needle):
    with pytest.raises(error) as raised:
        accounts.create_user(session, now=clock_now(), **kwargs)
    assert needle in raised.value.message


def test_duplicate_username_is_a_conflict(session):
    accounts.create_user(session, now=clock_now(), username="s.dup", password="long-enough-1", role="leader")
    with pytest.raises(Conflict):
        accounts.create_user(session, now=clock_now(), username="s.dup", password="long-enough-1", role="leader")


def test_department_and_category_edits(session):
    catalog_edits.save_department(session, actor=ADMIN, code="t_unit", name="测试单位", duties="测试", create=True)
    with pytest.raises(Conflict):
        catalog_edits.save_department(session, actor=ADMIN, code="t_unit", name="测试单位", create=True)
    with pytest.raises(ValidationFailed):
        catalog_edits.save_department(session, actor=ADMIN, code="Bad Code", name="x", create=True)
    catalog_edits.save_department(session, actor=ADMIN, code="t_unit", name="测试单位（改）", active=False)
    with pytest.raises(NotFound):
        catalog.require_department(session, "t_unit")  # inactive units take no new orders

    parent = catalog.list_categories(session, level=1)[0]
    child = catalog_edits.save_category(session, actor=ADMIN, code=None, name="测试子类", parent_code=parent.code)
    assert child.level == 2 and child.path == f"{parent.name}/测试子类" and child.code.startswith(parent.code)
    original = parent.name
    renamed = catalog_edits.save_category(session, actor=ADMIN, code=parent.code, name=original + "改")
    assert renamed.path == original + "改"
    assert catalog.require_category(session, child.code).path.startswith(renamed.path + "/")


@pytest.mark.parametrize("role", [Role.CALL_TAKER, Role.DISPATCHER, Role.UNIT_HANDLER, Role.SUPERVISOR, Role.LEADER])
def test_only_administrators_change_the_catalogue(session, role):
    someone = Actor("t-someone", role, "zjj" if role is Role.UNIT_HANDLER else None)
    policy = catalog.get_policy(session)
    with pytest.raises(PermissionDenied):
        catalog_edits.save_department(session, actor=someone, code="t_unit2", name="测试单位", create=True)
    with pytest.raises(PermissionDenied):
        catalog_edits.save_policy(session, actor=someone, sign_days=3, reply_days=policy.reply_days, extension_default_days=5, extension_max_days=30, yellow_fraction=0.2)
    with pytest.raises(PermissionDenied):
        transfer_edits.save_transfer_item(
            session, actor=someone, item_id="E110-01", name="x", platform="110", direction="emergency", department="gaj", priority=100, keywords="a", exclude=""
        )
    assert catalog.get_policy(session) == policy and session.get(CatalogSetting, TRANSFER_LIST_KEY) is None


def test_policy_edit_applies_to_orders_received_afterwards(session):
    policy = catalog.get_policy(session)
    catalog_edits.save_policy(
        session,
        actor=ADMIN, sign_days=2, reply_days={**policy.reply_days, "complaint": 7}, extension_default_days=5, extension_max_days=30, yellow_fraction=0.2
    )
    assert catalog.get_policy(session).reply_days["complaint"] == 7
    with pytest.raises(ValidationFailed):
        catalog_edits.save_policy(session, actor=ADMIN, sign_days=0, reply_days=policy.reply_days, extension_default_days=5, extension_max_days=30, yellow_fraction=0.2)
    with pytest.raises(ValidationFailed):
        catalog_edits.save_policy(session, actor=ADMIN, sign_days=1, reply_days=policy.reply_days, extension_default_days=5, extension_max_days=30, yellow_fraction=1.5)


def test_transfer_list_edit_is_validated_and_used_by_suggestions(session):
    with pytest.raises(ValidationFailed):
        transfer_edits.save_transfer_item(
            session,
            actor=ADMIN, item_id="E110-01", name="x", platform="110", direction="emergency", department="gaj", priority=100, keywords="a", exclude="(unclosed"
        )
    assert session.get(CatalogSetting, TRANSFER_LIST_KEY) is None
    item = transfer_edits.transfer_list_data(session)["item"][0]
    transfer_edits.save_transfer_item(
        session,
        actor=ADMIN, item_id=item["id"], name=item["name"], platform=item.get("platform", "110"), direction=item.get("direction", "emergency"),
        department=item.get("department"), priority=item.get("priority", 50), keywords="、".join(item.get("keywords", [])) + "、抡起扳手砸人",
        exclude="",
    )
    result = suggest(session, "门口有个醉汉抡起扳手砸人")
    assert result is not None and result.emergency


def test_possible_duplicates_by_caller_and_by_place_and_text(session):
    now = clock_now()
    first = service.create_order(
        session, actor=ADMIN, now=now - timedelta(days=2), received_at=now - timedelta(days=2), content="凤鸣小区门口垃圾桶三天没有清运，气味难闻，蚊蝇很多。",
        caller_phone="13900001111", division_code="140581", request_type="complaint",
    )
    hints = queries.possible_duplicates(session, actor=ADMIN, now=now, phone="13900001111", text="随便说点别的")
    assert [h.order.id for h in hints][:1] == [first.id] and hints[0].reason == "同一来电号码"
    similar = queries.possible_duplicates(session, actor=ADMIN, now=now, division_code="140581", text="凤鸣小区门口的垃圾桶三天没人清运了，很臭")
    assert first.id in [h.order.id for h in similar]
    unrelated = queries.possible_duplicates(session, actor=ADMIN, now=now, division_code="140581", text="咨询个人所得税年度汇算怎么办理")
    assert first.id not in [h.order.id for h in unrelated]
    history = queries.caller_history(session, phone="13900001111", actor=ADMIN, now=now)
    assert history["total"] >= 1 and history["open"] >= 1
    # A unit sees duplicates only among its own orders.
    unit = Actor("t-unit", Role.UNIT_HANDLER, "sw")
    assert queries.possible_duplicates(session, actor=unit, now=now, phone="13900001111") == []


def test_text_similarity():
    assert queries.text_similarity("楼上装修噪音扰民", "楼上装修噪音扰民") == 1.0
    assert queries.text_similarity("", "任何内容") == 0.0
    assert queries.text_similarity("楼上装修噪音", "个税汇算") == 0.0


def test_progress_notes_are_on_the_timeline_and_only_by_the_handling_unit_while_it_handles(session):
    from liandong.core.errors import InvalidTransition, PermissionDenied
    from liandong.workorder.lifecycle import Action

    now = clock_now()
    order = service.create_order(session, actor=ADMIN, now=now, content="城区东街路灯不亮", division_code="140502", request_type="help")
    unit = Actor("t-cgj", Role.UNIT_HANDLER, "cgj")

    def note(actor, text):
        return service.act(session, order_id=order.id, action=Action.NOTE, actor=actor, now=now, note=text)

    with pytest.raises(InvalidTransition):
        note(ADMIN, "还没派单")
    service.act(session, order_id=order.id, action=Action.DISPATCH, actor=ADMIN, now=now, to="cgj")
    note(unit, "已安排维修班组")
    with pytest.raises(NotFound):
        note(Actor("t-zjj", Role.UNIT_HANDLER, "zjj"), "不是我的")
    with pytest.raises(PermissionDenied):
        note(Actor("t-taker", Role.CALL_TAKER), "坐席不记进展")
    with pytest.raises(ValidationFailed):
        note(unit, "   ")
    timeline = service.get_order(session, order.id, actor=unit, full=True).events
    assert [e.note for e in timeline if e.action == "note"] == ["已安排维修班组"]
    assert timeline[-1].from_status == timeline[-1].to_status == "dispatched"


def test_units_join_the_tree_under_their_countys_sub_centre(session):
    from liandong.catalog import edits as catalog_edits
    from liandong.catalog import service as catalog

    unit = catalog_edits.save_department(
        session, actor=ADMIN, code="zz-test", name="泽州县测试局", division_code="140525", create=True,
        level="county", kind="bureau", parent_code="zz-12345", counterpart_code="zjj",
    )
    assert unit.parent_code == "zz-12345" and "zz-test" in [u.code for u in catalog.unit_tree(session).reach("zz-12345")]
    with pytest.raises(ValidationFailed, match="本县"):
        catalog_edits.save_department(
            session, actor=ADMIN, code="zz-test2", name="挂错分中心的局", division_code="140525", create=True,
            level="county", kind="bureau", parent_code="gp-12345",
        )
    with pytest.raises(ValidationFailed, match="单位类型无效"):
        catalog_edits.save_department(session, actor=ADMIN, code="x-test", name="x", create=True, kind="ministry")
