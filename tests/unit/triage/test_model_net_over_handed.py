"""The model's safety net and the items 110 hands to 12345 ("110→12345": a broken lift, the property company, a
school). Such an item named in passing — the place where it happens — does not silence a model that is sure of an
emergency with a word that it is happening now; the same items stay with 12345 when the call is about them."""

from __future__ import annotations

import pytest

from liandong.triage import engine as engine_module

SURE_NOW = [
    # (text, the platforms that may take it)
    ("楼道的电梯里有个男的刚才一直对我闺女动手动脚，现在他还在我们单元里没走", {"110"}),
    ("我们家地下室水漫进来了，已经到大腿了，我婆婆还在下面搬东西，喊她也不上来", {"119", "120", "110"}),
    ("我闺女在学校上体育课从单杠上摔下来，后脑勺着地，现在一直吐，老师说叫不太醒", {"120"}),
]

ABOUT_THE_ITEM = [
    "电梯又坏了，三天了物业还没修好，我家老人腿脚不好上不去楼，能不能催一下",
    "地下室一下雨就进水，堆的东西都泡坏了，物业说不归他们管",
    "学校让家长交校服费，一套三百多，还必须买，这合理吗",
]


@pytest.mark.parametrize(("text", "platforms"), SURE_NOW)
def test_a_handed_over_item_named_in_passing_does_not_silence_a_sure_model(engine, text, platforms):
    result = engine.triage(text)
    assert result.platform in platforms, result.reasons


@pytest.mark.parametrize("text", ABOUT_THE_ITEM)
def test_the_handed_over_items_stay_with_12345(engine, text):
    result = engine.triage(text)
    assert result.platform == "12345", result.reasons


def test_the_overrule_asks_for_more_than_the_plain_net():
    assert engine_module.MODEL_SURE_OVER_HANDED > engine_module.MODEL_SURE_OVER_ITEM >= engine_module.MODEL_EMERGENCY_THRESHOLD
