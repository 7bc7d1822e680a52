"""Checks a unit's reply before the 12345 review passes it: does it answer the request, state a result, say
more than "已转交相关部门" or a date, fit the request's length, and put a date on what it promises. Pure.

Each finding has a code, a Chinese message for the reviewer and the reason (what was found or missing).
The overlap threshold for 答非所问 was chosen on 120 real board messages with their official replies
against the same replies paired with other messages (eval/reply_check/run_eval.py, docs/reply_check.md).
"""

from __future__ import annotations

import gc
import logging
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

# 答非所问 below this share of the request's weighted keywords found in the reply (see the module docstring).
OFF_TOPIC_BELOW = 0.08
# Too short: fewer substantive characters than this, or than this share of the request's length.
MIN_CONTENT = 30
MIN_CONTENT_SHARE = 0.08
KEYWORDS = 20

BLOCK = "block"  # the reviewer should send the reply back
WARN = "warn"  # the reviewer should look again

# Courtesy and form that say nothing about the request.
_BOILERPLATE_RE = re.compile(
    r"(?:尊敬的|亲爱的)?(?:网友|网民|市民朋友|市民|群众|来信人|基层干部)(?:朋友)?|您好|你好|"
    r"[“\"][A-Za-z0-9_ ]{1,24}[”\"]|"
    r"(?:首先|再次|非常)?感谢(?:您|你|网友)?(?:对|的)[^。！!]{0,30}?(?:关心|支持|理解|关注|监督|信任|建议)(?:[与和、](?:支持|理解|关心|监督|关注))*|"
    r"感谢来信|感谢网友[^。！!]{0,10}|谢谢|此致|敬礼|专此回复|特此回复|专项回复|"
    r"(?:来信|留言|来电|发帖|帖子|信件)?(?:[我本]?[局委办司厅院]?)?已?(?:收悉|获悉|阅悉|已阅)|"
    r"现(?:将|就)?[^。：:]{0,30}?(?:答复|回复)如下|(?:答复|回复)如下|"
    r"欢迎(?:继续)?监督|敬请谅解|祝您?[^。！!]{0,10}(?:愉快|顺利)|如有(?:疑问|异议)[^。！!]{0,30}"
)
_DATE_RE = re.compile(
    r"\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?|\d{4}年\d{1,2}月|\d{1,2}月\d{1,2}日|"
    r"[二〇○零一二三四五六七八九十]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日|\d{1,2}\.\d{1,2}(?!\d)"
)
_PHONE_RE = re.compile(r"[（(]?\d{3,4}[)）-]?[\d-]{7,}|\d{5,}")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_RE = re.compile(r"[。！!？?；;\n]")

_REDIRECT_RE = re.compile(
    r"(?:已经?|我[办局委]已?)?(?:转交|转办|转至|转给|转到|交由|交办|移交|转)(?:至|给|到)?"
    r"(?:相关|有关)?(?:单位|部门|职能部门|[\u4e00-\u9fff]{2,12}?(?:局|部门|学校|政府|公司|中心|办|委|所))|"
    r"已进行过(?:回复|答复)|已(?:回复|答复)过|已交相关部门"
)
_REFERRAL_RE = re.compile(
    r"建议(?:您|你)?(?:直接)?(?:拨打|致电|向|到|至|登录|登陆|咨询|联系)|"
    r"请(?:您|你)?(?:直接)?(?:致电|拨打|咨询|登录|登陆|联系|到[^。，,]{0,20}咨询)|可(?:以)?(?:拨打|致电)"
)
# A result: what was done or found, or the policy that answers a consultation.
_DONE_RE = re.compile(
    r"已经?(?:解决|处理|处置|完成|整改|修复|清理|清除|安排|督促|责令|拆除|恢复|退还|发放|落实|办结|协调|疏通|更换|维修|"
    r"约谈|查处|取缔|暂扣|登记|调查|核实|联系|告知|制定|下发|列入|纳入|申请|报备|建成|竣工|开通|支付|到位|停止|要求)|"
    r"经(?:过)?(?:核实|调查|查实|现场|核查|了解|查|检测|监测|研究)|现已|据查|查明|属实|不属实|与事实不符|不存在|"
    r"符合[^。]{0,12}(?:标准|规定|条件)|不符合|"
    r"进行了?(?:调查|核实|核查|清理|疏通|整改|处理|处置|检查|查处|维修|监测|拆除|教育)|立即(?:安排|组织|派|责成|要求|交办)|"
    r"(?:到|赴|深入)现场|现场(?:查看|调查|核查|检查|监测)|调查(?:发现|了解)|发现|责成|责令|批评教育|已于|于\d{1,2}月"
)
_EXPLAINS_RE = re.compile(
    r"根据|按照|依照|依据|规定|可以|可到|可向|可凭|需要|需携带|携带|应当|须|不得|禁止|标准为|标准是|补贴|办理|申请|"
    r"条件|流程|程序|目前|计划|预计|将于|暂无|没有[^。]{0,6}计划|不宜|不能|无法|不属于|属于|由于|鉴于|因此|系|均|不会|是指"
)
_PROMISE_RE = re.compile(
    r"将尽快|尽快|会尽快|抓紧|近期将?|择期|下一步将?|将进一步|将继续|将加大|将督促|将安排|将组织|将及时|将认真|"
    r"正在(?:处理|协调|办理|研究|调查|整改|推进|加快)|待[^。，]{1,12}后|争取早日|将会|我们会|会进行|会责成|拟"
)
_WHEN_RE = re.compile(
    r"\d{1,2}月|\d{1,2}日|\d{4}年|年底|年前|年内|月底|月内|本月|下月|本周|下周|春节前|近日内|"
    r"\d+\s*个?(?:工作日|日|天|周|星期|月)(?:内|之内|以内|前)?|[一二三四五六七八九十两]+个?(?:工作日|天|周|月)(?:内|之内|以内)"
)

# Words every request and reply share, which say nothing about the topic.
_GENERIC = frozenset(
    """问题 反映 情况 您好 你好 网友 网民 市民 感谢 支持 关心 回复 答复 留言 来信 相关 部门 单位 工作 有关 进行 我们 你们 他们
    希望 要求 请求 建议 咨询 请问 领导 政府 处理 解决 办理 及时 目前 现在 已经 没有 这个 那个 什么 怎么 为什么 如何 是否 可以 能否
    一下 一直 至今 严重 非常 真的 谢谢 投诉 举报 市长 书记 栏目 平台 热线""".split()
)


@dataclass(frozen=True)
class Finding:
    code: str  # off_topic / no_result / redirect_only / date_only / empty / too_short / promise_without_date
    message: str  # for the 12345 reviewer
    reason: str
    severity: str = BLOCK


@dataclass(frozen=True)
class ReplyFindings:
    findings: tuple[Finding, ...]
    overlap: float  # share of the request's weighted keywords found in the reply
    content_chars: int  # the reply's substantive Chinese characters (courtesy, dates and numbers left out)

    @property
    def passed(self) -> bool:
        return not any(finding.severity == BLOCK for finding in self.findings)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(finding.code for finding in self.findings)

    def to_dict(self) -> dict:
        return {
            "passed": self.passed,
            "overlap": round(self.overlap, 3),
            "content_chars": self.content_chars,
            "findings": [
                {"code": f.code, "message": f.message, "reason": f.reason, "severity": f.severity} for f in self.findings
            ],
        }


def substance(reply: str) -> str:
    """The reply without courtesy formulas, dates and phone numbers."""
    text = _BOILERPLATE_RE.sub("", reply or "")
    text = _DATE_RE.sub("", text)
    return _PHONE_RE.sub("", text)


def _chars(text: str) -> int:
    return len(_CJK_RE.findall(text))


@lru_cache(maxsize=1)
def _extractor():
    # jieba.analyse reads its IDF table at import without closing the file; the warning is jieba's, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        import jieba.analyse

        gc.collect()
    return jieba.analyse.extract_tags


def keywords(text: str, top: int = KEYWORDS) -> list[tuple[str, float]]:
    """The request's topic words by TF-IDF (jieba's general-language IDF), generic hotline words left out."""
    found = _extractor()(text or "", topK=top * 2, withWeight=True)
    result = [(word, weight) for word, weight in found if word not in _GENERIC and _CJK_RE.search(word) and len(word) >= 2]
    return result[:top]


def overlap(request: str, reply: str) -> tuple[float, list[str]]:
    """Share of the request's weighted keywords the reply uses (half credit for most of a word's character
    pairs, so a misspelt place name still counts), and the heaviest keywords it lacks."""
    words = keywords(request)
    total = sum(weight for _, weight in words)
    if total <= 0:
        return 1.0, []
    found = 0.0
    missing = []
    for word, weight in words:
        if word in reply:
            found += weight
            continue
        pairs = [word[i : i + 2] for i in range(len(word) - 1)]
        if len(pairs) >= 2 and sum(pair in reply for pair in pairs) * 2 >= len(pairs):
            found += weight / 2
        else:
            missing.append(word)
    return found / total, missing


def check_reply(request_text: str, reply_text: str, *, result: str | None = None) -> ReplyFindings:
    """Findings on a unit's reply to a request; `result` is the handling result the unit chose, if any
    ("已解决", "已答复" …), which counts as a stated result."""
    request = (request_text or "").strip()
    reply = (reply_text or "").strip()
    content = substance(reply)
    chars = _chars(content)
    if not reply or _chars(reply) == 0:
        return ReplyFindings((Finding("empty", "答复为空", "没有任何答复内容，无法审核。"),), 0.0, 0)
    if chars < 4:
        if _DATE_RE.search(reply):
            finding = Finding("date_only", "答复只有日期", f"除日期外没有任何内容：“{reply[:40]}”。")
        else:
            finding = Finding("no_result", "没有说明办理结果", f"答复只有客套话：“{reply[:40]}”。")
        return ReplyFindings((finding,), 0.0, chars)

    findings: list[Finding] = []
    done = _DONE_RE.search(content)
    stated = bool((result or "").strip()) or bool(done) or bool(_EXPLAINS_RE.search(content))
    redirect = _REDIRECT_RE.search(content) or _REFERRAL_RE.search(content)
    redirect_only = False
    if redirect and not done:
        # What is left once every sentence that redirects or refers the caller elsewhere is taken out.
        rest = sum(
            _chars(piece)
            for piece in _SENTENCE_RE.split(content)
            if not (_REDIRECT_RE.search(piece) or _REFERRAL_RE.search(piece))
        )
        # What remains after the redirect sentence is only the request restated or a few words.
        if rest < 12:
            redirect_only = True
            findings.append(
                Finding("redirect_only", "只写了转交或让群众另行咨询", f"答复只说明“{redirect.group(0)}”，没有办理结果或答复内容。")
            )
    if not redirect_only and not stated:
        findings.append(
            Finding("no_result", "没有说明办理结果", "答复中没有“已解决、已处理、经核实、不属实、已答复”等办理结果，也没有政策解释。")
        )
    needed = max(MIN_CONTENT, int(MIN_CONTENT_SHARE * _chars(request)))
    if chars < needed and not redirect_only:
        findings.append(
            Finding("too_short", "答复过于简短", f"诉求 {_chars(request)} 字，答复实际内容只有 {chars} 字（至少应有 {needed} 字）。", WARN)
        )
    promise = _PROMISE_RE.search(content)
    if promise and not done and not _WHEN_RE.search(content):
        findings.append(
            Finding("promise_without_date", "承诺办理但没有时限", f"答复写了“{promise.group(0)}”，但没有写明完成时间。", WARN)
        )
    share, missing = overlap(request, reply)
    # A reply of a few words cannot be judged for topic: "too short" says enough.
    if not redirect_only and chars >= MIN_CONTENT and share < OFF_TOPIC_BELOW:
        shown = "、".join(missing[:5])
        findings.append(
            Finding(
                "off_topic",
                "答非所问",
                f"答复只用到诉求关键词的 {share:.0%}（低于 {OFF_TOPIC_BELOW:.0%}），诉求说的“{shown}”答复都没有提到。",
            )
        )
    return ReplyFindings(tuple(findings), share, chars)
