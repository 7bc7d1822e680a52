"""Build the realistic evaluation banks from the hand-written fragments in eval/triage/banks/.

* long_{dev,heldout}.jsonl — board-style messages of 300–800 characters: an opening, background, the
  problem told at length, one or two "traps" (past or habitual events, substring collisions, idioms,
  hazards, past scams, a landmark, a mention of the hotline or of an ID card, tourism, pollution in
  passing), sometimes a second, smaller grievance from another topic, the request and a closing.
  The title (``title``) and the body (``text``) are separate fields, as on a message board.
* phone_{dev,heldout}.jsonl — verbatim phone transcripts with fillers.
* emergency_{dev,heldout}.jsonl — emergencies as people really call, and look-alikes that are not.

The dev fragments and the held-out fragments were written separately (no sentence is shared), the
held-out ones before the engine was changed; scripts tune on dev only.

    .venv/bin/python eval/triage/make_banks.py
"""

from __future__ import annotations

import json
import random
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
BANKS = HERE / "banks"
MIN_LEN, MAX_LEN = 300, 800
PER_TOPIC = 4


def _place_code(text: str, places: list[list[str]]) -> str:
    for name, code in sorted(places, key=lambda p: -len(p[0])):
        if name in text:
            return code
    return "140500"


GENERIC_ASKS = [
    "希望相关部门尽快处理。", "请有关部门高度重视，尽快解决。", "恳请领导关注此事，督促解决。", "希望能尽快给我们一个答复。",
    "请相关部门尽快调查处理，给老百姓一个说法。", "希望领导能过问一下这件事。",
]


def compose(topic: dict, pools: dict, others: list[dict], rng: random.Random, number: int = 0) -> dict:
    place, code = rng.choice(pools["places"])
    bodies = topic["bodies"]
    body_index = rng.randrange(len(bodies))
    titles = topic["titles"]
    if topic.get("paired") and body_index < len(titles):
        title = titles[body_index]
    else:
        title = rng.choice(titles)
    target = rng.randint(MIN_LEN + 20, MAX_LEN - 40)
    backgrounds = rng.sample(pools["backgrounds"], k=len(pools["backgrounds"]))
    traps = rng.sample(pools["traps"], k=rng.choice([1, 1, 2, 3]))
    # Ask: the topic's own (often naming the unit) or a generic one, as real posts do both.
    ask = rng.choice(topic["asks"]) if rng.random() < 0.5 else rng.choice(GENERIC_ASKS)
    head = [rng.choice(pools["openings"])]
    middle = [bodies[body_index]]
    used_traps = []
    if rng.random() < 0.4:
        first = traps.pop(0)
        middle.insert(0, first[1])
        used_traps.append(first[0])
    side = None
    if rng.random() < 0.45:
        side = rng.choice([o for o in others if o["unit"] != topic["unit"]])
        sentence = rng.choice(side["bodies"])
        if target < 500:
            sentence = sentence.split("。")[0] + "。"
        middle.append(rng.choice(["另外，", "还有一个事情，", "顺便说一下，", "除此之外，"]) + sentence)
    for trap in traps:
        middle.insert(rng.randrange(1, len(middle) + 1), trap[1])
        used_traps.append(trap[0])
    spare = [b for i, b in enumerate(bodies) if i != body_index]

    def length() -> int:
        return len("".join(head + middle) + ask) + 4

    while length() < target and (spare or backgrounds):
        if spare and rng.random() < 0.5:
            middle.insert(1, spare.pop())
        elif backgrounds:
            piece = backgrounds.pop()
            (head if rng.random() < 0.5 else middle).append(piece)
    text = "".join(head + middle) + ask + rng.choice(pools["closings"])
    text = text.replace("{place}", place)
    title = title.replace("{place}", place)
    if len(text) > MAX_LEN:
        text = text[:MAX_LEN]
    return {
        "title": title,
        "text": text,
        "platform": "12345",
        "request_type": topic["type"],
        "department": topic["unit"],
        "department_ok": [topic["unit"], *topic.get("ok", [])],
        "emergency": False,
        "secondary_platforms": [],
        "level": "一般",
        "division_code": _place_code(title + text, pools["places"]),
        "traps": used_traps,
        "side_topic": side["unit"] if side else None,
        "style": "board",
        # Messages built on the same paragraph share a group (grouped K-fold keeps them in one fold).
        "group": f"t{number}-{body_index}",
    }


def build_long(split: str, seed: int) -> list[dict]:
    data = tomllib.loads((BANKS / f"long_{split}.toml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    rows = []
    for number, topic in enumerate(data["topic"]):
        for _ in range(PER_TOPIC):
            rows.append(compose(topic, data["pools"], data["topic"], rng, number))
    return rows


def parse_calls(path: Path, style: str) -> list[dict]:
    rows, header = [], None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            platform, rtype, units, level, emergency, secondary = line[1:].split("|")
            units = [] if units == "-" else units.split(",")
            header = {
                "platform": platform,
                "request_type": None if rtype == "-" else rtype,
                "department": units[0] if units else None,
                "department_ok": units,
                "level": level,
                "emergency": emergency == "1",
                "secondary_platforms": [] if secondary == "-" else secondary.split(","),
            }
            continue
        rows.append({"title": None, "text": line, **header, "division_code": None, "style": style, "group": f"{style}-{len(rows)}"})
    return rows


def main() -> None:
    seeds = {"dev": 20261201, "heldout": 20261202}
    for split, seed in seeds.items():
        banks = {
            "long": build_long(split, seed),
            "phone": parse_calls(BANKS / f"phone_{split}.txt", "phone"),
            "emergency": parse_calls(BANKS / f"emergency_{split}.txt", "emergency"),
        }
        for name, rows in banks.items():
            path = HERE / f"{name}_{split}.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                for i, row in enumerate(rows):
                    handle.write(json.dumps({"id": f"{name}-{split}-{i:04d}", **row}, ensure_ascii=False) + "\n")
            lengths = sorted(len(r["text"]) for r in rows)
            print(f"{path.name}: {len(rows)} rows, length median {lengths[len(lengths) // 2]} (min {lengths[0]}, max {lengths[-1]})")


if __name__ == "__main__":
    main()
