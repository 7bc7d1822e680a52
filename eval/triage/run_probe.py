"""Score the engine on probe.txt (hand-written phrasings unlike the scenario bank) and list the misses.

    .venv/bin/python eval/triage/run_probe.py
"""

from pathlib import Path

from liandong.triage.service import build_engine

HERE = Path(__file__).resolve().parent


def main() -> None:
    rows = []
    for line in (HERE / "probe.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            platform, dept, rtype, text = line.split("|", 3)
            rows.append((platform, None if dept == "-" else dept, None if rtype == "-" else rtype, text))
    engine = build_engine()
    results = engine.triage_many([r[3] for r in rows])
    ok = {"platform": 0, "department": 0, "request_type": 0}
    n_type = sum(1 for r in rows if r[0] == "12345")
    for (platform, dept, rtype, text), out in zip(rows, results):
        ok["platform"] += out.platform == platform
        ok["department"] += out.department == dept
        if platform == "12345":
            ok["request_type"] += out.request_type == rtype
        if (out.platform, out.department) != (platform, dept) or (platform == "12345" and out.request_type != rtype):
            print(f"- gold {platform}/{dept}/{rtype} got {out.platform}/{out.department}/{out.request_type} {out.transfer_item_id} | {text}")
    print({k: round(v / (n_type if k == "request_type" else len(rows)), 3) for k, v in ok.items()}, "n", len(rows))


if __name__ == "__main__":
    main()
