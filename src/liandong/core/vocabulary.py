"""The one vocabulary: every coded value an order carries, with the Chinese label people read.

Pure. Pages, API schemas, the CLI, triage and reports all take their choices and labels from here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from liandong.core.errors import ValidationFailed


@dataclass(frozen=True)
class Vocabulary(Mapping[str, str]):
    """An ordered set of codes with labels; `require` refuses anything else with the list of choices."""

    name: str  # what the value is, in Chinese ("诉求类型")
    field: str  # the input field it is usually given in
    terms: tuple[tuple[str, str], ...]

    def __getitem__(self, code: str) -> str:
        for key, label in self.terms:
            if key == code:
                return label
        raise KeyError(code)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.terms)

    def label(self, code: str | None, default: str = "—") -> str:
        """The label, or `default` for an empty value; an unknown code is shown as itself, never hidden."""
        if code is None or code == "":
            return default
        return dict(self.terms).get(str(code), str(code))

    def choices(self) -> list[tuple[str, str]]:
        return list(self.terms)

    def describe(self) -> str:
        return "、".join(f"{key}（{label}）" if key != label else key for key, label in self.terms)

    def require(self, code: str | None, *, field: str | None = None) -> str:
        value = "" if code is None else str(code).strip()
        if value not in self:
            raise ValidationFailed(f"{self.name}无效：{value or '（空）'}。可选：{self.describe()}", field=field or self.field)
        return value


def _v(name: str, field: str, *terms: tuple[str, str]) -> Vocabulary:
    return Vocabulary(name, field, tuple(terms))


REQUEST_TYPES = _v(
    "诉求类型",
    "request_type",
    ("consult", "咨询"),
    ("help", "求助"),
    ("complaint", "投诉"),
    ("report", "举报"),
    ("suggestion", "建议"),
)

# 四级联动响应 (晋市政办〔2023〕21号 三（二）): the code is the Chinese word itself.
LEVELS = _v("事件等级", "level", ("一般", "一般"), ("较大", "较大"), ("重大", "重大"), ("特别重大", "特别重大"))

CHANNELS = _v(
    "受理渠道",
    "channel",
    ("phone", "电话"),
    ("web", "网站"),
    ("wechat", "微信"),
    ("app", "移动端"),
    ("zwfw", "政务服务网"),
    ("api", "接口"),
    ("open311", "Open311接口"),
    ("grid", "网格员"),
    ("transfer_110", "110转来"),
    ("transfer_12345", "12345转来"),
    ("transfer_119", "119转来"),
    ("transfer_120", "120转来"),
    ("transfer_122", "122转来"),
)

PLATFORMS = _v(
    "分流平台",
    "platform",
    ("12345", "12345 热线办理"),
    ("110", "110 报警服务台"),
    ("119", "119 消防救援"),
    ("120", "120 急救中心"),
    ("guidance", "引导至其他渠道"),
    ("invalid", "无效来电"),
)

# Desks an order can be handed to in one click (三（三）应急联动).
TRANSFER_TARGETS = _v("转接平台", "to", ("110", "110 报警服务台"), ("119", "119 消防救援"), ("120", "120 急救中心"))

# Which way an item of the 分流转办清单 sends a request.
TRANSFER_DIRECTIONS = _v(
    "流向",
    "direction",
    ("emergency", "紧急警情"),
    ("12345→110", "12345 转 110"),
    ("110→12345", "110 转 12345"),
    ("12345", "12345 受理"),
    ("guidance", "引导"),
    ("invalid", "无效来电"),
)

REPLY_RESULTS = _v(
    "办理结果",
    "result",
    ("resolved", "已解决"),
    ("partly", "部分解决"),
    ("explained", "未解决已解释"),
    ("untrue", "反映不属实"),
)

CALLBACK_OUTCOMES = _v(
    "回访结果",
    "outcome",
    ("reached", "接通"),
    ("unreachable", "未接通"),
    ("refused", "拒访"),
    ("wrong_number", "号码错误"),
)

# The five-level 好差评 scale; stored as 1–5.
SATISFACTION = _v(
    "满意度",
    "satisfaction",
    ("5", "非常满意"),
    ("4", "满意"),
    ("3", "基本满意"),
    ("2", "不满意"),
    ("1", "非常不满意"),
)
SATISFIED_AT_LEAST = 3  # 基本满意 and better count as satisfied

OBJECTION_REASONS = _v(
    "异议理由",
    "reason",
    ("not_our_duty", "非本单位职责"),
    ("incomplete", "信息不全"),
    ("wrong_area", "属地不符"),
    ("other", "其他"),
)

# How an order came to be closed.
CLOSE_REASONS = _v(
    "办结方式",
    "close_reason",
    ("satisfied", "回访满意办结"),
    ("callback_failed", "回访不成功办结"),
    ("callback_refused", "来电人拒访办结"),
    ("no_callback", "无需回访办结"),
    ("direct_answer", "直接答复办结"),
    ("on_spot", "网格员当场处置办结"),
    ("manual", "人工办结"),
    ("invalid", "无效来电办结"),
    ("malicious", "恶意来电办结"),
    ("withdrawn", "市民撤回办结"),
)

# Why a call is marked 无效/恶意 (counted in 受理量, excluded from every rate); the code is also its close reason.
INVALID_REASONS = _v("无效原因", "reason", ("invalid", "无效来电"), ("malicious", "恶意来电"))

# How one hop of the dispatch chain ended.
HOP_OUTCOMES = _v(
    "派单结果",
    "outcome",
    ("forwarded", "已转派下一级"),
    ("redispatched", "已改派"),
    ("returned", "已退回"),
    ("objection_upheld", "异议成立"),
    ("closed", "已办结"),
    ("merged", "已并单"),
    ("transferred", "已转警"),
)

UNIT_LEVELS = _v("单位层级", "level", ("city", "市级"), ("county", "县级"), ("township", "乡镇（街道）"))

UNIT_KINDS = _v(
    "单位类型",
    "kind",
    ("bureau", "职能部门"),
    ("sub_centre", "12345 县级分中心"),
    ("government", "县（市、区）政府"),
    ("township", "乡镇人民政府"),
    ("street", "街道办事处"),
    ("enterprise", "公共事业单位"),
    ("placeholder", "属地（待分派）"),
)

# Whether a city unit's matters go down to the county once the county is known (属地管理) or stay with the city.
ROUTING = _v("派单层级", "routing", ("county", "属地县级办理"), ("city", "市级办理"))

YES_NO = _v("是否", "value", ("yes", "是"), ("no", "否"))

_YES = {"yes", "y", "true", "1", "是", "on"}
_NO = {"no", "n", "false", "0", "否", "off"}


def parse_yes_no(value: str | bool | None, *, field: str, label: str) -> bool | None:
    """yes/no as people and forms write it; None when not given."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationFailed(f"{label}只接受 yes 或 no，收到：{value}", field=field)
