"""The lifecycle onto Open311's open/closed: every status once, agreeing with the lifecycle, printed in the docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from liandong.open311 import mapping
from liandong.workorder.lifecycle import ACTION_LABELS, OPEN_STATUSES, STATUS_LABELS, Action, Status

DOC = Path(__file__).resolve().parents[3] / "docs" / "open311.md"


def test_every_status_is_mapped_once():
    assert set(mapping.STATUS_MAP) == set(Status)


@pytest.mark.parametrize("status", list(Status))
def test_open_exactly_while_the_lifecycle_is_open(status):
    expected = mapping.OPEN if status in OPEN_STATUSES else mapping.CLOSED
    assert mapping.open311_status(status) == expected
    assert mapping.open311_status(status.value) == expected
    assert mapping.status_meaning(status)  # a Chinese note for every status


@pytest.mark.parametrize(
    ("status", "number", "reason", "step", "at", "expected"),
    [
        (Status.IN_PROGRESS, "JC-20231001-000001", None, "承办单位已签收，正在办理", "2023年10月01日 10:00",
         "工单编号 JC-20231001-000001；办理中；最近一步：承办单位已签收，正在办理（2023年10月01日 10:00）"),
        (Status.CLOSED, None, None, "12345 已回访", None, "已办结；最近一步：12345 已回访"),
        (Status.RECEIVED, None, None, None, None, "已受理，正在分派"),
        # An internal step (a 派单异议) has no public sentence and a 110 transfer reads as on the citizen's page.
        (Status.OBJECTED, "JC-2", None, None, None, "工单编号 JC-2；已受理，正在分派"),
        (Status.TRANSFERRED_110, "JC-1", None, "已转交有关部门处置", None, "工单编号 JC-1；已转交有关部门处置；最近一步：已转交有关部门处置"),
        (Status.CLOSED, "JC-3", "withdrawn", "您已撤回诉求", None, "工单编号 JC-3；已撤回；最近一步：您已撤回诉求"),
    ],
)
def test_status_notes_say_the_public_status_and_the_last_public_step(status, number, reason, step, at, expected):
    assert mapping.status_notes(status, number=number, close_reason=reason, last_step=step, last_at=at) == expected


def test_open311_and_the_citizens_page_use_the_same_words():
    from liandong.workorder import public
    from liandong.workorder.lifecycle import PUBLIC_STATUS_LABELS

    assert {s: meaning for s, (_, meaning) in mapping.STATUS_MAP.items()} == PUBLIC_STATUS_LABELS
    assert public.step_text("note", {}, from_status="in_progress", to_status="in_progress", unit_name=lambda c: None) is None
    assert public.step_text("object", {}, from_status="dispatched", to_status="objected", unit_name=lambda c: None) is None


@pytest.mark.parametrize(
    ("status", "closed", "expected"),
    [
        (Status.DISPATCHED, None, "投诉类诉求，承办单位应于 2023年10月11日 23:59 前答复（按法定工作日计算，含调休）"),
        (Status.CLOSED, "2023年10月09日 16:00", "已于 2023年10月09日 16:00 办结"),
        (Status.MERGED, "2023年10月09日 16:00", "已与相同诉求合并办理"),
    ],
)
def test_service_notice(status, closed, expected):
    assert mapping.service_notice(status, request_type="投诉", due="2023年10月11日 23:59", closed=closed) == expected


def test_only_the_citizens_words_and_direct_answers_are_published():
    assert mapping.PUBLIC_NOTES == {Action.APPEND.value, Action.ANSWER_DIRECTLY.value}
    assert all(action in ACTION_LABELS and action in public_actions() for action in mapping.PUBLIC_NOTES)


def public_actions():
    from liandong.workorder.public import PUBLIC_ACTIONS

    return PUBLIC_ACTIONS


def test_the_doc_prints_the_table():
    text = DOC.read_text(encoding="utf-8")
    assert mapping.markdown_table() in text
    for status in Status:
        assert f"| `{status.value}` | {STATUS_LABELS[status]} |" in text
