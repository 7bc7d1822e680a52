"""Address and title from what the caller said: whole words, the most specific place, never a mid-word cut."""

from __future__ import annotations

import pytest

from liandong.workorder.summary import MAX_TITLE, find_address, title_for

CASES = [
    ("来电人反映泽州县巴公镇锦绣小区3号楼楼上住户夜间装修噪音很大，影响休息，要求相关部门处理。", "泽州县巴公镇锦绣小区3号楼", "巴公镇锦绣小区", ("装修", "噪音")),
    ("市民王女士来电称，城区东街街道凤台社区门口的垃圾桶已经三天没有清运，气味难闻。", "城区东街街道凤台社区", "东街街道凤台社区", ("垃圾桶",)),
    ("网友留言：阳城县凤城镇东关村路灯坏了一个月了", "阳城县凤城镇东关村", "凤城镇东关村", ("路灯",)),
    ("来电人反映泽州县南村镇一段路的路灯连续一周不亮，居民夜间出行不便，请求维修。", None, "南村镇", ("路灯",)),
    ("家住泽州花园3号楼，楼下烧烤店油烟太大", "泽州花园3号楼", "泽州花园", ("油烟",)),
    ("咨询社保卡丢失后如何补办，需要带什么材料。", None, "", ("社保卡",)),
]


@pytest.mark.parametrize(("text", "address", "place", "topics"), CASES)
def test_address_and_title(text, address, place, topics):
    assert find_address(text) == address
    title = title_for(text)
    assert title.startswith(place) and all(t in title for t in topics) and len(title) <= MAX_TITLE


def test_a_very_long_request_gets_a_short_title_of_whole_words():
    text = "我们小区" + "物业公司长期不作为楼道灯不亮垃圾不清运" * 20
    title = title_for(text)
    assert 0 < len(title) <= MAX_TITLE


def test_nothing_salient_falls_back_to_the_first_words():
    assert title_for("你好") == "你好"
