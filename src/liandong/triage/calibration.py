"""Calibrated confidence: the probability that the suggested unit is right, from a few scores of the decision.

A logistic map (Platt scaling over several inputs) fitted on the dev banks by
`eval/triage/calibrate.py` and stored as `data/calibration.json`; below `threshold` a suggestion is
marked 需人工判断. Pure: standard library only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

# The inputs, in order; the engine fills them for every 12345 decision.
FEATURES = (
    "score_top",  # combined score of the chosen unit (rules + model + duties)
    "margin",  # its lead over the runner-up
    "model_p",  # the model's probability of the chosen unit
    "model_agrees",  # 1 when the model's own first choice is the chosen unit
    "rule_hit",  # 1 when a transfer-list item of that unit matched
    "rule_in_request",  # 1 when that match sits in the title or a request sentence
    "long_text",  # 1 for board-length texts
)
DEFAULT_THRESHOLD = 0.6


@dataclass(frozen=True)
class Calibration:
    coef: tuple[float, ...]
    intercept: float
    threshold: float = DEFAULT_THRESHOLD
    meta: dict | None = None

    def __call__(self, values: dict[str, float]) -> float:
        z = self.intercept + sum(w * float(values.get(name, 0.0)) for w, name in zip(self.coef, FEATURES))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "coef": list(self.coef), "intercept": self.intercept, "threshold": self.threshold, "meta": self.meta or {}}


def heuristic() -> Calibration:
    """Used when no calibration file is configured: a hand-set map of the same inputs."""
    return Calibration(coef=(1.2, 2.0, 1.5, 0.6, 0.8, 0.4, -0.3), intercept=-2.2, threshold=DEFAULT_THRESHOLD, meta={"source": "heuristic"})


def load_calibration(path: Path) -> Calibration | None:
    path = Path(path)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if list(data.get("features", [])) != list(FEATURES):
        return None  # written for other inputs: ignore rather than mislead
    return Calibration(coef=tuple(float(c) for c in data["coef"]), intercept=float(data["intercept"]), threshold=float(data.get("threshold", DEFAULT_THRESHOLD)), meta=data.get("meta"))
