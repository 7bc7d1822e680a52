"""The dense unit head: word-vector text embeddings, a classifier over them, the blend with the lexical head, storage."""

import numpy as np
import pytest

from liandong.triage.dense import DenseUnitHead, choose_blend, word_idf
from liandong.triage.features import build_vectorizer
from liandong.triage.model import load_model, train_model

# Two units; the test texts below use words that none of these training texts contains.
TRAIN = [
    ("老板拖欠工资不给", "rsj"), ("工地拖欠工资三个月", "rsj"), ("公司不发工资", "rsj"), ("拖欠农民工工资", "rsj"),
    ("单位欠了半年工资", "rsj"), ("工资一直不发", "rsj"),
    ("楼下饭店噪音太大", "sthjj"), ("工厂噪音扰民", "sthjj"), ("夜里机器噪声很吵", "sthjj"), ("广场舞噪音太吵", "sthjj"),
    ("施工噪音半夜不停", "sthjj"), ("噪声吵得睡不着", "sthjj"),
]
TEXTS = [t for t, _ in TRAIN]
LABELS = [u for _, u in TRAIN]


def _fitted(c: float = 4.0) -> tuple[DenseUnitHead, object]:
    vectorizer = build_vectorizer(min_df=1)
    vectorizer.fit(TEXTS)
    terms, idf = word_idf(vectorizer)
    return DenseUnitHead(c=c).fit(TEXTS, LABELS, idf_terms=terms, idf_values=idf), vectorizer


def test_embedding_rows_are_unit_length_and_empty_text_is_zero():
    head, _ = _fitted()
    rows = head.embed(["老板拖欠工资", "", "！！！"])
    assert rows.shape == (3, 128)
    assert np.linalg.norm(rows[0]) == pytest.approx(1.0, abs=1e-4)
    assert not rows[1].any() and not rows[2].any()


def test_unseen_share_counts_words_the_vectorizer_never_saw():
    head, _ = _fitted()
    _, unseen = head.embed_with_unseen(["拖欠工资", "薪水拖欠", "薪水"])
    assert unseen[0] == 0.0
    assert 0.0 < unseen[1] < 1.0
    assert unseen[2] == pytest.approx(1.0)


def test_dense_head_gives_evidence_for_a_word_no_training_text_used():
    # 薪酬 is in none of the packaged examples (工资 is): the lexical head barely leans to the labour bureau (its top
    # probability is under 0.1), the dense head does, so the blend makes the labour bureau's lead clearer.
    from liandong.triage import service
    from liandong.triage.model import _label

    model = load_model(service.DEFAULT_MODEL_FILE)
    rows = [r for r in service.default_examples() if _label(r, "department")]
    assert not any("薪酬" in r["text"] for r in rows)
    terms, idf = word_idf(model.vectorizer)
    head = DenseUnitHead().fit([r["text"] for r in rows], [_label(r, "department") for r in rows], idf_terms=terms, idf_values=idf)
    text = "薪酬拖了几个月"
    dense = head.predict_proba([text])[0]
    assert head.classes_[int(np.argmax(dense))] == "rsj"
    classes, lexical = model.predict_proba([text])["department"]
    head.blend_ = 0.3
    blended = head.blend(classes, lexical, [text])
    at = list(classes).index("rsj")
    assert blended[0, at] > lexical[0, at]
    def lead(row):
        return row[at] - max(p for i, p in enumerate(row) if i != at)

    assert lead(blended[0]) > lead(lexical[0])


def test_blend_aligns_classes_by_name_and_weight_zero_is_the_lexical_head():
    head, _ = _fitted()
    classes = np.array(["sthjj", "rsj"])  # the lexical head's order, not the dense head's
    lexical = np.array([[0.5, 0.5]])
    head.blend_ = 0.0
    assert head.blend(classes, lexical, ["薪水没发"]) is lexical
    head.blend_ = 1.0
    dense = head.predict_proba(["薪水没发"])[0]
    mixed = head.blend(classes, lexical, ["薪水没发"])[0]
    assert mixed[1] == pytest.approx(dense[list(head.classes_).index("rsj")])
    head.blend_ = 0.25
    quarter = head.blend(classes, lexical, ["薪水没发"])[0]
    assert quarter == pytest.approx(0.75 * lexical[0] + 0.25 * mixed)


def test_a_table_other_than_the_training_one_disables_the_blend():
    head, _ = _fitted()
    head.blend_ = 0.5
    head.table_digest_ = "not-this-table"
    head.__dict__.pop("_state", None)
    lexical = np.array([[0.3, 0.7]])
    assert head.blend(np.array(["rsj", "sthjj"]), lexical, ["薪水没发"]) is lexical


def test_choose_blend_reports_every_weight_out_of_fold():
    texts = TEXTS * 2
    labels = LABELS * 2
    found = choose_blend(texts, labels, folds=3, min_df=1)
    assert set(found["macro_f1"]) == {"0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"}
    assert found["blend"] in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
    assert found["n"] == len(texts)


def test_trained_model_stores_the_dense_head_and_blends_after_loading(tmp_path):
    rows = [{"text": t, "department": u} for t, u in TRAIN]
    model = train_model(rows, heads=["department"], min_df=1, dense=True, dense_blend=0.5)
    assert model.dense is not None and model.meta["dense"]["blend"] == 0.5
    path = model.save(tmp_path / "m.skops")
    loaded = load_model(path)
    assert loaded.dense is not None
    before = model.predict_proba(["薪水好几个月没发了"])["department"][1]
    after = loaded.predict_proba(["薪水好几个月没发了"])["department"][1]
    assert np.allclose(before, after)
    lexical_only = train_model(rows, heads=["department"], min_df=1, dense=False)
    assert lexical_only.dense is None
    plain = lexical_only.predict_proba(["薪水好几个月没发了"])["department"][1]
    assert not np.allclose(plain, after)
