"""Segmentation, synonyms and BM25 ranking, without a database."""

from __future__ import annotations

import pytest

from liandong.knowledge import ranking


def test_words_drop_stopwords_and_punctuation():
    assert "小孩" in ranking.words("请问小孩坐飞机怎么办？")
    words = ranking.words("请问，身份证丢了怎么补办？")
    assert "身份证" in words and "补办" in words
    assert "请问" not in words and "，" not in words and "怎么" not in words


def test_bigrams_cover_chinese_runs_and_keep_numbers_whole():
    assert ranking.bigrams("补办身份证") == ["补办", "办身", "身份", "份证"]
    assert "12345" in ranking.bigrams("拨打12345热线")
    assert "110" in ranking.bigrams("110报警")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("小孩坐飞机要什么证明", "未成年人"),
        ("小孩坐飞机要什么证明", "儿童"),
        ("身份证丢了怎么办", "补办身份证"),
        ("二手车过户要什么材料", "二手小客车转让登记"),
        ("山火怎么防", "森林草原防火"),
    ],
)
def test_colloquial_phrases_expand_to_formal_terms(question, expected):
    _, extra = ranking.expand(question)
    assert expected in extra


def test_synonym_file_is_parsed_longest_phrase_first(tmp_path):
    path = tmp_path / "synonyms.tsv"
    path.write_text("# comment\n身份证\t居民身份证\n身份证丢了\t补办身份证|挂失\n\n坏行\n", encoding="utf-8")
    pairs = ranking.load_synonyms(path)
    assert pairs[0] == ("身份证丢了", ["补办身份证", "挂失"])
    assert ("身份证", ["居民身份证"]) in pairs
    _, extra = ranking.expand("身份证丢了", [(phrase, tuple(terms)) for phrase, terms in pairs])
    assert extra == ["补办身份证", "挂失", "居民身份证"]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("晋市政办〔2023〕21号是什么", ["晋市政办〔2023〕21号"]),
        ("晋市政办[2023]21号", ["晋市政办〔2023〕21号"]),
        ("忻政办发（2023） 11 号", ["忻政办发〔2023〕11号"]),
        ("没有文号", []),
    ],
)
def test_document_numbers_are_normalised(text, numbers):
    assert ranking.document_numbers(text) == numbers


def _index(texts):
    return ranking.InvertedIndex.build({"w": [ranking.words(t) for t in texts], "b": [ranking.bigrams(t) for t in texts]})


def test_bm25_prefers_the_passage_about_the_question():
    texts = [
        "优化了未成年人临时乘机证明办理流程，方便了未办理二代身份证的未成年乘客办理乘机手续。",
        "全省治安案件、刑事案件立案数大幅下降，命案发案率持续走低。",
        "加强城市街区、社区、道路、公园、公共交通等各类服务设施和场地适儿化改造。",
    ]
    index = _index(texts)
    scores = index.scores(ranking.make_query("小孩没有身份证怎么坐飞机"))
    assert ranking.top_indexes(scores, 3)[0] == 0


def test_rare_terms_weigh_more_than_common_ones():
    texts = ["儿童 儿童 健康", "儿童 溺水 预防", "儿童 教育", "儿童 福利"]
    index = _index(texts)
    scores = index.scores(ranking.make_query("儿童溺水"))
    assert ranking.top_indexes(scores, 1) == [1]


def test_top_indexes_respects_the_mask_and_drops_zero_scores():
    import numpy as np

    scores = np.array([0.0, 3.0, 2.0, 5.0], dtype=np.float32)
    assert ranking.top_indexes(scores, 10) == [3, 1, 2]
    assert ranking.top_indexes(scores, 10, np.array([True, True, True, False])) == [1, 2]
    assert ranking.top_indexes(np.zeros(3, dtype=np.float32), 2) == []


def test_matched_span_is_the_densest_stretch():
    text = "前言无关内容。" * 5 + "未成年人临时乘机证明办理流程" + "。后文" * 5
    start, end = ranking.matched_span(text, ["临时乘机证明", "未成年人"])
    assert text[start:end] == "未成年人临时乘机证明"
    assert ranking.matched_span("毫不相干", ["飞机"]) is None
