"""The metric definitions as versioned data: name, label, formula, numerator, denominator, exclusions (pure).

`metrics.py` turns each definition into SQL; `docs/metrics.md` and every report print the same text and the
version. Changing what a figure means changes `BASE_VERSION`; a city's own thresholds or weights (report.toml in
its config directory) add a suffix, so two reports with different rules never look alike.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

BASE_VERSION = "2026.1"
DATA_DIR = Path(__file__).resolve().parent / "data"

EXCLUDED = "并单（并入其他工单）、无效和恶意来电、市民撤回的诉求计入受理量，不计入任何比率"


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    kind: str  # count | rate | mean
    formula: str
    numerator: str = ""
    denominator: str = ""
    exclusions: str = EXCLUDED
    unit: str = ""  # "%", "小时", "分", "件"

    def to_dict(self) -> dict:
        return {
            "name": self.name, "label": self.label, "kind": self.kind, "formula": self.formula,
            "numerator": self.numerator, "denominator": self.denominator, "exclusions": self.exclusions, "unit": self.unit,
        }


METRICS: tuple[Metric, ...] = (
    Metric("received", "受理量", "count", "统计期内受理的全部工单", exclusions="无（全部计入）", unit="件"),
    Metric("merged", "并单量", "count", "截至评价时点已并入其他工单的工单", exclusions="无", unit="件"),
    Metric("invalid", "无效来电量", "count", "截至评价时点标记为无效或恶意来电的工单", exclusions="无", unit="件"),
    Metric("withdrawn", "撤回量", "count", "截至评价时点由市民在单位签收前撤回的诉求", exclusions="无", unit="件"),
    Metric("valid", "有效工单量", "count", "受理量 − 并单量 − 无效来电量 − 撤回量", exclusions=EXCLUDED, unit="件"),
    Metric("direct_answer_rate", "直接答复率", "rate", "直接答复办结的有效工单 ÷ 有效工单",
           "话务员直接答复办结的有效工单", "有效工单", unit="%"),
    Metric("dispatched", "派单量", "count", "至少派单一次的有效工单", unit="件"),
    Metric("response_rate", "响应率（按时签收）", "rate", "按时签收的派单工单 ÷ 已签收或签收时限已过的派单工单",
           "每一次派单都在签收时限内签收的工单", "已签收或签收时限已过的派单工单（未签收即退回且未超时的一跳不计）", unit="%"),
    Metric("on_time_reply_rate", "按时办结率", "rate", "按时答复并经审核通过的工单 ÷（答复已审核通过的工单 + 超过答复时限仍在办的工单）",
           "首次审核通过的答复在当时有效的答复时限（含批准的延期）内提交的工单",
           "答复已审核通过的工单，加上截至评价时点超过答复时限仍未办结的工单", unit="%"),
    Metric("completion_rate", "办结率", "rate", "已办结的有效工单 ÷ 有效工单", "截至评价时点处于办结状态的有效工单", "有效工单", unit="%"),
    Metric("callback_rate", "回访率", "rate", "回访接通的工单 ÷ 进入回访环节的工单",
           "至少一次回访接通的工单", "答复审核通过、进入回访环节的工单", unit="%"),
    Metric("resolution_rate", "解决率", "rate", "回访答复“已解决”的工单 ÷ 回访接通的工单",
           "最后一次接通的回访中来电人表示问题已解决的工单", "至少一次回访接通的工单（每单取最后一次接通的回访）", unit="%"),
    Metric("satisfaction_rate", "满意率", "rate", "回访评价为非常满意、满意或基本满意的工单 ÷ 回访接通的工单",
           "最后一次接通的回访评价为非常满意、满意或基本满意的工单", "至少一次回访接通的工单（每单取最后一次接通的回访）", unit="%"),
    Metric("satisfaction_score", "满意度得分", "mean", "最后一次接通回访的评价（1–5）的平均值 × 20",
           "评价之和 × 20", "至少一次回访接通的工单", unit="分"),
    Metric("return_rate", "退单率", "rate", "至少退回一次的派单工单 ÷ 派单工单", "至少被退回一次（含派单异议成立）的工单", "派单工单", unit="%"),
    Metric("reopen_rate", "重办率", "rate", "至少重办一次的工单 ÷ 至少办结过一次的工单",
           "至少办结过一次、且曾重办（回访不满意重办或办结后重办）的工单", "至少办结过一次的有效工单", unit="%"),
    Metric("extension_rate", "延期率", "rate", "获批延期的工单 ÷ 派单工单", "至少一次延期申请获批准的工单", "派单工单", unit="%"),
    Metric("repeat_rate", "重复诉求率", "rate", "标记为重复件（受理时关联或并单）或追加诉求的工单 ÷ 受理量",
           "受理时标记为重复件、被并单或有追加诉求的工单", "受理量",
           exclusions="本项以重复件本身为统计对象，分母为全部受理量（唯一的例外）", unit="%"),
    Metric("avg_handling_hours", "平均办理时长", "mean", "首次派单至首次审核通过的答复提交之间的工作日小时数的平均值",
           "各单办理时长之和（只计法定工作日内的小时）", "答复已审核通过且曾派单的有效工单", unit="小时"),
)
BY_NAME = {m.name: m for m in METRICS}
RATES = tuple(m.name for m in METRICS if m.kind == "rate")


@dataclass(frozen=True)
class Grading:
    """分档: a weighted composite of a unit's rates, cut into bands; too few orders means no grade."""

    min_sample: int = 10
    weights: dict[str, float] = field(default_factory=lambda: {"response_rate": 0.2, "on_time_reply_rate": 0.3, "resolution_rate": 0.25, "satisfaction_rate": 0.25})
    bands: dict[str, float] = field(default_factory=lambda: {"A": 90.0, "B": 80.0, "C": 70.0})

    def score(self, figures: dict) -> float | None:
        """0–100, re-weighted over the rates that have a value; None when none has."""
        present = {name: weight for name, weight in self.weights.items() if figures.get(name) is not None}
        total = sum(present.values())
        if not total:
            return None
        return round(sum(figures[name] * weight for name, weight in present.items()) / total * 100, 1)

    def grade(self, figures: dict, dispatched: int) -> tuple[str, float | None]:
        """("A"…"D", score), or ("样本不足", None) below the minimum sample."""
        if dispatched < self.min_sample:
            return INSUFFICIENT, None
        score = self.score(figures)
        if score is None:
            return INSUFFICIENT, None
        for band, floor in sorted(self.bands.items(), key=lambda item: -item[1]):
            if score >= floor:
                return band, score
        return "D", score


INSUFFICIENT = "样本不足"


@dataclass(frozen=True)
class Definitions:
    version: str
    grading: Grading
    metrics: tuple[Metric, ...] = METRICS

    def to_dict(self) -> dict:
        return {
            "version": self.version,
            "min_sample": self.grading.min_sample,
            "weights": self.grading.weights,
            "bands": self.grading.bands,
            "metrics": [m.to_dict() for m in self.metrics],
        }


def _parse(text: str) -> Grading:
    data = tomllib.loads(text)
    return Grading(min_sample=int(data.get("min_sample", 10)), weights=dict(data.get("weights", {})), bands=dict(data.get("bands", {})))


def load(city_file: Path | None = None) -> Definitions:
    """The packaged definitions, with a city's report.toml (if given and present) in place of the packaged settings."""
    packaged = (DATA_DIR / "report.toml").read_text(encoding="utf-8")
    text = packaged
    if city_file is not None and city_file.exists():
        text = city_file.read_text(encoding="utf-8")
    grading = _parse(text)
    version = BASE_VERSION
    if grading != _parse(packaged):
        digest = hashlib.sha256(json.dumps([grading.min_sample, grading.weights, grading.bands], sort_keys=True).encode()).hexdigest()[:6]
        version = f"{BASE_VERSION}+{digest}"
    return Definitions(version=version, grading=grading)
