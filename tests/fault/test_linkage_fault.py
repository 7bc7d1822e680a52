"""Fault test with real processes: a 12345 and a 110 instance (`liandong serve`, separate SQLite databases, loopback
ports) and their workers, N transfers each way while the servers and workers are SIGKILLed and restarted at random.
At the end every transfer is on the other side exactly once with its feedback, both sides agree on every status and
nothing is pending. The harness and the long version (1,000 each way, PostgreSQL too) are `bench/linkage_fault.py`.

LIANDONG_FAULT_N sets the transfers each way (default 40 on this suite's budget of a few minutes);
LIANDONG_FAULT_POSTGRES_URL (an admin URL) runs both instances on throw-away PostgreSQL databases instead of SQLite.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.fault

HARNESS = Path(__file__).resolve().parents[2] / "bench" / "linkage_fault.py"


def _harness():
    spec = importlib.util.spec_from_file_location("linkage_fault", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_exactly_once_with_feedback_under_sigkill(tmp_path):
    n = int(os.environ.get("LIANDONG_FAULT_N", "40"))
    figures = _harness().run(n=n, seed=int(os.environ.get("LIANDONG_FAULT_SEED", "9")), drain_timeout=180, workdir=tmp_path,
                             postgres=os.environ.get("LIANDONG_FAULT_POSTGRES_URL"))
    print("\nlinkage fault test:", json.dumps({k: v for k, v in figures.items() if k != "workdir"}, ensure_ascii=False))
    assert figures["ok"], figures["problems"]
    killed = set(figures["kills_by_process"])
    assert {"jc12345:serve", "jc110:serve", "jc12345:worker", "jc110:worker"} <= killed, f"every process must be killed: {killed}"
    assert figures["messages"] >= 6 * n  # transfer + receipt + acceptance each way, completion from 110
