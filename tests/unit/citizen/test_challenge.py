"""The public page's challenge: signed, expiring, answer not in the token, forged or altered tokens refused. Pure."""

from __future__ import annotations

import base64
import random
from datetime import datetime, timedelta, timezone

import pytest

from liandong.citizen import challenge
from liandong.core.errors import ValidationFailed

KEY = b"k" * 32
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def solve(question: str) -> int:
    digits = {c: i for i, c in enumerate(challenge.DIGITS)}
    text = question.split("等于")[0]
    sign = "加" if "加" in text else "减"
    left, right = text.split(sign)
    a = int(left) if left.isdigit() else digits[left]
    b = digits[right] if right in digits else int(right)
    return a + b if sign == "加" else a - b


@pytest.mark.parametrize("seed", range(40))
def test_the_right_answer_passes_and_every_other_fails(seed):
    issued = challenge.issue(KEY, NOW, random.Random(seed))
    answer = solve(issued.question)
    assert 0 < answer < 30
    challenge.verify(KEY, issued.token, str(answer), NOW + timedelta(minutes=5))
    challenge.verify(KEY, issued.token, f" {answer} ", NOW)
    for other in range(0, 40):
        if other != answer:
            with pytest.raises(ValidationFailed):
                challenge.verify(KEY, issued.token, str(other), NOW)


def test_the_answer_is_not_in_the_token_and_nonces_differ():
    tokens = [challenge.issue(KEY, NOW) for _ in range(200)]
    assert len({challenge.nonce_of(t.token) for t in tokens}) == 200
    # The token is nonce.expiry.mac: 12 random bytes, the expiry time, and the MAC — no field carries the answer
    # (a digit of it may of course turn up inside the random nonce's base64, so that is not what is checked).
    for issued in tokens[:20]:
        nonce, expires, mac = issued.token.split(".")
        assert len(base64.urlsafe_b64decode(nonce + "=" * (-len(nonce) % 4))) == 12
        assert expires == str(int((NOW + challenge.TTL).timestamp()))
        assert str(solve(issued.question)) not in {nonce, expires, mac}


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda t: None, "请先回答"),
        (lambda t: "", "请先回答"),
        (lambda t: "abc", "请先回答"),
        (lambda t: t + ".x", "请先回答"),
        (lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), "不正确"),
        (lambda t: t.split(".")[0] + "." + str(int(t.split(".")[1]) + 3600) + "." + t.split(".")[2], "不正确"),
        (lambda t: "n." + "9" * 13 + ".m", "无效"),
    ],
)
def test_forged_or_altered_tokens_are_refused(mangle, message):
    issued = challenge.issue(KEY, NOW, random.Random(1))
    with pytest.raises(ValidationFailed, match=message) as refused:
        challenge.verify(KEY, mangle(issued.token), str(solve(issued.question)), NOW)
    assert refused.value.field == "challenge"


def test_another_key_or_a_late_answer_is_refused():
    issued = challenge.issue(KEY, NOW, random.Random(2))
    answer = str(solve(issued.question))
    with pytest.raises(ValidationFailed, match="不正确"):
        challenge.verify(b"x" * 32, issued.token, answer, NOW)
    with pytest.raises(ValidationFailed, match="过期"):
        challenge.verify(KEY, issued.token, answer, NOW + challenge.TTL + timedelta(seconds=1))


@pytest.mark.parametrize("answer", [None, "", "七", "１２", "1e1", "-3", "1234"])
def test_answers_that_are_not_small_ascii_numbers_are_wrong(answer):
    issued = challenge.issue(KEY, NOW, random.Random(3))
    with pytest.raises(ValidationFailed, match="不正确"):
        challenge.verify(KEY, issued.token, answer, NOW)
