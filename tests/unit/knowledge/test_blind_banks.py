"""Every never-tuned bank on disk is registered as blind, so no script lists its misses, and each built bank
matches the hand-written file it is built from."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parents[3] / "eval"
TRIAGE = EVAL / "triage"
KNOWLEDGE = EVAL / "knowledge"
FIRST_BLIND = 5  # heldout5 / answer_heldout5 onwards were written blind; heldout … heldout4 became development banks


def _module(path: Path, name: str):
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def _numbered(directory: Path, stem: str) -> list[str]:
    """The banks STEM<N>.jsonl in the directory with N at least FIRST_BLIND."""
    found = (re.fullmatch(rf"{stem}(\d+)", p.stem) for p in directory.glob(f"{stem}*.jsonl"))
    return sorted(m.group(0) for m in found if m and int(m.group(1)) >= FIRST_BLIND)


def test_the_numbered_banks_are_found():
    assert "heldout10" in _numbered(TRIAGE, "heldout")
    assert "answer_heldout10" in _numbered(KNOWLEDGE, "answer_heldout")


@pytest.mark.parametrize("name", _numbered(TRIAGE, "heldout"))
def test_triage_blind_bank_is_registered(name):
    run_banks = _module(TRIAGE / "run_banks.py", "run_banks_for_test")
    assert name in run_banks.BLIND
    assert name in run_banks.STYLE_BANKS


@pytest.mark.parametrize("name", [n for n in _numbered(TRIAGE, "heldout") if (TRIAGE / "banks" / f"{n}.txt").exists()])
def test_triage_blind_bank_matches_its_source(name):
    builder = _module(TRIAGE / "make_heldout5.py", "make_heldout5_for_test")
    built = [json.loads(line) for line in (TRIAGE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert builder.parse(TRIAGE / "banks" / f"{name}.txt", builder.PREFIXES[name]) == built


@pytest.mark.parametrize("name", _numbered(KNOWLEDGE, "answer_heldout"))
def test_answer_blind_bank_is_registered(name):
    common = _module(KNOWLEDGE / "common.py", "knowledge_common_for_test")
    assert common.BANKS[name] == KNOWLEDGE / f"{name}.jsonl"
    assert name in common.HELDOUT_BANKS
    assert name not in common.DEV_BANKS
