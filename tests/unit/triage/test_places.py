"""Division detection from county, town and street names."""

import pytest


@pytest.mark.parametrize(
    "text, code",
    [
        ("泽州县巴公镇有个工厂排黑烟", "140525"),
        ("高平市寺庄镇停电了", "140581"),
        ("我是巴公的，想问问低保", "140525"),
        ("阳城县北留镇皇城村", "140522"),
        ("沁水县龙港镇", "140521"),
        ("陵川县附城镇", "140524"),
        ("泽州路上的路灯坏了", "140502"),
        ("城区西上庄街道", "140502"),
        ("我住在城区，楼下很吵", "140502"),
        ("老城区的路灯坏了", "140500"),
        ("小区停水了", "140500"),
    ],
)
def test_division(catalog, text, code):
    assert catalog.detector().detect(text)[0] == code


def test_location_hint_wins(engine):
    result = engine.triage("家里停水了", location="高平市米山镇")
    assert result.division_code == "140581"
