"""Word segmentation: tokens for the model, boundaries for the rules, compound words kept whole."""

from liandong.triage.segment import add_words, run_bounds, word_bounds, word_tokens


def test_tokens_drop_punctuation():
    words = word_tokens("楼上装修，噪音太大！")
    assert "装修" in words and "，" not in words and "！" not in words


def test_bounds_cover_every_word():
    text = "楼下着火了，快来"
    bounds = word_bounds(text)
    assert {0, len(text)} <= bounds
    assert text.index("着火") in bounds and text.index("着火") + 2 in bounds


def test_run_bounds_only_segment_around_the_match():
    text = "我们小区物业很差。" * 50 + "楼下着火了"
    start = text.index("着火")
    bounds = run_bounds(text, start, start + 2)
    assert start in bounds and start + 2 in bounds
    assert min(bounds) >= text.rindex("。", 0, start)


def test_compound_words_stay_whole():
    add_words(["跳楼机"])
    text = "游乐场的跳楼机坏了"
    start = text.index("跳楼")
    assert start + 2 not in word_bounds(text)  # "跳楼" ends inside "跳楼机"
