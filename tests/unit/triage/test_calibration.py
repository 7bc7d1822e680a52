"""Calibrated confidence, the review threshold (需人工判断) and the top three alternatives."""

import json

import pytest

from liandong.triage import service
from liandong.triage.calibration import FEATURES, Calibration, heuristic, load_calibration


def test_more_margin_more_confidence():
    calibration = load_calibration(service.CALIBRATION_FILE) or heuristic()
    base = {name: 0.0 for name in FEATURES} | {"score_top": 1.0, "rule_hit": 1.0}
    assert calibration(base | {"margin": 0.6}) > calibration(base | {"margin": 0.05})
    assert 0.0 < calibration(base) < 1.0


def test_packaged_calibration_loads():
    calibration = load_calibration(service.CALIBRATION_FILE)
    assert calibration is not None
    assert 0.3 <= calibration.threshold <= 0.95
    assert calibration.meta["n"] > 100


def test_a_file_for_other_inputs_is_ignored(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"features": ["other"], "coef": [1.0], "intercept": 0.0}), encoding="utf-8")
    assert load_calibration(path) is None
    assert load_calibration(tmp_path / "missing.json") is None


def test_round_trip():
    calibration = Calibration(coef=tuple(0.1 for _ in FEATURES), intercept=-0.5, threshold=0.7)
    data = calibration.to_dict()
    assert data["features"] == list(FEATURES) and data["threshold"] == 0.7


def test_unclear_request_needs_review_with_three_alternatives(engine):
    result = engine.triage("我有个事情想反映一下，就是那个情况你们也知道")
    assert result.platform == "12345"
    assert result.needs_review and result.review_label == "需人工判断"
    assert 1 <= len(result.alternatives) <= 3
    first = result.alternatives[0]
    assert first["department"] == result.department and first["probability"] == pytest.approx(result.confidence, abs=0.01)
    assert sum(a["probability"] for a in result.alternatives) <= 1.0 + 0.03
    assert all(a["reasons"] and a["department_name"] for a in result.alternatives)
    assert any("需人工判断" in r for r in result.reasons)


def test_clear_request_does_not_need_review(engine):
    result = engine.triage("我家暖气一点都不热，屋里才十二度，麻烦热力公司来看看")
    assert result.department == "rl" and not result.needs_review and result.review_label is None
    assert result.confidence >= engine.calibration.threshold
