"""How our lifecycle reads in Open311 (pure): every status onto open/closed, with the Chinese note partners show.

GeoReport v2 knows two statuses, `open` (reported) and `closed` (resolved). Each of our statuses maps onto one of
them here and nowhere else; the detail goes into `status_notes`. docs/open311.md prints this table (a test keeps
the two equal), and the service-request-updates extension uses the same table for each timeline entry.
"""

from __future__ import annotations

from liandong.workorder.lifecycle import ACTION_LABELS, OPEN_STATUSES, STATUS_LABELS, Action, Status

OPEN = "open"
CLOSED = "closed"
OPEN311_STATUSES = (OPEN, CLOSED)

# What each status means for the person who reported it (status_notes). Open or closed is not restated here: a
# request is `open` exactly while the lifecycle counts the order open.
_MEANINGS: dict[Status, str] = {
    Status.RECEIVED: "12345 已受理，等待派单",
    Status.AT_SUB_CENTRE: "已派至县（市、区）12345 分中心，等待二级派单",
    Status.DISPATCHED: "已派至承办单位，等待签收",
    Status.RETURNED: "承办单位退回，12345 正在改派",
    Status.OBJECTED: "承办单位提出派单异议，12345 正在审核",
    Status.IN_PROGRESS: "承办单位正在办理",
    Status.EXTENSION_REQUESTED: "承办单位申请延期，12345 正在审核",
    Status.REPLIED: "承办单位已答复，12345 正在审核答复",
    Status.AWAITING_CALLBACK: "答复已审核，等待 12345 回访",
    Status.CLOSED: "已办结",
    Status.MERGED: "与相同诉求合并办理（已并单）",
    Status.TRANSFERRED_110: "已转 110 报警服务台处置",
    Status.TRANSFERRED_12345: "已转 12345 热线办理",
}
STATUS_MAP: dict[Status, tuple[str, str]] = {
    status: (OPEN if status in OPEN_STATUSES else CLOSED, meaning) for status, meaning in _MEANINGS.items()
}

# Timeline entries whose note is the citizen's own words (追加诉求, scrubbed of numbers and names) or the answer
# given to the citizen (直接答复); every other note is internal working text and is never published.
PUBLIC_NOTES: frozenset[str] = frozenset({Action.APPEND.value, Action.ANSWER_DIRECTLY.value})


def open311_status(status: str | Status) -> str:
    return STATUS_MAP[Status(status)][0]


def status_meaning(status: str | Status) -> str:
    return STATUS_MAP[Status(status)][1]


def step_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def status_notes(status: str | Status, *, number: str | None, last_action: str | None, last_at: str | None) -> str:
    """工单编号、our Chinese status with its meaning, and the last step on the timeline."""
    parts = []
    if number:
        parts.append(f"工单编号 {number}")
    parts.append(f"{STATUS_LABELS[Status(status)]}：{status_meaning(status)}")
    if last_action:
        parts.append(f"最近一步：{step_label(last_action)}" + (f"（{last_at}）" if last_at else ""))
    return "；".join(parts)


def markdown_table() -> str:
    """The table as docs/open311.md prints it."""
    lines = ["| 状态 status | 中文 | Open311 `status` | `status_notes` 说明 |", "|---|---|---|---|"]
    for status, (value, meaning) in STATUS_MAP.items():
        lines.append(f"| `{status.value}` | {STATUS_LABELS[status]} | `{value}` | {meaning} |")
    return "\n".join(lines)


def service_notice(status: str | Status, *, request_type: str, due: str, closed: str | None) -> str:
    """What the reporter can expect next, in one Chinese sentence."""
    if open311_status(status) == OPEN:
        return f"{request_type}类诉求，承办单位应于 {due} 前答复（按法定工作日计算，含调休）"
    if Status(status) is Status.CLOSED and closed:
        return f"已于 {closed} 办结"
    return status_meaning(status)
