"""Sentences and clauses of a passage, coverage of the question's words, and the answer models."""

from __future__ import annotations

import pytest

from liandong.knowledge.extract import (
    MODEL_FILE,
    Span,
    Terms,
    best_sentence,
    coverage,
    load_model,
    missing_weight,
    sentence_spans,
    word_found,
)

TERMS = Terms(weights={"渣土车": 4.0, "新能源": 2.0, "更换": 1.0}, alternates={"更换": ("换成",)}, bigrams=frozenset({"渣土", "土车"}))


def test_sentence_spans_are_offsets_without_blanks():
    text = "一、总体要求\n  2023年底前完成。  渣土车更换为新能源车；其余照旧"
    spans = sentence_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["一、总体要求", "2023年底前完成。", "渣土车更换为新能源车；", "其余照旧"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("渣土车更换为新能源车", 1.0), ("渣土车换成电动车", (4 + 0.8) / 7), ("公交车", 0.0)],
)
def test_coverage(text, expected):
    assert coverage(text, TERMS) == pytest.approx(expected)


def test_missing_weight_and_word_found():
    assert missing_weight("渣土车更换", TERMS) == pytest.approx(0.5)
    assert word_found("案件侦破", "案子") == pytest.approx(0.25)
    assert word_found("案子", "案子") == 1.0
    assert word_found("换成新车", "更换", ("换成",)) == 1.0


def test_best_sentence_prefers_the_sentence_with_what_is_asked():
    text = "渣土车要更换为新能源车。2023年12月底前，市区190辆渣土车更换为新能源车。"

    def wants_date(sentence: str) -> float:
        return 1.0 if "月" in sentence else 0.0

    choice = best_sentence(text, TERMS, wants_date)
    assert text[choice.span.start : choice.span.end] == "2023年12月底前，市区190辆渣土车更换为新能源车。"


def test_a_long_sentence_is_narrowed_to_its_clauses():
    text = "为深入打好蓝天保卫战，" * 8 + "市区190辆渣土车更换为新能源车，" + "加强监管，" * 6 + "确保完成。"
    choice = best_sentence(text, TERMS, lambda sentence: 0.5, max_answer=40)
    answer = text[choice.span.start : choice.span.end]
    assert "渣土车更换为新能源车" in answer and len(answer) <= 40


def test_excluded_lines_are_never_chosen():
    text = "渣土车新能源方案\n要推进车辆更换。"
    choice = best_sentence(text, TERMS, lambda s: 0.5, exclude=lambda s: s == "渣土车新能源方案")
    assert choice.span == Span(9, 17)


def test_the_shipped_model_loads_and_scores():
    model = load_model(MODEL_FILE)
    assert 0 < model.threshold < 1
    assert model.ranker.features and model.decider.features
    high = {name: 1.0 for name in model.decider.features}
    low = {name: 0.0 for name in model.decider.features}
    assert 0.0 <= model.decider.probability(low) <= 1.0 and 0.0 <= model.decider.probability(high) <= 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A run-in heading and the sentence it heads are one answerable unit …
        (
            "（四）免费邮寄。综合窗口收到各部门办理结果后，通过邮寄一次性送达申请人。",
            ["（四）免费邮寄。综合窗口收到各部门办理结果后，通过邮寄一次性送达申请人。"],
        ),
        ("3.预防和减少儿童溺水。加强看护。", ["3.预防和减少儿童溺水。加强看护。"]),
        # … but not a heading on its own line, nor a short sentence with a clause in it.
        ("武俊德为市公安局交警支队副支队长。\n忻州市人民政府", ["武俊德为市公安局交警支队副支队长。", "忻州市人民政府"]),
        ("截至目前，已完成。随后验收。", ["截至目前，已完成。", "随后验收。"]),
        # A sentence that announces what follows is read with it, like a line ending in a colon.
        ("分析主要有以下几方面因素。一是降雨集中。", ["分析主要有以下几方面因素。一是降雨集中。"]),
        ("以上工作已完成。随后验收。", ["以上工作已完成。", "随后验收。"]),
    ],
)
def test_run_in_headings_stay_with_their_sentence(text, expected):
    assert [text[s.start : s.end] for s in sentence_spans(text)] == expected


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("2.人为活动", True),
        ("平安底色更加鲜亮", True),
        ("晋城市打造“一件事一次办”精品实施方案", True),
        ("15.忻州市住房公积金管理中心", False),  # an entry of a list names something
        ("19晋城民用机场项目（前期）省级泽州县金村镇", False),  # a figure: an entry of the project list
        ("武俊德为市公安局交警支队副支队长。", False),
        # A short plan part closed by a full stop is a heading too; a short provision is not.
        ("分级响应机制。", True),
        ("（七）考核通报机制。", True),
        ("全面落实未成年人保护责任。", False),
        ("建立长期护理保险制度。", False),  # a provision: it says what is done
    ],
)
def test_heading_lines_are_not_answers(line, heading):
    from liandong.knowledge.answer import _heading_line

    assert _heading_line(line) is heading


def test_softmax_gives_shares_that_sum_to_one():
    from liandong.knowledge.extract import softmax

    shares = softmax([2.0, 1.0, -50.0])
    assert abs(sum(shares) - 1.0) < 1e-12 and shares[0] > shares[1] > shares[2] >= 0.0
    assert softmax([1000.0, 1000.0]) == [0.5, 0.5]  # no overflow
    assert softmax([]) == []


def test_the_shipped_ranker_is_listwise_and_its_probabilities_are_shares():
    from liandong.knowledge.extract import AnswerModel, LogisticModel

    model = load_model(MODEL_FILE)
    assert model.listwise
    candidates = [{name: float(i) for name in model.ranker.features} for i in range(4)]
    scores, probabilities = model.ranked(candidates)
    assert len(scores) == 4 and abs(sum(probabilities) - 1.0) < 1e-9
    order = sorted(range(4), key=lambda i: -scores[i])
    assert all(probabilities[a] >= probabilities[b] for a, b in zip(order, order[1:]))  # the same order (ties far down)
    # An older pairwise ranker keeps its independent sigmoid scores.
    pairwise = AnswerModel(LogisticModel(("x",), (0.0,), (1.0,), (1.0,), 0.0), model.decider, 0.5, listwise=False)
    _, sigmoids = pairwise.ranked([{"x": 3.0}, {"x": 2.0}])
    assert sigmoids[0] > 0.9 and sigmoids[1] > 0.8
