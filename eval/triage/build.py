"""Build the triage evaluation set and the packaged training examples from scenarios.txt.

Core phrasings alternate between training (even index) and evaluation (odd index), so the
evaluation set never contains a sentence the model was trained on. 20% of the evaluation
cores (with all their variants) form heldout.jsonl; nothing is tuned on it.

    python eval/triage/build.py
"""

from __future__ import annotations

import json
import random
import re
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXAMPLES = ROOT / "src" / "liandong" / "triage" / "data" / "examples.jsonl"

# (text used in a request, division code) — a different mix from the engine's place file on purpose
PLACES = [
    ("泽州县巴公镇", "140525"), ("泽州县南村镇", "140525"), ("泽州县大阳镇西街村", "140525"), ("泽州县金村镇", "140525"),
    ("泽州县高都镇", "140525"), ("巴公镇", "140525"), ("泽州县柳树口镇", "140525"), ("泽州县周村镇", "140525"),
    ("高平市寺庄镇", "140581"), ("高平市米山镇", "140581"), ("高平市北城街道", "140581"), ("高平市三甲镇", "140581"),
    ("高平市陈区镇", "140581"), ("高平市河西镇", "140581"), ("高平", "140581"), ("高平市神农镇", "140581"),
    ("阳城县凤城镇", "140522"), ("阳城县北留镇", "140522"), ("阳城县润城镇", "140522"), ("阳城县町店镇", "140522"),
    ("阳城", "140522"), ("阳城县芹池镇", "140522"),
    ("沁水县龙港镇", "140521"), ("沁水县嘉峰镇", "140521"), ("沁水县端氏镇", "140521"), ("沁水县郑村镇", "140521"),
    ("沁水", "140521"),
    ("陵川县崇文镇", "140524"), ("陵川县礼义镇", "140524"), ("陵川县附城镇", "140524"), ("陵川县平城镇", "140524"),
    ("陵川", "140524"),
    ("城区西上庄街道", "140502"), ("城区北石店镇", "140502"), ("城区钟家庄街道", "140502"), ("泽州路", "140502"),
    ("城区东街街道", "140502"), ("城区矿区街道", "140502"), ("晋城市城区南街街道", "140502"), ("凤台街", "140502"),
    ("市区", "140500"), ("我们小区", "140500"), ("这边", "140500"), ("开发区", "140500"), ("晋城", "140500"),
    ("", "140500"), ("", "140500"), ("", "140500"), ("", "140500"), ("", "140500"), ("", "140500"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"

ASKS = {
    "complaint": ["希望相关部门尽快处理", "请有关部门管一管", "要求给个说法", "希望尽快解决", "已经反映多次了，请督促整改", ""],
    "report": ["请相关部门依法查处", "希望尽快派人查处", "请执法部门来管管", "希望为老百姓做主", ""],
    "help": ["请帮忙协调解决", "麻烦尽快派人来看看", "希望尽快帮忙解决", "谢谢", ""],
    "consult": ["", "谢谢", "麻烦告诉一下", "请回电告知"],
    "suggestion": ["希望领导采纳", "谢谢", "请相关部门考虑", ""],
}

TYPOS = [
    ("噪音", "燥音"), ("物业", "物叶"), ("暖气", "暖器"), ("垃圾", "拉圾"), ("已经", "以经"), ("小区", "小曲"),
    ("电梯", "电题"), ("燃气", "燃汽"), ("煤气", "媒气"), ("报销", "报消"), ("装修", "装休"), ("工资", "工姿"),
    ("孩子", "娃子"), ("什么", "啥"), ("怎么", "咋"), ("没有", "没得"), ("着火", "着伙"), ("晕倒", "昏倒"),
    ("公积金", "公基金"), ("身份证", "身分证"), ("营业执照", "营业职照"), ("停电", "停点"), ("投诉", "头诉"),
]


def parse(path: Path) -> list[dict]:
    scenarios: list[dict] = []
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            platform, rtype, dept, cat, level = line[1:].split("|")
            current = {
                "platform": platform,
                "request_type": None if rtype == "-" else rtype,
                "department": None if dept == "-" else dept,
                "category": [] if cat == "-" else cat.split("/"),
                "level": level,
                "cores": [],
            }
            scenarios.append(current)
        else:
            current["cores"].append(line)
    return scenarios


def typo(text: str, rng: random.Random) -> str:
    pairs = [p for p in TYPOS if p[0] in text]
    if not pairs:
        return text
    a, b = rng.choice(pairs)
    return text.replace(a, b, 1)


def render(sc: dict, core: str, rng: random.Random, style: str) -> tuple[str, str]:
    place, code = rng.choice(PLACES)
    if "{place}" in core:
        text_core = core.replace("{place}", place)
    else:
        text_core = core
        code = "140500"
        if place and style in ("phone", "web") and rng.random() < 0.5:
            text_core = f"我是{place}的，" + core if place not in ("这边", "我们小区") else core
            if text_core != core:
                code = dict(PLACES)[place] if place else "140500"
    platform = sc["platform"]
    rtype = sc["request_type"] or ""
    ask = rng.choice(ASKS.get(rtype, [""]))
    who = rng.choice(SURNAMES) + rng.choice(["先生", "女士", "师傅", "大爷", "阿姨"])
    if platform == "invalid":
        return core, "140500"
    if platform in ("110", "119", "120"):
        options = {
            "phone": [f"来电人{who}称：{text_core}。", f"报警人称{text_core}，请求帮助。", f"来电人反映：{text_core}！"],
            "web": [f"{text_core}，地址在{place or '市区'}附近，快派人来！", f"急！{text_core}"],
            "dialect": [f"喂，{text_core}，你们快来呀", f"哎呀快来人吧，{text_core}，俺们这可咋弄"],
            "short": [text_core],
        }
    elif platform == "guidance":
        options = {
            "phone": [f"来电人咨询：{text_core}。", f"来电人{who}称{text_core}，想问问怎么办。"],
            "web": [f"您好，{text_core}，请问该找哪里？", f"{text_core}"],
            "dialect": [f"俺想问问，{text_core}，这事咋整"],
            "short": [text_core],
        }
    else:
        tail = f"，{ask}。" if ask else "。"
        options = {
            "phone": [
                f"来电人反映：{text_core}{tail}",
                f"市民{who}来电称，{text_core}{tail}",
                f"来电人称{text_core}{tail}来电人诉求：{ask or '请相关部门处理'}。",
                f"来电人{who}表示，{text_core}{tail}",
            ],
            "web": [
                f"尊敬的领导您好！{text_core}{tail}",
                f"【网上留言】{text_core}{tail}",
                f"您好，{text_core}{tail}谢谢！",
            ],
            "dialect": [
                f"俺是老百姓，{text_core}，你们给管管嘛",
                f"俺跟你说，{text_core}，这可咋弄呀",
                f"俺们这儿{text_core}，说了多少回了也没人理",
            ],
            "short": [text_core],
        }
    text = rng.choice(options[style])
    if rng.random() < 0.25:
        text = typo(text, rng)
    text = re.sub(r"[，。]{2,}", lambda m: m.group(0)[-1], text)
    # The division is whatever place the final text names (a wrapper may add one).
    code = dict(PLACES)[place] if place and place in text else "140500"
    return text, code


def variants(sc: dict, core: str, n: int, rng: random.Random, group: str = "") -> list[dict]:
    out = []
    styles = ["phone", "web", "dialect", "short"]
    rng.shuffle(styles)
    for i in range(n):
        style = styles[i % len(styles)]
        text, code = render(sc, core, rng, style)
        out.append(
            {
                "text": text,
                "platform": sc["platform"],
                "request_type": sc["request_type"] if sc["platform"] == "12345" else None,
                "department": sc["department"],
                "category": sc["category"],
                "division_code": code,
                "level": sc["level"],
                "emergency": sc["platform"] in ("110", "119", "120") and sc["level"] != "一般",
                "style": style,
                "group": group,
            }
        )
    return out


def long_examples(scenarios: list[dict], rng: random.Random) -> list[dict]:
    """Board-length training messages from the training cores of the 12345 scenarios: background, traps and
    sometimes a second, smaller matter around the core, so the model learns that those words say nothing
    about the unit. Pools from banks/long_train.toml (not shared with the dev or held-out banks)."""
    pools = tomllib.loads((HERE / "banks" / "long_train.toml").read_text(encoding="utf-8"))["pools"]
    service = [sc for sc in scenarios if sc["platform"] == "12345"]
    cores = [(sc, core) for sc in service for i, core in enumerate(sc["cores"]) if i % 2 == 0]
    rows = []
    for sc, core in cores:
        place, code = rng.choice([p for p in PLACES if p[0]])
        core_text = core.replace("{place}", place)
        parts = [rng.choice(pools["openings"])]
        parts += rng.sample(pools["backgrounds"], k=rng.randint(1, 3))
        middle = [core_text + "。"]
        same = [c for i, c in enumerate(sc["cores"]) if i % 2 == 0 and c != core]
        if same and rng.random() < 0.5:
            middle.append(rng.choice(same).replace("{place}", place) + "。")
        for trap in rng.sample(pools["traps"], k=rng.randint(1, 2)):
            middle.insert(rng.randrange(0, len(middle) + 1), trap[1])
        if rng.random() < 0.35:
            other_sc, other = rng.choice([c for c in cores if c[0]["department"] != sc["department"]])
            middle.append(rng.choice(["另外，", "还有一件事，", "顺便说一下，"]) + other.replace("{place}", place) + "。")
        parts += middle
        parts += rng.sample(pools["backgrounds"], k=rng.randint(0, 2))
        parts.append(rng.choice(pools["asks"][sc["request_type"]]))
        parts.append(rng.choice(pools["closings"]))
        text = "".join(parts)
        rows.append({
            "text": text, "platform": "12345", "request_type": sc["request_type"], "department": sc["department"],
            "category": sc["category"], "division_code": code if place in text else "140500", "level": sc["level"],
        })
    return rows


def main() -> None:
    rng = random.Random(20231102)
    scenarios = parse(HERE / "scenarios.txt")
    train, eval_groups = [], []
    for number, sc in enumerate(scenarios):
        for index, core in enumerate(sc["cores"]):
            # The variants of one core phrasing share a group: grouped K-fold keeps them in one fold.
            if index % 2 == 0:
                train.extend(variants(sc, core, 4, rng, f"s{number}-{index}"))
            else:
                eval_groups.append(variants(sc, core, 3, rng, f"s{number}-{index}"))
    rng.shuffle(eval_groups)
    cut = round(len(eval_groups) * 0.2)
    heldout = [row for group in eval_groups[:cut] for row in group]
    dev = [row for group in eval_groups[cut:] for row in group]
    seen = set()
    for name, rows in (("dev", dev), ("heldout", heldout)):
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for i, row in enumerate(rows):
                if row["text"] in seen:
                    continue
                seen.add(row["text"])
                fh.write(json.dumps({"id": f"{name}-{i:04d}", **row}, ensure_ascii=False) + "\n")
    train.extend(long_examples(scenarios, random.Random(20261203)))
    # Training-only scenarios (banks/emergency_train.txt): every core feeds training, from its own random stream, so
    # the evaluation banks above are unchanged by them. They teach the platform and request-type heads only: whether
    # a call is an emergency says nothing about which bureau a service request goes to.
    extra_rng = random.Random(20261206)
    for number, sc in enumerate(parse(HERE / "banks" / "emergency_train.txt")):
        for index, core in enumerate(sc["cores"]):
            for row in variants(sc, core, 3, extra_rng, f"t{number}-{index}"):
                train.append({**row, "department": None, "category": None})
    with EXAMPLES.open("w", encoding="utf-8") as fh:
        for row in train:
            if row["text"] in seen:
                continue
            seen.add(row["text"])
            keep = {k: row[k] for k in ("text", "platform", "request_type", "department", "category", "division_code", "level")}
            fh.write(json.dumps(keep, ensure_ascii=False) + "\n")
    print(f"scenarios={len(scenarios)} train={len(train)} dev={len(dev)} heldout={len(heldout)}")

    # heldout2: a second bank written after heldout v1 had been scored once; all of it is evaluation-only.
    second = parse(HERE / "scenarios_heldout2.txt")
    rng2 = random.Random(20261123)
    rows2 = [row for n, sc in enumerate(second) for i, core in enumerate(sc["cores"]) for row in variants(sc, core, 3, rng2, f"h2-{n}-{i}")]
    with (HERE / "heldout2.jsonl").open("w", encoding="utf-8") as fh:
        for i, row in enumerate(rows2):
            if row["text"] in seen:
                continue
            seen.add(row["text"])
            fh.write(json.dumps({"id": f"heldout2-{i:04d}", **row}, ensure_ascii=False) + "\n")
    print(f"heldout2={len(rows2)}")

    # heldout3: written blind after heldout2 had been viewed; scored once for the final figures.
    third = parse(HERE / "scenarios_heldout3.txt")
    rng3 = random.Random(20261124)
    rows3 = [row for n, sc in enumerate(third) for i, core in enumerate(sc["cores"]) for row in variants(sc, core, 3, rng3, f"h3-{n}-{i}")]
    with (HERE / "heldout3.jsonl").open("w", encoding="utf-8") as fh:
        for i, row in enumerate(rows3):
            if row["text"] in seen:
                continue
            seen.add(row["text"])
            fh.write(json.dumps({"id": f"heldout3-{i:04d}", **row}, ensure_ascii=False) + "\n")
    print(f"heldout3={len(rows3)}")


if __name__ == "__main__":
    main()
