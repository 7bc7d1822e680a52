"""How our lifecycle reads in Open311 (pure): every status onto open/closed, with the Chinese note partners show.

GeoReport v2 knows two statuses, `open` (reported) and `closed` (resolved). Each of our statuses maps onto one of
them here and nowhere else; the detail goes into `status_notes`. docs/open311.md prints this table (a test keeps
the two equal), and the service-request-updates extension uses the same table for each timeline entry.
"""

from __future__ import annotations

from liandong.workorder import public
from liandong.workorder.lifecycle import OPEN_STATUSES, STATUS_LABELS, Action, Status

OPEN = "open"
CLOSED = "closed"
OPEN311_STATUSES = (OPEN, CLOSED)

# Each status onto open/closed, with the words the person who reported it reads (`workorder.public`, the same as on
# the citizen's own pages). Open or closed is not restated: a request is `open` exactly while the lifecycle counts
# the order open.
STATUS_MAP: dict[Status, tuple[str, str]] = {
    status: (OPEN if status in OPEN_STATUSES else CLOSED, public.status_label(status)) for status in Status
}

# Timeline entries whose note is the citizen's own words (追加诉求, scrubbed of numbers and names) or the answer
# given to the citizen (直接答复); every other note is internal working text and is never published.
PUBLIC_NOTES: frozenset[str] = frozenset({Action.APPEND.value, Action.ANSWER_DIRECTLY.value})


def open311_status(status: str | Status) -> str:
    return STATUS_MAP[Status(status)][0]


def status_meaning(status: str | Status) -> str:
    return STATUS_MAP[Status(status)][1]


def status_notes(status: str | Status, *, number: str | None, close_reason: str | None = None, last_step: str | None = None,
                 last_at: str | None = None) -> str:
    """工单编号, the status in the public's words and the last public step on the timeline (internal steps are not shown)."""
    parts = []
    if number:
        parts.append(f"工单编号 {number}")
    parts.append(public.status_label(status, close_reason))
    if last_step:
        parts.append(f"最近一步：{last_step}" + (f"（{last_at}）" if last_at else ""))
    return "；".join(parts)


def markdown_table() -> str:
    """The table as docs/open311.md prints it."""
    lines = ["| 状态 status | 中文（内部） | Open311 `status` | `status_notes` 中的说法（与市民页面相同） |", "|---|---|---|---|"]
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
