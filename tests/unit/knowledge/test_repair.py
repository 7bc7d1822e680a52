"""Text repair: one test per extraction artifact, on small cases and on the seeds themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from liandong.knowledge.repair import (
    clean_lines,
    collapse_spacing,
    is_page_furniture,
    join_paragraphs,
    normalize_punctuation,
    repair,
    strip_markdown,
    undouble_bold,
)

_SHARED_SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
# A worktree has no ../shared next to it: the packaged demo corpus holds the same five seed files.
SEEDS = _SHARED_SEEDS if _SHARED_SEEDS.exists() else Path(__file__).resolve().parents[3] / "src" / "liandong" / "knowledge" / "data" / "corpus"


def seed(prefix: str) -> str:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.exists() else []
    if not matches:
        pytest.skip(f"seed {prefix} not found under {SEEDS}")
    return matches[0].read_text(encoding="utf-8")


def test_hard_wraps_are_joined_mid_word():
    raw = "妇女是人类文明的开创者、社会进步的推动者，\n\n是实现中华民族伟大复兴中国梦的践行者。推动实\n\n施男女平等基本国策。\n\n一、总体要求\n"
    assert repair(raw) == "妇女是人类文明的开创者、社会进步的推动者，是实现中华民族伟大复兴中国梦的践行者。推动实施男女平等基本国策。\n一、总体要求"


def test_blank_line_inside_a_sentence_is_joined_in_unwrapped_text():
    raw = "市委、市政府坚\n\n持以习近平新时代中国特色社会主义思想为指导，经济综合实力显著增强。\n\n肯定成绩的同时，我们也要看到问题。\n"
    assert repair(raw).split("\n") == [
        "市委、市政府坚持以习近平新时代中国特色社会主义思想为指导，经济综合实力显著增强。",
        "肯定成绩的同时，我们也要看到问题。",
    ]


@pytest.mark.parametrize(
    ("line", "expected", "still_open"),
    [
        ("（（一一））指导思想指导思想", "（一）指导思想", True),
        ("（（三三））重点方向重点方向。。一是推动建设任务重", "（三）重点方向。一是推动建设任务重", False),
        ("（（一一））推进事项推进事项““应进必进应进必进”。”。对“一件事", "（一）推进事项“应进必进”。对“一件事", False),
        ("（（十十））大幅放宽市场准入大幅放宽市场准入。。鼓", "（十）大幅放宽市场准入。鼓", False),
        ("人人享有基本医疗服务。", "人人享有基本医疗服务。", False),  # a plain line is left alone
    ],
)
def test_bold_doubling_is_undone(line, expected, still_open):
    assert undouble_bold(line) == (expected, still_open)


def test_bold_heading_wrapped_onto_the_next_line():
    first, still_open = undouble_bold("（（三三））加强规划与发展规划的衔加强规划与发展规划的衔")
    assert (first, still_open) == ("（三）加强规划与发展规划的衔", True)
    assert undouble_bold("接接。。在经济社会发展总体规划中", previous_open=True) == ("接。在经济社会发展总体规划中", False)
    assert undouble_bold("以习近平新时代中国特色", previous_open=True) == ("以习近平新时代中国特色", False)


def test_letter_spaced_lines_are_collapsed():
    assert collapse_spacing("执行孤儿和事实无人抚养儿童 家 庭 走 访 、监 护 评 估 、家 庭 培 训 制 度。") == (
        "执行孤儿和事实无人抚养儿童家庭走访、监护评估、家庭培训制度。"
    )
    assert collapse_spacing("2023年 4月 27日，推动 20 万人口") == "2023年4月27日，推动20万人口"
    assert collapse_spacing("hello world") == "hello world"


@pytest.mark.parametrize(
    "line",
    ["—— 3", "—— 20", "晋城市人民政府公报3 / 2023 •市政府文件 •", "晋城市人民政府公报3 / 2023 •市政府办公室文件 •", "12"],
)
def test_running_headers_and_page_numbers_are_furniture(line):
    assert is_page_furniture(line)


def test_page_furniture_inside_a_sentence_is_removed_and_the_sentence_rejoined():
    raw = "全面落实妊娠风险筛查评估、高危专案管理、\n\n—— 3\n  危急重症救治、孕产妇死亡个案报告和约谈通报制\n\n度。\n"
    assert repair(raw) == "全面落实妊娠风险筛查评估、高危专案管理、危急重症救治、孕产妇死亡个案报告和约谈通报制度。"
    raw = "完善医疗机构产科、新生儿\n\n—— 20\n\n\n\n晋城市人民政府公报3 / 2023 •市政府文件 •\n科质量规范化管理体系。\n"
    assert repair(raw) == "完善医疗机构产科、新生儿科质量规范化管理体系。"


def test_displaced_plan_title_is_taken_out_of_the_sentence():
    raw = (
        "坚持在发展中保障妇女在政治、经济、文化、社\n\n晋城市妇女发展“十四五”规划\n"
        "  会和家庭各方面的权益，推进性别平等成为全社会\n\n共同遵循的行为规范。\n"
    )
    paragraphs = repair(raw).split("\n")
    assert "坚持在发展中保障妇女在政治、经济、文化、社会和家庭各方面的权益，推进性别平等成为全社会共同遵循的行为规范。" in paragraphs
    assert "晋城市妇女发展“十四五”规划" in paragraphs


def test_mixed_punctuation_becomes_full_width_in_chinese_text():
    assert normalize_punctuation("各县(市、区)人民政府,忻州经济开发区管委会:现将") == "各县（市、区）人民政府，忻州经济开发区管委会：现将"
    assert normalize_punctuation("(此件公开发布)") == "（此件公开发布）"
    assert normalize_punctuation("从诱发因素来看,90%以上") == "从诱发因素来看，90%以上"
    assert normalize_punctuation("1,000 items (ok)") == "1,000 items (ok)"
    assert normalize_punctuation("推进。。一是") == "推进。一是"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("## 省政府新闻办发布会", "省政府新闻办发布会"),
        ("# 建设平安山西 守护幸福生活", "建设平安山西 守护幸福生活"),
        ("**本报讯** 12月9日,省委宣传部", "本报讯 12月9日,省委宣传部"),
        ("- 13.忻州市政务信息管理局", "13.忻州市政务信息管理局"),
        ("| 序号 | 企业名称 |", "序号 企业名称"),
        ("---", ""),
    ],
)
def test_markdown_residue_is_stripped(line, expected):
    assert strip_markdown(line) == expected


def test_lines_keep_their_source_line_numbers():
    lines = clean_lines("第一行内容，\n\n第二行内容。\n—— 3\n  第三行。\n")
    assert [(line.number, line.page_start) for line in lines] == [(1, False), (3, False), (5, True)]
    assert join_paragraphs(lines, width=0) == [("第一行内容，第二行内容。", 1, 3), ("第三行。", 5, 5)]


def test_seed_003_artifacts_are_gone():
    text = repair(seed("003"))
    assert "（（" not in text and "。。" not in text
    assert "指导思想指导思想" not in text
    assert "—— 3" not in text and "公报3 / 2023" not in text
    assert "社会和家庭各方面的权益" in text
    assert "危急重症救治、孕产妇死亡个案报告和约谈通报制度" in text


def test_seed_000_letter_spacing_and_wraps_are_gone():
    text = repair(seed("000"))
    assert "家庭走访、监护评估、家庭培训制度" in text
    assert "救助道路交通事故伤员2500余人次，垫付救助金额7880余万元" in text
    assert "五是强化黄河流域生态保护。" in text


def test_seed_001_markdown_is_gone():
    text = repair(seed("001"))
    assert "**" not in text and "\n#" not in text and not text.startswith("#")
    assert "本报讯12月9日，省委宣传部" in text


def test_repair_never_invents_characters():
    raw = seed("003")
    repaired = repair(raw)
    source_chars = set(raw) | set("（），：；？！")
    assert set(repaired) - source_chars <= {"\n"}
