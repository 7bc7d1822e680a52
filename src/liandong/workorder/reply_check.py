"""Reply quality check (interim version; the full check with its evaluation replaces this file)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    reason: str

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "reason": self.reason}


@dataclass(frozen=True)
class ReplyFindings:
    findings: list[Finding] = field(default_factory=list)


_REDIRECT = re.compile(r"^(?:已|已经)?(?:转交|转至|转给|转办)[^。]{0,20}(?:部门|单位)[^。]{0,10}[。]?$")


def check_reply(request_text: str, reply_text: str, *, result: str | None = None) -> ReplyFindings:
    text = (reply_text or "").strip()
    findings: list[Finding] = []
    if _REDIRECT.match(text):
        findings.append(Finding("redirect_only", "答复只说明已转交，未说明办理结果", "答复内容只有转交说明"))
    if len(text) < 15:
        findings.append(Finding("too_short", "答复过短", f"答复仅 {len(text)} 字"))
    return ReplyFindings(findings)
