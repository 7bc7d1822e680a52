"""Which city or province a document comes from, and how a result is labelled for this instance."""

from __future__ import annotations

import pytest

from liandong.knowledge.region import cities_named, detect_region, detect_sources, scope


@pytest.mark.parametrize(
    ("issuer", "title", "text", "doc_number", "name"),
    [
        ("晋城市人民政府办公室", "晋城市人民政府办公室关于…的通知", "", "晋市政办〔2023〕21号", "晋城市"),
        ("忻州市人民政府", "忻州市人民政府关于王军免职的通知", "", None, "忻州市"),
        (None, "人防技防相结合 盂县全力筑牢森林草原防火屏障", "", None, "阳泉市"),
        (None, "普惠托育 我省30部门联手建设儿童友好城市", "山西将全面推进", None, "山西省"),
        (None, "商贸服务业市场主体发展项目开始申报", "本报讯12月6日从省商务厅获悉，项目可申报了。", None, "山西省"),
        (None, "古交税务延时服务为企业解急难", "记者从古交市税务局获悉", None, "太原市"),
        (None, "无名文件", "", "晋市政发〔2023〕6号", "晋城市"),
        (None, "社区故事", "居民们说好。", None, None),
    ],
)
def test_detect_region(issuer, title, text, doc_number, name):
    region = detect_region(issuer=issuer, title=title, text=text, doc_number=doc_number)
    assert (region.name if region else None) == name


def test_a_local_article_takes_the_city_its_page_names():
    page = [
        {"title": "盂县森林防火", "text": "盂县……"},
        {"title": "129家校园食堂完成改造", "text": "截至目前，我市已对129家学校食堂完成改造升级。"},
        {"title": "一则启事", "text": "敬请关注。"},
    ]
    assert [r.name if r else None for r in detect_sources(page)] == ["阳泉市", "阳泉市", None]


@pytest.mark.parametrize(
    ("code", "where"),
    [("140500", "own"), ("140000", "province"), ("140900", "other"), (None, "unknown"), ("", "unknown")],
)
def test_scope(code, where):
    assert scope(code, "140500") == where


def test_cities_named_in_a_question():
    assert cities_named("阳泉的学校食堂改造花了多少钱") == {"140300"}
    assert cities_named("盂县进山路口有没有防火检查") == {"140300"}
    assert cities_named("身份证丢了怎么办") == set()
