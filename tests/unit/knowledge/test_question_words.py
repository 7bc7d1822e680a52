"""The question's content words: a question word jieba glued to the next verb is taken off it."""

from __future__ import annotations

import pytest

from liandong.knowledge.search import _question_words


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["社保卡", "掉", "哪补"], ["社保卡", "掉", "补"]),
        (["校园", "欺凌", "归", "哪管"], ["校园", "欺凌", "归", "管"]),
        (["哪个", "窗口"], ["窗口"]),  # 哪个 is a filler once its question word is off
        (["谁家", "谁"], ["家"]),
        (["公积金", "提取"], ["公积金", "提取"]),
    ],
)
def test_question_words(words, expected):
    assert _question_words(words) == expected
