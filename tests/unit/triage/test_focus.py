"""Sentence roles of a message (title, request, aside, background), long-text reduction, landmarks."""

import pytest

from liandong.triage.focus import Layout, is_landmark


def layout(body: str, title: str = "") -> Layout:
    text = f"{title}。{body}" if title else body
    return Layout(text, title_end=len(title) + 1 if title else 0)


@pytest.mark.parametrize(
    "sentence, role",
    [
        ("希望有关部门尽快处理", "request"),
        ("恳请领导重视", "request"),
        ("请问公积金怎么提取", "request"),
        ("建议增设公交站点", "request"),
        ("另外，小区门口的路灯也坏了", "aside"),
        ("顺便说一下，垃圾也没人清", "aside"),
        ("尊敬的领导：您好", "greeting"),
        ("物业把绿地改成了停车位", "body"),
        ("物业要求我们每户交两百块", "body"),  # "要求" said of someone else is not the writer's request
    ],
)
def test_roles(sentence, role):
    assert layout(sentence + "。下一句").sentences[0].role == role


def test_title_role_and_long_flag():
    short = layout("停水了", title="小区停水")
    assert short.sentences[0].role == "title" and short.title() == "小区停水"
    assert not layout("停水了").long
    assert layout("很长的背景。" * 40).long
    assert layout("物业不管事。" * 16, title="物业不作为").long  # a titled message is read as written text sooner


def test_long_sentence_is_read_in_pieces():
    body = "，".join(["地处城区的民营幼儿园众多"] * 12) + "，希望市委市政府加快提高教师待遇"
    pieces = layout(body).sentences
    assert len(pieces) > 1
    assert pieces[-1].role == "request" and pieces[0].role == "body"


def test_focus_keeps_title_and_request_of_a_long_message():
    body = "我们都是普通工薪家庭。" * 30 + "暖气一直不热。希望热力公司尽快解决。"
    focus = layout(body, title="暖气不热").focus()
    assert focus.startswith("暖气不热") and "希望热力公司尽快解决" in focus
    assert len(focus) < len(body)
    assert layout("暖气不热").focus() == "暖气不热"


@pytest.mark.parametrize(
    "text, word, expected",
    [
        ("就在晋城一中旁边，学生很多", "晋城一中", True),
        ("实验小学后门那条巷子", "小学", True),
        ("市人民医院门口往东一百米", "医院", True),
        ("派出所斜对面的饭店", "派出所", True),
        ("公安局宿舍区的物业", "公安局", True),
        ("学校违规补课", "学校", False),
        ("医院乱收费", "医院", False),
    ],
)
def test_landmarks(text, word, expected):
    start = text.index(word)
    assert is_landmark(text, start, start + len(word)) is expected
