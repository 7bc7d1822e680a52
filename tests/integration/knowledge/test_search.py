"""Search over the ingested seeds and published items: ranking, citations, filters, visibility."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from liandong.core.actor import Actor, Role
from liandong.core.errors import ValidationFailed
from liandong.knowledge import items
from liandong.knowledge.search import SearchFilters, search
from liandong.knowledge.states import ItemAction

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 4, 0, tzinfo=timezone.utc)
ADMIN = Actor(name="审核员", role=Role.SUPERVISOR)

CASES = [
    ("小孩没有身份证怎么坐飞机", "未成年人临时乘机证明"),
    ("在外地买二手车过户还要暂住证明吗", "无需提交暂住地居住证明"),
    ("12345热线受理哪些事情", "政策法规、政务信息和公共服务信息等方面的咨询"),
    ("诉求职责不清110和12345谁先受理", "按照首接负责制由最先接到诉求的单位先行受理"),
    ("忻州规范性文件编号格式", "忻府政规〔20XX〕XX号"),
    ("晋城小学生近视率要降到多少", "小学生近视率降至38%以下"),
    ("学校食堂改造完成了多少家", "129家校园食堂全部完成升级并通过验收"),
]


@pytest.mark.parametrize(("question", "answer"), CASES)
def test_answers_are_in_the_first_three_passages(corpus, session, question, answer):
    results = search(session, question=question, today=TODAY, top=3)
    assert any(answer in result["passage"] for result in results), [r["passage"][:60] for r in results]


def test_result_shape_cites_document_and_source(corpus, session):
    [result] = search(session, question="12345与110平台什么时候互联互通", today=TODAY, top=1)
    assert result["doc_number"] == "晋市政办〔2023〕21号"
    assert result["date"] == "2023-06-02"
    assert result["source"].startswith("003_")
    assert result["kind"] == "gazette"
    assert 100 <= len(result["passage"]) <= 400
    start, end = result["span"]
    assert result["passage"][start:end] == result["matched"]
    assert result["first_line"] <= result["last_line"]
    assert result["score"] > 0


def test_a_document_number_finds_its_document_first(corpus, session):
    results = search(session, question="晋市政办[2023]21号是什么文件", today=TODAY, top=3)
    assert results[0]["doc_number"] == "晋市政办〔2023〕21号"
    assert "高效对接联动的实施意见" in results[0]["passage"]


def test_overlapping_windows_of_one_document_are_returned_once(corpus, session):
    results = search(session, question="孤儿和事实无人抚养儿童保障政策", today=TODAY, top=10)
    for i, a in enumerate(results):
        for b in results[i + 1 :]:
            if a["doc_id"] == b["doc_id"]:
                assert a["end"] <= b["start"] or b["end"] <= a["start"]


def test_filters_by_source_type_and_date(corpus, session):
    news = search(session, question="身份证", today=TODAY, top=5, filters=SearchFilters(source_type="newspaper"))
    assert news and {r["kind"] for r in news} == {"newspaper"}
    june = search(
        session,
        question="实施方案",
        today=TODAY,
        top=10,
        filters=SearchFilters(date_from=date(2023, 6, 1), date_to=date(2023, 6, 30)),
    )
    assert june and all("2023-06-01" <= r["date"] <= "2023-06-30" for r in june)
    with pytest.raises(ValidationFailed):
        SearchFilters(source_type="tweets")


def test_empty_question_is_refused(session):
    with pytest.raises(ValidationFailed, match="请输入"):
        search(session, question="  ", today=TODAY)


def _published_item(session, **overrides):
    fields = dict(question="供暖费怎么交", answer="供暖费可在供热公司营业厅或线上缴纳。", department_code="zjj")
    fields.update(overrides)
    item = items.create_item(session, actor=ADMIN, now=NOW, **fields)
    for action in (ItemAction.SUBMIT, ItemAction.APPROVE, ItemAction.PUBLISH):
        items.transition(session, actor=ADMIN, now=NOW, item_id=item.id, action=action)
    return item


def test_only_published_unexpired_items_are_searched(corpus, session):
    draft = items.create_item(session, actor=ADMIN, now=NOW, question="暖气不热找谁", answer="请联系供热公司。", department_code="zjj")
    item = _published_item(session)
    future = _published_item(session, question="供暖费明年怎么交", valid_from=date(2027, 1, 1))
    results = search(session, question="供暖费怎么交", today=TODAY, top=5)
    item_ids = [r["item_id"] for r in results if r["kind"] == "item"]
    assert item.id in item_ids and draft.id not in item_ids and future.id not in item_ids
    top = next(r for r in results if r["item_id"] == item.id)
    assert top["source"] == "知识库一问一答" and top["doc_id"] is None
    only_items = search(session, question="供暖费怎么交", today=TODAY, top=5, filters=SearchFilters(source_type="item"))
    assert [r["item_id"] for r in only_items] == [item.id]
    unit = search(session, question="供暖费怎么交", today=TODAY, top=5, filters=SearchFilters(department_code="zjj", source_type="item"))
    assert [r["item_id"] for r in unit] == [item.id]
    items.transition(session, actor=ADMIN, now=NOW, item_id=item.id, action=ItemAction.EXPIRE)
    after = search(session, question="供暖费怎么交", today=TODAY, top=5)
    assert item.id not in [r["item_id"] for r in after]


def test_index_is_cached_in_var_dir_and_tokens_are_reused(corpus, session, monkeypatch, tmp_path):
    from liandong.knowledge import search as module

    first = module.get_index(session, today=TODAY)
    assert list((module.settings().var_dir / "kb_index").glob("passages-*.pkl"))
    module._passages_memory.clear()
    module._memory.clear()
    module._memory_keys.clear()

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the cached index should have been loaded")

    monkeypatch.setattr(module.PassageIndex, "build", no_rebuild)
    loaded = module.get_index(session, today=TODAY)
    assert loaded.passages.version == first.passages.version
    assert len(loaded.entries) == len(first.entries)
    monkeypatch.undo()

    # A new page: only its passages are segmented, the others' tokens come from the cache.
    segmented = []
    real = module.ranking.words_of_windows
    monkeypatch.setattr(module.ranking, "words_of_windows", lambda text, windows: segmented.append(len(windows)) or real(text, windows))
    from liandong.knowledge.ingest import ingest_file

    page = tmp_path / "page.txt"
    page.write_text("本报讯 供暖季到来，市民可拨打12345咨询供热问题。\n（张三）\n供暖咨询有热线\n", encoding="utf-8")
    ingest_file(session, path=page, now=NOW)
    results = search(session, question="供暖季供热问题咨询", today=TODAY, top=1)
    assert segmented == [1]
    assert "供暖季到来" in results[0]["passage"]
