"""Build ``heldout5.jsonl`` from the hand-written ``banks/heldout5.txt`` (triage3 session), or another
hand-written bank of the same format (``--bank dev6``: the route session's development bank, tuned on;
``--bank heldout6`` / ``heldout7`` / ``heldout8`` / ``heldout9`` / ``heldout10``: the blind banks of the 2026-12-02 first, second and third sessions, of 2026-12-03 and of 2026-12-04,
never tuned on;
``--bank route_dev``: the second route session's bank, split into ``route_dev.jsonl`` (tuned on) and
``route_holdout.jsonl`` — every 4th message, never tuned on, scored at the end only; ``--bank emergency_dev2`` /
``nearmiss_dev``: the lead's development banks; ``--bank alarm_dev``: the alarm session's bank of long non-emergency
posts with alarm words and emergencies told late, split into ``alarm_dev.jsonl`` (tuned on) and ``alarm_holdout.jsonl``
— every 4th message, never tuned on).

    .venv/bin/python eval/triage/make_heldout5.py [--bank dev6|heldout6|heldout7|heldout8|heldout9|heldout10|route_dev]

The messages were written by hand for this bank (not generated from fragments, not taken from ../shared) and
committed before any change of the session that wrote them; the bank is never tuned on (see eval/README.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
EMERGENCY = {"110", "119", "120"}


def parse(path: Path, prefix: str = "h5") -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 8:
            raise SystemExit(f"{path.name}:{number}: expected 8 fields, got {len(parts)}")
        style, platform, kind, units, secondary, traps, title, text = parts
        ok = [] if units == "-" else units.split(";")
        counters = {s: sum(r["style"] == s for r in rows) for s in ("board", "phone", "emergency")}
        rows.append({
            "id": f"{prefix}-{style}-{counters.get(style, 0):03d}",
            "title": None if title == "-" else title,
            "text": text,
            "platform": platform,
            "request_type": None if kind == "-" else kind,
            "department": ok[0] if ok else None,
            "department_ok": ok,
            "emergency": platform in EMERGENCY,
            "secondary_platforms": [] if secondary == "-" else secondary.split(";"),
            "traps": [] if traps == "-" else traps.split(";"),
            "style": style,
        })
    return rows


PREFIXES = {"heldout5": "h5", "dev6": "d6", "heldout6": "h6", "heldout7": "h7", "heldout8": "h8", "heldout9": "h9", "heldout10": "h10", "route_dev": "rd", "emergency_dev2": "e2", "nearmiss_dev": "n1", "nearmiss_short": "n2", "emergency_dev3": "e3", "emergency_dev4": "e4", "emergency_holdout4": "eh4", "nearmiss_phone": "n3", "emergency_dev5": "e5", "alarm_dev": "ad", "nearmiss_long": "n4", "nearmiss_calls": "n5", "emergency_dev6": "e6", "emergency_dev7": "e7", "mixed_dev8": "m8", "route_dev9": "r9", "route_dev10": "r10", "emergency_dev8": "e8", "route_dev11": "r11", "nearmiss_long2": "n6", "emergency_dev9": "e9", "emergency_dev10": "e10", "emergency_dev11": "e11", "nevermiss_dev": "nm", "route_dev12": "r12", "nearmiss_long3": "n7", "nearmiss_calls2": "n8", "nearmiss_calls3": "n9", "nearmiss_calls4": "n10", "nearmiss_calls5": "n11", "nearmiss_long4": "n12", "nearmiss_calls6": "n13", "nearmiss_calls7": "n14", "nearmiss_calls8": "n15"}
# Banks whose every 4th message (4th, 8th, …) is kept apart as a never-tuned part of the same bank.
HOLDOUT_EVERY = {"route_dev": ("route_holdout", 4), "alarm_dev": ("alarm_holdout", 4)}


def write(rows: list[dict], out: Path) -> None:
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} rows → {out}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bank", default="heldout5", choices=sorted(PREFIXES))
    bank = parser.parse_args().bank
    rows = parse(HERE / "banks" / f"{bank}.txt", PREFIXES[bank])
    if bank in HOLDOUT_EVERY:
        name, every = HOLDOUT_EVERY[bank]
        write([r for i, r in enumerate(rows) if i % every == every - 1], HERE / f"{name}.jsonl")
        rows = [r for i, r in enumerate(rows) if i % every != every - 1]
    write(rows, HERE / f"{bank}.jsonl")


if __name__ == "__main__":
    main()
