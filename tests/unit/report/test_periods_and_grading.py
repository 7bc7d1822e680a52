"""Report periods, the grading bands with 样本不足, definitions' versions and the scrubbing of personal data."""

from __future__ import annotations

from datetime import date

import pytest

from liandong.core.errors import ValidationFailed
from liandong.report import definitions, periods
from liandong.report.definitions import INSUFFICIENT, Grading
from liandong.report.redact import scrub


@pytest.mark.parametrize(
    ("text", "start", "end", "title"),
    [
        ("2023-10", date(2023, 10, 1), date(2023, 11, 1), "2023年10月月报"),
        ("2023-12", date(2023, 12, 1), date(2024, 1, 1), "2023年12月月报"),
        ("2023-Q4", date(2023, 10, 1), date(2024, 1, 1), "2023年第四季度季报"),
        ("2024q1", date(2024, 1, 1), date(2024, 4, 1), "2024年第一季度季报"),
    ],
)
def test_periods(text, start, end, title):
    period = periods.parse(text)
    assert (period.start, period.end, period.title) == (start, end, title)


@pytest.mark.parametrize(("text", "previous"), [("2024-01", "2023-12"), ("2023-10", "2023-09"), ("2024-Q1", "2023-Q4"), ("2023-Q3", "2023-Q2")])
def test_previous_period(text, previous):
    assert periods.parse(text).previous().code == previous


@pytest.mark.parametrize("text", ["", "2023-13", "2023/10", "Q4", "1999-01", "2023-Q5"])
def test_bad_periods_are_refused_in_chinese(text):
    with pytest.raises(ValidationFailed, match="统计期"):
        periods.parse(text)


RATES = {"response_rate": 1.0, "on_time_reply_rate": 0.9, "resolution_rate": 0.8, "satisfaction_rate": 0.9}


@pytest.mark.parametrize(
    ("figures", "dispatched", "grade", "score"),
    [
        (RATES, 10, "B", 89.5),  # 0.2×100 + 0.3×90 + 0.25×80 + 0.25×90
        (RATES, 9, INSUFFICIENT, None),
        ({**RATES, "resolution_rate": 1.0, "on_time_reply_rate": 1.0}, 40, "A", 97.5),
        ({"response_rate": 0.5, "on_time_reply_rate": 0.6, "resolution_rate": 0.7, "satisfaction_rate": 0.7}, 40, "D", 63.0),
        # Rates without a denominator are left out and the weights re-normalised: (0.2×0.8 + 0.3×0.7) / 0.5 = 74.
        ({"response_rate": 0.8, "on_time_reply_rate": 0.7, "resolution_rate": None, "satisfaction_rate": None}, 12, "C", 74.0),
        ({"response_rate": None, "on_time_reply_rate": None, "resolution_rate": None, "satisfaction_rate": None}, 12, INSUFFICIENT, None),
    ],
)
def test_grading_bands(figures, dispatched, grade, score):
    assert Grading().grade(figures, dispatched) == (grade, score)


def test_a_city_file_changes_the_version(tmp_path):
    assert definitions.load().version == definitions.BASE_VERSION
    own = tmp_path / "report.toml"
    own.write_text("min_sample = 20\n[weights]\nresponse_rate = 1.0\n[bands]\nA = 95.0\nB = 85.0\nC = 75.0\n", encoding="utf-8")
    loaded = definitions.load(own)
    assert loaded.version.startswith(definitions.BASE_VERSION + "+") and loaded.grading.min_sample == 20
    assert definitions.load(tmp_path / "missing.toml").version == definitions.BASE_VERSION


def test_every_metric_is_defined_with_its_parts():
    for metric in definitions.METRICS:
        assert metric.label and metric.formula and metric.exclusions
        if metric.kind == "rate":
            assert metric.numerator and metric.denominator, metric.name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("王女士反映停水，电话13935612345", "＊反映停水，电话＊"),
        ("身份证号140502199001011234补办", "身份证号＊补办"),
        ("来电人张三称楼道灯坏了", "来电人称楼道灯坏了"),
        ("巴公镇锦绣苑小区3号楼停水", "巴公镇锦绣苑小区3号楼停水"),
    ],
)
def test_scrub(text, expected):
    assert scrub(text) == expected
