"""Reply quality check on 120 real board messages with their official replies, and on mismatched pairs.

- Real pairs: how many replies each finding flags; the weak replies (a bare date, only "已转交相关部门",
  only "请拨打/请咨询…", "已进行过回复", "回复如下：" with nothing after) are listed by hand below by their
  message id (the data is read at run time from ../shared/data, never copied), so their detection rate and
  the false-alarm rate on the substantive replies are measured.
- Mismatched pairs: each substantive reply paired with other messages (a fixed shuffle, several rounds):
  the share flagged 答非所问 is the detection rate; on the true pairs the share flagged is the false rate.
- The overlap threshold is swept so the chosen OFF_TOPIC_BELOW can be checked.

Usage: .venv/bin/python eval/reply_check/run_eval.py [--data FILE] [--show]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "board_messages_with_replies.jsonl"

# Read by a person, message by message (ids only; see the module docstring).
BARE_DATE = {37459, 37482, 166919}
REDIRECT = {178547, 179558, 179560, 179880, 179893, 159012, 168211, 169546, 51521, 172654, 172664}
REFERRAL = {33984, 163653, 163642, 169676, 168208, 168276, 163609, 40967}
WEAK = BARE_DATE | REDIRECT | REFERRAL


def request_of(row: dict) -> str:
    return f"{row['title']}\n{row['body']}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", action="store_true", help="print every flagged real reply")
    parser.add_argument("--rounds", type=int, default=5, help="mismatched pairings per reply")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"data not found: {args.data}")
        return 1
    from liandong.workorder.reply_check import OFF_TOPIC_BELOW, check_reply, overlap

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    checked = {row["id"]: check_reply(request_of(row), row["reply"]) for row in rows}
    missing_ids = WEAK - set(checked)
    if missing_ids:
        print(f"note: labelled ids not in the data: {sorted(missing_ids)}")

    codes = ("empty", "date_only", "redirect_only", "no_result", "too_short", "promise_without_date", "off_topic")
    print(f"real replies: {len(rows)}; labelled weak: {len(WEAK & set(checked))} (bare date {len(BARE_DATE)}, 已转交/已回复 {len(REDIRECT)}, 请咨询/请拨打 {len(REFERRAL)})")
    print("flags per finding on the real replies:")
    for code in codes:
        flagged = [i for i, f in checked.items() if code in f.codes]
        weak = len([i for i in flagged if i in WEAK])
        print(f"  {code:22} {len(flagged):3}  (of them labelled weak: {weak})")

    weak_ids = [i for i in checked if i in WEAK]
    good_ids = [i for i in checked if i not in WEAK]
    caught = [i for i in weak_ids if not checked[i].passed]
    false_block = [i for i in good_ids if not checked[i].passed]
    print(f"weak replies stopped (a blocking finding): {len(caught)}/{len(weak_ids)} = {len(caught) / max(len(weak_ids), 1):.3f}")
    for kind, ids in (("bare date", BARE_DATE), ("已转交/已回复", REDIRECT), ("请咨询/请拨打", REFERRAL)):
        present = [i for i in ids if i in checked]
        stopped = [i for i in present if not checked[i].passed]
        print(f"  {kind:12} {len(stopped)}/{len(present)}")
    print(f"substantive replies stopped (false alarms): {len(false_block)}/{len(good_ids)} = {len(false_block) / max(len(good_ids), 1):.3f}")
    for i in false_block:
        row = next(r for r in rows if r["id"] == i)
        print(f"    {i}: {','.join(checked[i].codes)} | {row['reply'][:70]}")

    # 答非所问: true pairs vs the same replies under other messages.
    substantive = [row for row in rows if row["id"] not in WEAK]
    rng = random.Random(12345)
    true_share = {row["id"]: overlap(request_of(row), row["reply"])[0] for row in substantive}
    mismatched = []
    for _ in range(args.rounds):
        others = substantive[:]
        rng.shuffle(others)
        for row, other in zip(substantive, others):
            if other["id"] != row["id"]:
                mismatched.append(overlap(request_of(other), row["reply"])[0])
    print(f"答非所问 on {len(substantive)} substantive replies, {len(mismatched)} mismatched pairs:")
    print(f"  {'below':>6} {'true pairs flagged':>19} {'mismatched flagged':>19}")
    for threshold in (0.05, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25):
        flagged_true = sum(share < threshold for share in true_share.values()) / len(true_share)
        flagged_mismatch = sum(share < threshold for share in mismatched) / len(mismatched)
        marker = "  ← OFF_TOPIC_BELOW" if abs(threshold - OFF_TOPIC_BELOW) < 1e-9 else ""
        print(f"  {threshold:6.2f} {flagged_true:19.3f} {flagged_mismatch:19.3f}{marker}")
    pairs_rows = []
    for _ in range(1):
        others = substantive[:]
        rng.shuffle(others)
        pairs_rows = [(row, other) for row, other in zip(substantive, others) if other["id"] != row["id"]]
    detected = sum("off_topic" in check_reply(request_of(other), row["reply"]).codes for row, other in pairs_rows)
    false_true = sum("off_topic" in checked[row["id"]].codes for row in substantive)
    print(f"check_reply on mismatched pairs: 答非所问 detected {detected}/{len(pairs_rows)} = {detected / max(len(pairs_rows), 1):.3f}")
    print(f"check_reply on true pairs: 答非所问 flagged {false_true}/{len(substantive)} = {false_true / max(len(substantive), 1):.3f}")
    if args.show:
        for i, f in checked.items():
            if f.findings:
                row = next(r for r in rows if r["id"] == i)
                print(f"{i} {'WEAK' if i in WEAK else '    '} {','.join(f.codes)} ov={f.overlap:.2f} | {row['reply'][:80]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
