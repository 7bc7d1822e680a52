"""The exchange standard: every documented example validates; what the standard forbids is refused with a Chinese reason."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from liandong.linkage import messages
from liandong.linkage.messages import MessageRefused

DOC = Path(__file__).resolve().parents[3] / "docs" / "linkage.md"
EXAMPLES = [json.loads(block) for block in re.findall(r"```json linkage-example\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)]


def test_the_docs_show_every_kind():
    assert {example["kind"] for example in EXAMPLES} == set(messages.KINDS)


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e['kind']}-{i}" for i, e in enumerate(EXAMPLES)])
def test_each_documented_example_is_valid(example):
    assert messages.validate(copy.deepcopy(example)) == example


def _transfer() -> dict:
    return copy.deepcopy(next(e for e in EXAMPLES if e["kind"] == "transfer"))


def _mutate(path: str, value):
    message = _transfer()
    target = message
    *parents, last = path.split(".")
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return message


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("version", "2.0", "unknown_version"),
        ("kind", "telegram", "schema"),
        ("seq", 0, "schema"),
        ("sent_at", "2026-12-01T10:05:00", "schema"),  # a time without its zone
        ("body.division_code", "1405", "schema"),  # not a GB/T 2260 code
        ("body.received_at", "yesterday", "schema"),
        ("body.content", "", "schema"),
        ("body.level", "紧急", "schema"),
        ("body.order_number", KeyError, "schema"),
        ("body.caller.phone", "call me", "schema"),
        ("body.unexpected", "x", "schema"),
        ("sender.division_code", None, "schema"),
    ],
)
def test_what_the_standard_forbids_is_refused(path, value, code):
    with pytest.raises(MessageRefused) as refused:
        messages.validate(_mutate(path, value))
    assert refused.value.code == code
    assert re.search(r"[\u4e00-\u9fff]", refused.value.detail)


@pytest.mark.parametrize("message", [None, [], "text", 42])
def test_not_an_object_is_malformed(message):
    with pytest.raises(MessageRefused) as refused:
        messages.validate(message)
    assert refused.value.code == "malformed"


def test_a_return_needs_its_reason():
    returned = copy.deepcopy(next(e for e in EXAMPLES if e["kind"] == "acceptance" and e["body"]["decision"] == "returned"))
    del returned["body"]["reason"]
    with pytest.raises(MessageRefused, match="reason"):
        messages.validate(returned)


def test_the_schema_of_each_kind_fixes_its_kind():
    receipt = copy.deepcopy(next(e for e in EXAMPLES if e["kind"] == "receipt"))
    receipt["kind"] = "completion"  # a receipt's body is not a completion
    with pytest.raises(MessageRefused):
        messages.validate(receipt)
    for kind in messages.KINDS:
        assert messages.schema_for(kind)["properties"]["kind"] == {"const": kind}


def test_batches_are_cut_by_peer_and_size():
    from liandong.linkage.relay import batches

    small = {"id": 1, "message_id": "a", "message": {"x": "y" * 100}}
    peer_a, peer_b = {"url": "http://a", "secret": "s"}, {"url": "http://b", "secret": "s"}
    work = [({**small, "id": i}, peer_a if i % 3 else peer_b) for i in range(30)]
    groups = batches(work, max_bytes=1200)
    assert sorted(d["id"] for chunk, _ in groups for d in chunk) == list(range(30))
    assert all(len({p["url"] for p in [peer]}) == 1 for _, peer in groups)
    assert all(sum(len(json.dumps(d["message"])) + 1 for d in chunk) <= 1200 for chunk, _ in groups)
    assert max(len(chunk) for chunk, _ in batches(work, max_items=4)) == 4
    huge = [({"id": 99, "message_id": "h", "message": {"x": "y" * 5000}}, peer_a)]
    assert batches(huge, max_bytes=1200) == [([huge[0][0]], peer_a)]  # one message over the size still goes, alone


@pytest.mark.parametrize("batch", [[], "x", {"version": "1.0", "batch_id": "short", "messages": [{}]},
                                   {"version": "1.0", "batch_id": "abcdefgh", "messages": [{}] * (messages.MAX_BATCH + 1)},
                                   {"version": "1.0", "batch_id": "abcdefgh", "messages": [{}], "extra": 1}])
def test_a_bad_batch_wrapper_is_refused(batch):
    with pytest.raises(MessageRefused):
        messages.validate_batch(batch)
