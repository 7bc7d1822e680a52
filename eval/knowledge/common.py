"""Shared by the knowledge evaluations: banks, a temporary database with the seeds and the demo 一问一答."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
PACKAGED = REPO / "src" / "liandong" / "knowledge" / "data" / "corpus"

# The banks and which part of each is development (tuned on) and which is held out (scored once).
BANKS = {
    "answer_dev": HERE / "answer_dev.jsonl",  # colloquial answerable + unanswerable, dev
    "answer_heldout": HERE / "answer_heldout.jsonl",  # the same kinds: held out in round 1, scored once, then development
    "answer_heldout2": HERE / "answer_heldout2.jsonl",  # written after round 1, scored once blind in round 2, then development
    "answer_heldout3": HERE / "answer_heldout3.jsonl",  # written before round 3 (knowledge2), never tuned on: aggregates only
    "answer_heldout4": HERE / "answer_heldout4.jsonl",  # written in round 3 after heldout3's first scoring, before the changes that followed
    "answer_heldout5": HERE / "answer_heldout5.jsonl",  # written in the triage3 session before any change of it; never tuned on
    "answer_dev2": HERE / "answer_dev2.jsonl",  # written in the kb session (2026-12-02) as a development bank
    "answer_heldout6": HERE / "answer_heldout6.jsonl",  # written in the 2026-12-02 session before any change of it; never tuned on
    "answer_heldout7": HERE / "answer_heldout7.jsonl",  # written in the 2026-12-02 second session before any change of it; never tuned on
    "answer_heldout8": HERE / "answer_heldout8.jsonl",  # written in the 2026-12-02 third session before any change of it; never tuned on
    "answer_heldout9": HERE / "answer_heldout9.jsonl",  # written in the 2026-12-03 session (bank9 helper) before any change of it; never tuned on
    "answer_heldout10": HERE / "answer_heldout10.jsonl",  # written in the 2026-12-04 session (bank10 helper) before any change of it; never tuned on
    # Written in the second kb session (2026-12-02) before any change of it: every fourth row is held out
    # (split "holdout3"), scored once at the end and never tuned on; the rest (split "dev3") is development.
    "answer_dev3": HERE / "answer_dev3.jsonl",
    "answer_holdout3": HERE / "answer_dev3.jsonl",
    # Written in the third kb session (2026-12-02) before any change of it, from corpus sentences no other bank's
    # gold touches: every fourth row (split "holdout4b") is held out and never tuned on; the rest ("dev4") is development.
    "answer_dev4": HERE / "answer_dev4.jsonl",
    "answer_holdout4b": HERE / "answer_dev4.jsonl",
    "questions": HERE / "questions.jsonl",  # the first search bank (answerable; tuned on before)
    "questions_test2": HERE / "questions_test2.jsonl",  # the second search bank (answerable; tuned on)
}
# The round-3 held-out banks (heldout3, heldout4) were scored and tuned on in earlier sessions; from the kb
# session (2026-12-02) they are development banks like the others. heldout5 is blind: never tuned on.
DEV_BANKS = (
    "answer_dev", "questions", "questions_test2", "answer_heldout", "answer_heldout2", "answer_heldout3", "answer_heldout4",
    "answer_dev2", "answer_dev3", "answer_dev4",
)
HELDOUT_BANKS = ("answer_heldout5", "answer_heldout6", "answer_heldout7", "answer_heldout8", "answer_heldout9", "answer_heldout10", "answer_holdout3", "answer_holdout4b")  # never tuned on; only aggregates are printed
# Banks that are one part of a shared file: the rows whose "split" is this.
SPLIT_OF = {"answer_dev3": "dev3", "answer_holdout3": "holdout3", "answer_dev4": "dev4", "answer_holdout4b": "holdout4b"}

_PUNCT = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"})


def normalize(text: str) -> str:
    return re.sub(r"\s+", "", text or "").translate(_PUNCT)


def contains(text: str | None, gold: str | list[str]) -> bool:
    """The gold text is in the text; a gold list holds equivalent wordings (the own city's copy of a plan
    that another city printed in other words), any of which counts."""
    if isinstance(gold, list):
        return any(contains(text, one) for one in gold)
    return text is not None and normalize(gold) in normalize(text)


def load_bank(name: str) -> list[dict]:
    rows = []
    for line in BANKS[name].read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            row.setdefault("split", "dev")
            if name in SPLIT_OF and row["split"] != SPLIT_OF[name]:
                continue
            row["bank"] = name
            rows.append(row)
    return rows


def dev_questions() -> list[dict]:
    """Every development question: the dev bank, and both earlier search banks (all of them tuned on)."""
    return [row for name in DEV_BANKS for row in load_bank(name)]


def open_knowledge_base():
    """(temporary directory, KnowledgeIndex) over the seeds plus the published demo 一问一答."""
    tmp = tempfile.TemporaryDirectory()
    url = f"sqlite:///{tmp.name}/eval.db"
    from liandong.config import configure

    configure(database_url=url, var_dir=Path(tmp.name) / "var")
    from liandong.core.actor import SYSTEM
    from liandong.core.clock import local, now
    from liandong.db import unit_of_work
    from liandong.db.migrate import upgrade
    from liandong.demo import DEMO_ITEMS
    from liandong.knowledge import items
    from liandong.knowledge.ingest import ingest_paths
    from liandong.knowledge.search import get_index
    from liandong.knowledge.states import ItemAction

    upgrade(url=url)
    seeds = sorted((SEEDS if SEEDS.exists() else PACKAGED).glob("*.txt"))
    at = now()
    with unit_of_work() as session:
        ingest_paths(session, paths=seeds, now=at)
        for department, question, answer, tags in DEMO_ITEMS:
            item = items.create_item(session, actor=SYSTEM, now=at, question=question, answer=answer, department_code=department, tags=tags)
            for action in (ItemAction.SUBMIT, ItemAction.APPROVE, ItemAction.PUBLISH):
                items.transition(session, actor=SYSTEM, now=at, item_id=item.id, action=action)
    with unit_of_work() as session:
        index = get_index(session, today=local(at).date())
    return tmp, index
