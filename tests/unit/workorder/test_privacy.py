"""Who sees a caller in full, masked or not at all; the masks themselves."""

from __future__ import annotations

import pytest

from liandong.core.actor import Actor, Role
from liandong.workorder.privacy import Access, caller_access, mask_name, mask_phone, may_reveal, scrub_text

TOKEN = dict(token="wechat", scopes=frozenset({"orders:read"}))
TOKEN_PERSONAL = dict(token="wechat", scopes=frozenset({"orders:read", "personal:read"}))


@pytest.mark.parametrize(
    "actor, confidential, access, reveal",
    [
        (Actor("t", Role.CALL_TAKER), False, Access.FULL, True),
        (Actor("s", Role.SUPERVISOR), True, Access.FULL, True),
        (Actor("u", Role.UNIT_HANDLER, "zjj"), False, Access.FULL, True),
        (Actor("u", Role.UNIT_HANDLER, "zjj"), True, Access.HIDDEN, False),
        (Actor("c", Role.COUNTY_DISPATCHER, "zz-12345"), False, Access.MASKED, True),
        (Actor("c", Role.COUNTY_DISPATCHER, "zz-12345"), True, Access.HIDDEN, False),
        (Actor("d", Role.DISPATCHER), False, Access.MASKED, True),
        (Actor("l", Role.LEADER), True, Access.MASKED, True),
        (Actor("a", Role.ADMIN), False, Access.MASKED, True),
        (Actor("sys", Role.SYSTEM), True, Access.FULL, True),
        (Actor("w", Role.CALL_TAKER, **TOKEN), False, Access.MASKED, False),
        (Actor("w", Role.CALL_TAKER, **TOKEN_PERSONAL), False, Access.FULL, True),
        (Actor("w", Role.DISPATCHER, **TOKEN_PERSONAL), False, Access.MASKED, True),
    ],
)
def test_access_by_role(actor, confidential, access, reveal):
    assert caller_access(confidential=confidential, actor=actor) is access
    assert may_reveal(confidential=confidential, actor=actor) is reveal


@pytest.mark.parametrize(
    "phone, masked", [("13812341234", "138****1234"), ("03562345678", "035****5678"), ("12345", "*****"), (None, None), ("", "")]
)
def test_phone_mask(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("欧阳娜娜", "欧***"), ("王", "王*"), (None, None)])
def test_name_mask(name, masked):
    assert mask_name(name) == masked


def test_scrub_text():
    assert scrub_text("王女士来电，电话 138 1234 5678，身份证 140502199001011234") == "＊来电，电话 ＊，身份证 ＊"
