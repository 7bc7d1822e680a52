"""Which service an emergency needs, read from what is happening: people held against their will are for 110 (not a
person "trapped" for 119), a fire that is about to reach a house is a fire (not a threat to burn), food stuck in the
throat is for 120 (not a rescue). With the model and by the rules alone."""

from __future__ import annotations

import pytest

KINDS = [
    ("他们把我和我表弟锁在一个仓库里，说家里不拿钱就不放我们走，我趁他们出去偷偷打的电话", "110"),
    ("我女儿被网上认识的人骗到外地，现在被扣在一个出租屋里，对方说不交赎金不让她回家", "110"),
    ("山坡上的荒草着起来了，火顺着风往坡下烧，就要烧到我们村的柴房了", "119"),
    ("我家后院的玉米秸秆垛燃起来了，火快要烧到牛棚了，在陵川县礼义镇", "119"),
    ("孩子吃果冻噎住了，脸憋得发紫，咳不出来", "120"),
    ("我爷爷喝汤的时候鸡骨头卡在嗓子里了，现在喘气都费劲，说不出话", "120"),
    # The rescue readings still stand beside them.
    ("孩子的头卡在阳台栏杆里拔不出来了，一直在哭", "119"),
    ("他说要烧了我家的房子，现在拎着汽油桶在我家门口转", "110"),
]

NOT_EMERGENCIES = [
    "老板不让我走，说必须干满三个月才给结工资，这合法吗",
    "去年我们村的麦秸垛着起来过一次，希望在村里多放几个灭火器",
    "我想问一下孩子被鱼刺卡过一次嗓子，去医院取出来花了五百多，医保能报吗",
]


@pytest.mark.parametrize(("text", "platform"), KINDS)
def test_the_service_follows_what_is_happening(engine, text, platform):
    result = engine.triage(text)
    assert result.platform == platform, result.reasons


@pytest.mark.parametrize(("text", "platform"), KINDS)
def test_the_service_follows_what_is_happening_by_the_rules_alone(rules_engine, text, platform):
    assert rules_engine.triage(text).platform == platform


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_the_same_words_in_a_service_request_stay_with_12345(engine, text):
    result = engine.triage(text)
    assert result.platform not in ("110", "119", "120"), result.reasons
