"""The fourth speed pass: orderings computed once per batch decide as the per-text definitions they replace."""

from __future__ import annotations

import heapq
import random
import re

import numpy as np
import pytest

from liandong.triage.engine import W_MODEL_ONLY, head_scores, likeliest_others


def _tied_matrix(rng: random.Random, rows: int, columns: int) -> np.ndarray:
    """Probabilities drawn from a few values, so that rows hold many ties."""
    values = [0.0, 0.05, 0.1, 0.1 + 1e-17, 0.25, 0.5]
    return np.array([[rng.choice(values) for _ in range(columns)] for _ in range(rows)])


@pytest.mark.parametrize("seed", range(5))
def test_head_scores_order_is_the_stable_descending_sort(seed):
    rng = random.Random(seed)
    matrix = _tied_matrix(rng, 40, 1 + seed * 7)
    classes = [f"c{i}" for i in range(matrix.shape[1])]
    for row, scores in zip(matrix.tolist(), head_scores(np.array(classes), matrix)):
        assert scores.p == row
        assert scores.order == sorted(range(len(row)), key=lambda i: -row[i])
        assert scores.order[:6] == heapq.nlargest(6, range(len(row)), key=row.__getitem__)
        assert scores.order[0] == max(range(len(row)), key=row.__getitem__)
        assert scores.classes == classes and all(scores.position[c] == i for i, c in enumerate(classes))


@pytest.mark.parametrize("seed", range(8))
def test_model_only_walk_keeps_the_three_the_full_pool_would(seed):
    rng = random.Random(100 + seed)
    matrix = _tied_matrix(rng, 30, 20)
    classes = [f"u{i}" for i in range(20)]
    for scores in head_scores(np.array(classes), matrix):
        units = {c for c in classes if rng.random() < 0.8}
        candidates = {c for c in classes if rng.random() < 0.2}
        full = [(-(W_MODEL_ONLY * p), i, unit) for i, (unit, p) in enumerate(zip(classes, scores.p)) if unit in units and unit not in candidates]
        walked = [(-(W_MODEL_ONLY * p), i, unit) for i, unit, p in likeliest_others(scores, besides=candidates, units=units)]
        assert heapq.nsmallest(3, walked) == heapq.nsmallest(3, full)


@pytest.mark.parametrize(
    "patterns",
    [
        ["(?<![打砍])人[^，。]{0,3}着火(?!了)", "楼(?=[^，]{0,3}人)"],
        ["(?<!不)打人(?!了吗)", "人(?:(?!火)[^，]){0,2}(?:打|砍)"],
        ["(?:着火|冒烟)(?![^。]{0,6}灾)", "火(?<!着火)灾"],
    ],
)
def test_windowed_search_with_lookarounds_finds_what_finditer_finds(patterns):
    # Look-behinds see the text before a window; the search runs on past it as far as a look-ahead reads.
    from liandong.triage.rules import match_reach, parse_transfer_list

    rules = parse_transfer_list({"item": [{"id": "A", "patterns": patterns, "platform": "12345"}]})
    item = rules.items[0]
    assert 0 in rules._widths, "the item is searched in windows"
    width, ahead = match_reach(item.regex)
    rng = random.Random(",".join(patterns))
    alphabet = "打砍人楼着火冒烟正在刚灾了吗不，。啊"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(4 * width, 4 * width + 60)))
        expected = [(m.group(0), m.start(), m.end()) for m in item.regex.finditer(text)]
        _, _, keys_at = rules._scan(text)
        assert rules._regex_matches(0, item.regex, text, keys_at) == expected, text


def test_match_reach_reads_lookaheads_and_declines_anchors_and_unbounded_ones():
    from liandong.triage.rules import match_reach

    assert match_reach(re.compile("火灾")) == (2, 0)
    assert match_reach(re.compile("(?<!不)着火(?!了吗)")) == (2, 2)
    assert match_reach(re.compile("楼(?=[^，]{0,3}人)")) == (1, 4)
    assert match_reach(re.compile("火(?=[^，]*人)")) is None
    assert match_reach(re.compile("^火灾")) is None
    assert match_reach(re.compile(r"火\b")) is None
    assert match_reach(re.compile("火(?=(?!灾)人)")) is None  # a look-around inside another
    assert match_reach(re.compile("火+")) is None
