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
    ("status", "number", "action", "at", "expected"),
    [
        (Status.IN_PROGRESS, "JC-20231001-000001", "accept", "2023年10月01日 10:00",
         "工单编号 JC-20231001-000001；办理中：承办单位正在办理；最近一步：签收（2023年10月01日 10:00）"),
        (Status.CLOSED, None, "visit", None, "已办结：已办结；最近一步：回访"),
        (Status.RECEIVED, None, None, None, "待派单：12345 已受理，等待派单"),
        (Status.TRANSFERRED_110, "JC-1", "transfer_110", None, "工单编号 JC-1；已转警：已转 110 报警服务台处置；最近一步：转警"),
    ],
)
def test_status_notes_say_our_status_and_the_last_step(status, number, action, at, expected):
    assert mapping.status_notes(status, number=number, last_action=action, last_at=at) == expected


@pytest.mark.parametrize(
    ("status", "closed", "expected"),
    [
        (Status.DISPATCHED, None, "投诉类诉求，承办单位应于 2023年10月11日 23:59 前答复（按法定工作日计算，含调休）"),
        (Status.CLOSED, "2023年10月09日 16:00", "已于 2023年10月09日 16:00 办结"),
        (Status.MERGED, "2023年10月09日 16:00", "与相同诉求合并办理（已并单）"),
    ],
)
def test_service_notice(status, closed, expected):
    assert mapping.service_notice(status, request_type="投诉", due="2023年10月11日 23:59", closed=closed) == expected


def test_only_the_citizens_words_and_direct_answers_are_published():
    assert mapping.PUBLIC_NOTES == {Action.APPEND.value, Action.ANSWER_DIRECTLY.value}
    assert all(action in ACTION_LABELS for action in mapping.PUBLIC_NOTES)


def test_the_doc_prints_the_table():
    text = DOC.read_text(encoding="utf-8")
    assert mapping.markdown_table() in text
    for status in Status:
        assert f"| `{status.value}` | {STATUS_LABELS[status]} |" in text
