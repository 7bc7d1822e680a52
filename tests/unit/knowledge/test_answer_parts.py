"""Pieces of the answer: the question's wording kept together, words jieba cut across a boundary put back,
and lines that name something (an attachment, the plan's own title, the cover notice's formula) never read out
as answers."""

from __future__ import annotations

import pytest

from liandong.knowledge.answer import _ATTACHMENT_RE, _COVER_NOTICE_RE, Grams, _inside_title, _longest_unpunctuated, figure_share, question_figures
from liandong.knowledge.search import _regrouped


def test_longest_common_stretch_of_the_question_in_a_sentence():
    grams = Grams.of("残疾娃娃康复救助能不能把年纪放宽")
    assert grams.longest("扩大残疾儿童康复救助年龄范围") == 4  # 康复救助
    assert grams.longest("加强新闻出版文化市场监管") == 0
    features = grams.features("落实残疾儿童康复救助制度。", "落实残疾儿童康复救助制度。晋城市妇女儿童发展规划")
    assert features["longest"] == 0.4 and 0 < features["longest_share"] < 1
    assert features["trigrams_context"] > 0


def test_trigrams_leave_out_runs_of_light_characters():
    grams = Grams.of("我想问一下这个咋办")
    assert all(sum(char in "我想问一下这个咋办" for char in gram) <= 3 for gram in grams.trigrams)
    assert Grams.of("？？").features("任何句子", "任何句子") == {"trigrams_context": 0.0, "longest": 0.0, "longest_share": 0.0}


def test_a_word_cut_across_a_boundary_is_put_back():
    written = "全市共查明隐患点1089处，重点有三".__contains__
    assert _regrouped(["忻州", "地质灾害", "隐患", "点有", "处"], {"隐患": 1.0, "处": 1.0}, written) == ["忻州", "地质灾害", "隐患点", "处"]
    # A word the knowledge base has as a token stays as it is.
    assert _regrouped(["隐患", "点有"], {"点有": 1.0}, written) == ["隐患", "点有"]
    # Nothing is joined that the texts never write.
    assert _regrouped(["学校", "食堂"], {}, written) == ["学校", "食堂"]


def test_attachment_pointers_and_the_plans_own_title_are_not_answers():
    assert _ATTACHMENT_RE.match("附件：忻州市地质灾害防治领导小组成员名单")
    assert _ATTACHMENT_RE.match("1.晋城市煤炭绿色开采2023-2025年规划项目（见网络）")
    assert not _ATTACHMENT_RE.match("附近的居民可以到社区服务中心办理。")
    title = "忻州市人民政府办公室关于印发忻州市推进多式联运发展优化调整运输结构工作实施方案（2023—2025年）的通知"
    assert _inside_title("忻州市推进多式联运发展优化调整运输结构工作实施方案（2023—2025年）", title)
    assert not _inside_title("到2025年，多式联运发展水平明显提升，运输结构显著优化。", title)
    assert not _inside_title("通知", title)  # too short to be a title


def test_the_cover_notices_formula_is_not_an_answer():
    assert _COVER_NOTICE_RE.search("《晋城市打造“一件事一次办”精品实施方案》已经市人民政府同意，现印发给你们，请认真组织实施。")
    assert _COVER_NOTICE_RE.search("现将《忻州市2023年度地质灾害防治方案》印发给你们，请结合实际，认真组织实施。")
    assert _COVER_NOTICE_RE.search("请认真贯彻落实。")
    assert _COVER_NOTICE_RE.search("根据有关规定，经市政府同意，现将有关事项通知如下：")
    assert not _COVER_NOTICE_RE.search("市级统一申请材料、办理流程、办理依据等内容，实现办事指南、一次性告知单等市县统一。")
    assert not _COVER_NOTICE_RE.search("请于2026年2月13日前申报。")


@pytest.mark.parametrize(
    ("question", "text", "share"),
    [
        ("到2030年煤炭绿色开采要达到啥目标", "到2030年，煤炭资源回收率得到显著提高。", 1.0),
        ("到2030年煤炭绿色开采要达到啥目标", "近期目标2023年，持续推进绿色开采。", 0.0),
        ("12345和110管啥会不会宣传", "广泛宣传12345与110的工作职责。", 1.0),
        ("12345和110管啥会不会宣传", "广泛宣传12345的工作职责。", 0.5),
        ("排查了3980件吗", "排查矛盾纠纷39800件。", 0.0),  # a whole figure, not a part of a longer one
        ("宅基地能买卖吗", "任何一句话。", 0.5),  # the question names no figure
    ],
)
def test_figure_share(question, text, share):
    assert figure_share(text, question_figures(question)) == share


@pytest.mark.parametrize(
    ("text", "longest"),
    [
        ("高平市主城区雨污分流改造工程项目省级高平市主城区序号项目名称层级建设地点", 36),  # a table row run together
        ("清理盘活停缓建工程项目，一项一策、特事特办。", 11),
        ("", 0),
    ],
)
def test_longest_stretch_without_punctuation(text, longest):
    assert _longest_unpunctuated(text) == longest
