"""The answer evaluation's miss classes: where a development miss arises, earliest stage first."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "eval" / "knowledge" / "run_answer_eval.py"


def load():
    spec = importlib.util.spec_from_file_location("run_answer_eval", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("read_holds_gold", "first_answering", "answered", "expected"),
    [
        (False, None, True, "search"),  # no passage read holds the gold
        (False, None, False, "search"),
        (True, None, True, "sentence"),  # a passage does, no sentence offered to the ranker
        (True, 3, True, "ranking"),  # an answering sentence, ranked fourth
        (True, 1, False, "ranking"),  # ranked below even when "not found" was said
        (True, 0, True, "span"),  # ranked first, the answer given cut or joined wrong
        (True, 0, False, "decider"),  # ranked first, "not found" said
    ],
)
def test_miss_class(read_holds_gold, first_answering, answered, expected):
    module = load()
    assert module.miss_class(read_holds_gold, first_answering, answered) == expected
    assert expected in module.MISS_CLASSES
