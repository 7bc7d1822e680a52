"""Splitting: what each gazette seed contains (documents, numbers, metadata) and newspaper articles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from liandong.knowledge.split import CITED_NUMBER_RE, passages, split_text

_SHARED_SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
# A worktree has no ../shared next to it: the packaged demo corpus holds the same five seed files.
SEEDS = _SHARED_SEEDS if _SHARED_SEEDS.exists() else Path(__file__).resolve().parents[3] / "src" / "liandong" / "knowledge" / "data" / "corpus"


def seed(prefix: str) -> str:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.exists() else []
    if not matches:
        pytest.skip(f"seed {prefix} not found under {SEEDS}")
    return matches[0].read_text(encoding="utf-8")


# What the 忻州 gazette (2023 年第 4 期) contains, in order: number, date, start of title.
SEED_002 = [
    ("忻政发〔2023〕6号", date(2023, 4, 3), "忻州市人民政府关于印发忻州市妇女发展“十四五”规划和忻州市儿童发展“十四五”规划的通知"),
    ("忻政办发〔2023〕7号", date(2023, 2, 21), "忻州市人民政府办公室关于印发忻州市推进多式联运发展优化调整运输结构工作实施方案"),
    ("忻政办发〔2023〕11号", date(2023, 4, 10), "忻州市人民政府办公室关于推行行政规范性文件“三统一”制度的通知"),
    ("忻政办发〔2023〕12号", date(2023, 4, 10), "忻州市人民政府办公室关于公布市级行政规范性文件制定主体清单的通知"),
    ("忻政办函〔2023〕18号", date(2023, 3, 23), "忻州市人民政府办公室关于表彰2022年度全市骨干建筑业企业的通报"),
    ("忻政办函〔2023〕22号", date(2023, 4, 6), "忻州市人民政府办公室关于印发忻州市2023年度地质灾害防治方案的通知"),
    ("忻政任〔2023〕5号", date(2023, 2, 27), "忻州市人民政府关于王国胜试用期满正式任职的通知"),
    ("忻政任〔2023〕6号", date(2023, 2, 27), "忻州市人民政府关于王军免职的通知"),
    ("忻政任〔2023〕7号", date(2023, 3, 22), "忻州市人民政府关于高骏等职务任免的通知"),
    ("忻政任〔2023〕8号", date(2023, 3, 22), "忻州市人民政府关于武俊德任职的通知"),
    ("忻政任〔2023〕9号", date(2023, 4, 3), "忻州市人民政府关于肖圣聪等职务任免的通知"),
]

# The 晋城 gazette (2023 年第 3 期).
SEED_003 = [
    ("晋市政发〔2023〕6号", date(2023, 4, 27), "晋城市人民政府关于印发晋城市妇女发展“十四五”规划和儿童发展“十四五”规划的通知"),
    ("晋市政办〔2023〕13号", date(2023, 4, 18), "晋城市人民政府办公室关于印发晋城市煤炭绿色开采工作方案的通知"),
    ("晋市政办〔2023〕14号", date(2023, 4, 17), "晋城市人民政府办公室关于印发晋城市空气、水环境质量再提升和土壤、地下水污染防治2023年行动计划的通知"),
    ("晋市政办〔2023〕16号", date(2023, 5, 22), "晋城市人民政府办公室关于印发晋城市2023年省市重点工程项目名单的通知"),
    ("晋市政办〔2023〕18号", date(2023, 6, 1), "晋城市人民政府办公室关于印发晋城市打造“一件事一次办”精品实施方案的通知"),
    ("晋市政办〔2023〕19号", date(2023, 6, 2), "晋城市人民政府办公室印发关于进一步激发民间投资活力促进经济高质量发展的实施方案的通知"),
    ("晋市政办〔2023〕20号", date(2023, 6, 2), "晋城市人民政府办公室印发关于进一步盘活存量资产扩大有效投资的实施方案的通知"),
    ("晋市政办〔2023〕21号", date(2023, 6, 2), "晋城市人民政府办公室关于推动全市12345政务服务便民热线与110报警服务台高效对接联动的实施意见"),
]

# Numbers these issues merely cite: they must stay in the text and never become documents.
CITED = {
    "002": ["国办发〔2021〕54号", "晋政办发〔2022〕88号", "国办发〔2018〕115号", "忻政办发〔2013〕73号"],
    "003": ["国办发〔2022〕12号", "晋生态环保委〔2022〕2号", "政办发〔2022〕39号"],
}


@pytest.mark.parametrize(("prefix", "expected"), [("002", SEED_002), ("003", SEED_003)])
def test_gazette_documents_numbers_dates_and_titles(prefix, expected):
    kind, documents = split_text(seed(prefix))
    assert kind == "gazette"
    assert [document.doc_number for document in documents] == [number for number, _, _ in expected]
    assert [document.date for document in documents] == [day for _, day, _ in expected]
    for document, (_, _, title) in zip(documents, expected):
        assert document.title.startswith(title)
        assert document.publication == "公开发布"
        assert document.issuer in ("忻州市人民政府", "忻州市人民政府办公室", "晋城市人民政府", "晋城市人民政府办公室")


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_cited_numbers_are_not_documents(prefix):
    _, documents = split_text(seed(prefix))
    numbers = {document.doc_number for document in documents}
    text = "\n".join(document.text for document in documents)
    for cited in CITED[prefix]:
        assert cited not in numbers
        assert cited in text.replace("\n", "")
    # Every number found in running text is either a document's own or a citation, never a new document.
    cited_in_text = set(CITED_NUMBER_RE.findall(text))
    assert numbers <= cited_in_text


def test_table_of_contents_is_not_a_document():
    _, documents = split_text(seed("002"))
    assert not any("....." in document.text for document in documents)
    assert not any("忻州市人民政府公报" in document.title for document in documents)


def test_header_printed_inside_another_sentence_is_moved_back():
    _, documents = split_text(seed("003"))
    by_number = {document.doc_number: document for document in documents}
    hotline = by_number["晋市政办〔2023〕21号"].text
    assert "受理范围为：政策法规、政务信息和公共服务信息等方面的咨询" in hotline
    assert hotline.index("各县（市、区）人民政府") < hotline.index("受理范围为")
    assert "（国办发〔2022〕12号）" in hotline
    assets = by_number["晋市政办〔2023〕20号"].text
    assert "三是引导支持基础设施存量资产多、建设任务重、负债率较高的国有企业" in assets
    assert "为贯彻落实《山西省人民政府办公厅关于进一步盘活存量资产扩大有效投资的实施意见》" in assets
    investment = by_number["晋市政办〔2023〕19号"].text
    assert "关于进一步激发民间投资活力促进经济高质量发展的实施方案\n为贯彻落实" in investment
    assert "激发民间投资" not in by_number["晋市政办〔2023〕18号"].text


def test_attachments_are_named():
    _, documents = split_text(seed("003"))
    by_number = {document.doc_number: document for document in documents}
    assert by_number["晋市政办〔2023〕13号"].attachments == [
        "晋城市煤炭绿色开采2023-2025年规划项目（见网络）",
        "晋城市新建矿井井下矸石智能分选系统和不可利用矸石全部返井试点项目名单（见网络）",
    ]
    assert by_number["晋市政办〔2023〕18号"].attachments == ["晋城市2023年打造“一件事一次办”精品任务清单（见网络）"]
    _, documents = split_text(seed("002"))
    by_number = {document.doc_number: document for document in documents}
    assert by_number["忻政办函〔2023〕18号"].attachments == ["2022年度全市骨干建筑业企业名单（排名不分先后）"]


def test_newspaper_page_with_markdown_headings_splits_into_articles():
    kind, articles = split_text(seed("001"))
    assert kind == "newspaper"
    titles = [article.title for article in articles]
    assert "建设平安山西守护幸福生活" in titles
    assert "商贸服务业市场主体发展项目开始申报" in titles
    assert "山西中部城市群皮肤专科联盟成立" in titles
    assert all(article.kind == "article" and article.doc_number is None for article in articles)


def test_newspaper_headline_printed_after_its_article():
    _, articles = split_text(seed("004"))
    assert articles[0].title == "129家校园食堂完成改造"
    assert articles[0].byline == "温荣鑫毛赟程"
    assert "129家校园食堂全部完成升级并通过验收" in articles[0].text
    assert articles[1].title == "人防技防相结合线上线下齐发力 盂县全力筑牢森林草原防火屏障"
    assert articles[1].text.startswith("本报讯开展森林草原防灭火战备拉动演练")


def test_bylines_end_articles_and_scattered_headlines_find_their_articles():
    _, articles = split_text(seed("000"))
    assert [article.title for article in articles] == [
        "普惠托育均衡教育就医便利 我省30部门联手建设儿童友好城市",
        "解决民生领域痛点堵点难点问题",
        "优化法治化营商环境山西公安机关持续发力 5项举措着力构建法治化营商环境",
    ]
    assert articles[0].byline.startswith("张磊")
    assert "辛戈" in articles[1].byline
    assert "（张磊）" not in articles[0].text


def test_passages_are_sized_overlapping_and_cite_source_lines():
    _, documents = split_text(seed("003"))
    document = documents[-1]
    windows = passages(document)
    assert all(20 <= len(window.text) <= 400 for window in windows[:-1])
    assert sum(len(window.text) for window in windows) > len(document.text)  # windows overlap
    for window in windows:
        assert document.text[window.start : window.end] == window.text
        assert window.first_line <= window.last_line
    # Every sentence of the document is inside some window.
    covered = set()
    for window in windows:
        covered.update(range(window.start, window.end))
    body = [i for i, char in enumerate(document.text) if char != "\n"]
    assert set(body) <= covered
