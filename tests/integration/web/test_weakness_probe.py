"""The black-box probe of issue 11's weaknesses (eval/security/probe.py) against this tree on SQLite.

A bounded subset (the load and race probes are left to the full run: they need time, and the races PostgreSQL);
against commit cd8f9f5 the same subset answers EXPOSED for every one (docs/security.md).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PROBE = ROOT / "eval" / "security" / "probe.py"
SUBSET = (1, 2, 3, 4, 6, 7, 8)


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "liandong").exists(), reason="the probe serves this tree from its .venv")
def test_every_probed_weakness_holds_on_this_tree():
    done = subprocess.run(
        [sys.executable, str(PROBE), "--db", "sqlite", "--only", ",".join(map(str, SUBSET)), "--budget", "90"],
        capture_output=True, text=True, timeout=150, check=False,
    )
    lines = re.findall(r"^weakness (\d): (EXPOSED|HELD) — (.*)$", done.stdout, flags=re.M)
    assert [int(n) for n, _, _ in lines] == list(SUBSET), done.stdout + done.stderr
    assert [(n, detail) for n, verdict, detail in lines if verdict != "HELD"] == []
    assert done.returncode == 0, done.stderr
