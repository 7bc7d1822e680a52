"""The fast paths (Aho–Corasick keyword items, the gate index, map-built n-grams) decide exactly as the plain
definitions they replace: same matches, same feature matrix, same triage results on the evaluation banks."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from liandong.triage import service
from liandong.triage.features import CompactTfidfVectorizer
from liandong.triage.rules import TransferList, parse_transfer_list

BANKS = Path(__file__).resolve().parents[3] / "eval" / "triage"
BANK_FILES = ("heldout4.jsonl", "long_dev.jsonl", "emergency_dev.jsonl", "phone_dev.jsonl", "dev.jsonl")


def bank_rows(step: int = 1) -> list[dict]:
    rows = []
    for name in BANK_FILES:
        lines = (BANKS / name).read_text(encoding="utf-8").splitlines()
        rows += [json.loads(line) for line in lines[::step] if line.strip()]
    return rows


class ReferenceList(TransferList):
    def match(self, text, *, judge=None):
        return self.match_reference(text, judge=judge)


def reference_of(rules: TransferList) -> ReferenceList:
    return ReferenceList(**{f.name: getattr(rules, f.name) for f in fields(rules)})


def test_keyword_items_match_like_their_regex_on_random_text():
    # Overlapping keywords, shared keywords across items, a keyword inside another, regex metacharacters.
    data = {"item": [
        {"id": "A", "keywords": ["困人", "被困", "电梯困人", "困"], "platform": "12345"},
        {"id": "B", "keywords": ["困人", "人员", "a.b", "a+"], "platform": "12345"},
        {"id": "C", "keywords": ["人员被困"], "patterns": ["困[人住]"], "platform": "12345"},
    ]}
    rules = parse_transfer_list(data)
    alphabet = "困人被电梯员a.b+"
    rng = random.Random(12)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert rules.match(text, judge=lambda *a: None) == rules.match_reference(text, judge=lambda *a: None), text


def test_packaged_list_matches_like_the_reference_on_the_banks(transfer_list):
    from liandong.triage.alarm import AlarmJudge

    for row in bank_rows():
        text = f"{row['title']}。{row['text']}" if row.get("title") else row["text"]
        fast = transfer_list.match(text, judge=AlarmJudge(text))
        slow = transfer_list.match_reference(text, judge=AlarmJudge(text))
        assert fast == slow, row["id"]


def test_map_built_ngrams_count_like_sklearn(engine):
    blocks = [t for _, t in engine.model.vectorizer.transformer_list]
    assert all(b._fast_analyzer() is not None for b in blocks)  # the fast path is the one in use
    docs = [r["text"] for r in bank_rows(step=3)] + ["", "a", "ab", "  双  空格\n\n换行  ", "ABC\x1e标题"]
    for block in blocks:
        fast, slow = block._fast_analyzer(), block.build_analyzer()
        for doc in docs:
            assert Counter(fast(doc)) == Counter(slow(doc)), doc[:40]


def test_fast_engine_decides_as_the_reference_engine_on_the_banks(engine, monkeypatch):
    rows = bank_rows(step=2)
    texts, titles = [r["text"] for r in rows], [r.get("title") for r in rows]
    fast = [r.to_dict() for r in engine.triage_many(texts, titles=titles)]
    reference = engine.with_rules(reference_of(service.load_rules()))  # the list as read, before interim items move
    monkeypatch.setattr(CompactTfidfVectorizer, "_fast_analyzer", lambda self: None)
    slow = [r.to_dict() for r in reference.triage_many(texts, titles=titles)]
    assert len(fast) == len(rows) > 300
    for row, a, b in zip(rows, fast, slow):
        assert a == b, row["id"]


def test_model_matrix_is_unchanged(engine, monkeypatch):
    docs = [r["text"] for r in bank_rows(step=5)] + ["", "  ", "a", "双  空格\n\n换行", "\U0001f600表情"]
    fast = engine.model.transform(docs)
    assert engine.model.transform([""]).nnz == 0
    monkeypatch.setattr(CompactTfidfVectorizer, "_fast_analyzer", lambda self: None)
    slow = engine.model.transform(docs)
    assert fast.shape == slow.shape
    assert np.array_equal(fast.toarray(), slow.toarray())


@pytest.mark.parametrize("text", ["", "  ", "a", "双  空格\n\n换行", "\U0001f600表情", "标题\x1e正文里的一句话", "电梯困人了，快来" * 40])
def test_a_single_text_is_featurised_as_in_a_batch(engine, text):
    """The single-request path (one CSR built directly) gives the batch path's row: same columns, same float32s."""
    from scipy import sparse

    model = engine.model
    single = model.transform([text])
    blocks = sparse.hstack([t.transform([text]) for _, t in model.vectorizer.transformer_list], format="csr", dtype=np.float32)
    assert single.shape == blocks.shape and single.dtype == blocks.dtype
    assert np.array_equal(single.indices, blocks.indices) and np.array_equal(single.data, blocks.data)


def test_single_texts_of_the_banks_score_as_in_a_batch(engine):
    docs = [r["text"] for r in bank_rows(step=9)]
    batch = engine.model.predict_proba(docs)
    for i, doc in enumerate(docs):
        one = engine.model.predict_proba([doc])
        for head, (classes, p) in one.items():
            assert list(classes) == list(batch[head][0])
            assert np.array_equal(p[0], batch[head][1][i]), (head, doc[:30])


@pytest.mark.parametrize("text", ["电梯困人了，快来", "贫困人口补助", "楼道里有人抽烟", ""])
def test_gate_index_finds_the_items_the_per_item_gate_keeps(transfer_list, text):
    from liandong.triage.rules import text_keys

    keys = text_keys(text)
    gated = {p for p, i in enumerate(transfer_list.items) if i.patterns and i.regex is not None and (i.required is None or not i.required.isdisjoint(keys))}
    assert transfer_list._gated(text) == gated


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?:(?<!不)着火|起火)了?",
        r"(?:正在|刚)?[打砍]人",
        r"a?b+c|[xy]{0,2}z",
        r"(?:楼|屋)[^，。]{0,4}(?:着火|冒烟)",
        r"(?=火)火灾|烟",
    ],
)
def test_start_scanner_finds_what_finditer_finds(pattern):
    from liandong.triage.rules import start_scanner

    regex = re.compile(pattern)
    scanner = start_scanner(regex)
    assert scanner is not None
    rules = parse_transfer_list({"item": [{"id": "A", "patterns": [pattern], "platform": "12345"}]})
    rng = random.Random(pattern)
    alphabet = "不着火起了正在刚打砍人abcxyz楼屋，。烟灾"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        expected = [(m.group(0), m.start(), m.end()) for m in rules.items[0].regex.finditer(text)]
        assert rules._regex_matches(0, rules.items[0].regex, text) == expected, text


def test_start_scanner_declines_regexes_that_can_start_anywhere_or_match_empty():
    from liandong.triage.rules import start_scanner

    assert start_scanner(re.compile(r"[^，]{0,3}火")) is None
    assert start_scanner(re.compile(r"火?")) is None
    assert start_scanner(re.compile(r".火")) is None


def _span_by_walking(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    left = start
    while left > 0 and text[left - 1] not in stops:
        left -= 1
    right = end
    while right < len(text) and text[right] not in stops:
        right += 1
    return left, right


def test_spans_found_with_find_equal_the_character_walk():
    from liandong.triage.alarm import CLAUSE_END, SENTENCE_END, span
    from liandong.triage.focus import CLAUSE_STOPS, Layout

    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice("火灾，。！？;\n,了") for _ in range(rng.randint(0, 20)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        for stops in (SENTENCE_END, CLAUSE_END):
            assert span(text, start, end, stops) == _span_by_walking(text, start, end, stops)
        left, right = _span_by_walking(text, start, end, CLAUSE_STOPS)
        assert Layout(text).clause_at(start, end) == text[left:right]


def test_fused_heads_give_the_same_probabilities_as_each_head():
    # One sparse × dense product for every head's SVM and NB weights: bit for bit what each head computes.
    model = service.build_engine().model
    texts = [f"{r['title']}。{r['text']}" if r.get("title") else r["text"] for r in bank_rows(step=5)]
    fused = model.predict_proba(texts)
    X = model.transform(texts)
    for name, head in model.heads.items():
        classes, p = fused[name]
        assert list(classes) == list(head.classes_)
        assert np.array_equal(p, head.predict_proba(X)), name


@pytest.mark.parametrize("seed", range(3))
def test_clause_at_is_the_plain_definition(seed):
    from liandong.triage.focus import CLAUSE_STOPS, Layout

    def plain(text, start, end):
        left = max(text.rfind(stop, 0, start) for stop in CLAUSE_STOPS) + 1
        found = [at for at in (text.find(stop, end) for stop in CLAUSE_STOPS) if at >= 0]
        return text[left : min(found) if found else len(text)]

    rng = random.Random(seed)
    for _ in range(400):
        text = "".join(rng.choice("物业，。！？;\n,电梯坏了") for _ in range(rng.randint(0, 30)))
        layout = Layout(text)
        for _ in range(5):
            start = rng.randint(0, len(text))
            end = rng.randint(start, len(text))
            assert layout.clause_at(start, end) == plain(text, start, end), (text, start, end)


@pytest.mark.parametrize(
    "patterns",
    [
        ["[打砍][^，。]{0,4}人", "楼[^，。]{0,3}着火"],
        ["(?:正在|刚)?打人", "人[^，]{0,2}(?:打|砍)了?", "火灾"],
        ["(?:着火|冒烟)[^。]{0,6}(?:人|楼)", "烟+火"],  # the second is unbounded: no windows for this item
    ],
)
def test_windowed_pattern_search_finds_what_finditer_finds(patterns):
    # A bounded pattern item's regex is only tried near its gate keys: the same matches as a scan of the whole text.
    from liandong.triage.rules import match_width

    rules = parse_transfer_list({"item": [{"id": "A", "patterns": patterns, "platform": "12345"}]})
    item = rules.items[0]
    assert (match_width(item.regex) is not None) == (patterns[-1] != "烟+火")
    rng = random.Random(",".join(patterns))
    alphabet = "打砍人楼着火冒烟正在刚灾了，。啊"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        expected = [(m.group(0), m.start(), m.end()) for m in item.regex.finditer(text)]
        _, _, keys_at = rules._scan(text)
        assert rules._regex_matches(0, item.regex, text, keys_at) == expected, text


def test_match_width_declines_lookarounds_anchors_and_unbounded_patterns():
    from liandong.triage.rules import match_width

    assert match_width(re.compile("火[^，]{0,4}灾")) == 6
    assert match_width(re.compile("(?<!不)着火")) is None
    assert match_width(re.compile("着火(?!了)")) is None
    assert match_width(re.compile("^喂$")) is None
    assert match_width(re.compile("火+")) is None


def test_most_packaged_pattern_items_are_searched_near_their_keys(transfer_list):
    pattern_items = [p for p, i in enumerate(transfer_list.items) if i.patterns]
    assert len(transfer_list._widths) >= len(pattern_items) // 2


def test_root_order_changes_no_match(transfer_list, monkeypatch):
    # The automaton's root children added commonest character first (dummy words ending in a noncharacter):
    # the same matches as an automaton built without them, also on text that holds the noncharacter.
    from liandong.triage import rules as rules_module

    monkeypatch.setattr(rules_module, "_ROOT_ORDER", "")
    plain = TransferList(**{f.name: getattr(transfer_list, f.name) for f in fields(transfer_list)})
    texts = [r["text"] for r in bank_rows(step=4)] + ["着火\uffff了", "\uffff", "的\uffff起火，火\uffff", ""]
    for text in texts:
        assert transfer_list.match(text, judge=lambda *a: None) == plain.match(text, judge=lambda *a: None), text[:40]
