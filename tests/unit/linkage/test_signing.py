"""Signatures over method, path, timestamp, nonce and body; the window; and the back-off schedule."""

from __future__ import annotations

import pytest

from liandong.linkage import rules, signing
from liandong.linkage.relay import backoff_delay

SECRET = "a-shared-secret-of-some-length"
BODY = '{"kind":"transfer"}'.encode()
NOW = 1_764_600_000.0


def _signed(**overrides):
    headers = signing.headers(peer="jc12345", secret=SECRET, method="POST", path="/api/link/messages", body=BODY, now=NOW, nonce="n0nce-123456")
    args = dict(secret=SECRET, method="POST", path="/api/link/messages", body=BODY, now=NOW,
                timestamp=headers[signing.TIMESTAMP_HEADER], nonce=headers[signing.NONCE_HEADER], signature=headers[signing.SIGNATURE_HEADER])
    args.update(overrides)
    return args


def test_a_signed_request_verifies():
    signing.verify(**_signed())


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"signature": None}, "unsigned"),
        ({"timestamp": None}, "unsigned"),
        ({"nonce": None}, "unsigned"),
        ({"timestamp": "soon"}, "bad_timestamp"),
        ({"now": NOW + signing.WINDOW_SECONDS + 1}, "stale"),
        ({"now": NOW - signing.WINDOW_SECONDS - 1}, "stale"),
        ({"nonce": "short"}, "bad_nonce"),
        ({"body": BODY + b" "}, "bad_signature"),
        ({"path": "/api/link/other"}, "bad_signature"),
        ({"method": "PUT"}, "bad_signature"),
        ({"secret": "another-secret-entirely"}, "bad_signature"),
        ({"nonce": "n0nce-654321"}, "bad_signature"),
    ],
)
def test_anything_changed_or_missing_is_refused(overrides, code):
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify(**_signed(**overrides))
    assert refused.value.code == code


def test_the_window_edges_are_accepted():
    signing.verify(**_signed(now=NOW + signing.WINDOW_SECONDS))
    signing.verify(**_signed(now=NOW - signing.WINDOW_SECONDS))


@pytest.mark.parametrize(
    ("failures", "rand", "expected"),
    [(1, 0.0, 0.5), (1, 0.999999, 1.0), (2, 0.0, 1.0), (3, 0.5, 3.0), (4, 0.0, 4.0), (10, 0.0, 150.0), (30, 1.0, 300.0)],
)
def test_back_off_doubles_with_jitter_up_to_the_cap(failures, rand, expected):
    assert backoff_delay(failures, base=1.0, cap=300.0, rand=rand) == pytest.approx(expected, rel=1e-5)


def test_back_off_never_exceeds_the_cap_nor_falls_below_half():
    for failures in range(1, 40):
        for rand in (0.0, 0.3, 0.99):
            delay = backoff_delay(failures, base=2.0, cap=60.0, rand=rand)
            ceiling = min(60.0, 2.0 * 2 ** (failures - 1))
            assert ceiling / 2 <= delay <= ceiling


PEERS = [
    rules.PeerRef("zz110", "110", "140525"),  # 泽州县 110
    rules.PeerRef("jc110", "110", "140500"),  # the city's 110
    rules.PeerRef("jc120", "120", None),
]


@pytest.mark.parametrize(
    ("target", "division", "peers", "expected"),
    [
        ("110", "140525", PEERS, "zz110"),  # the county's own 110 first
        ("110", "140581", PEERS, "jc110"),  # else the city's
        ("120", "140525", PEERS, "jc120"),
        ("119", "140525", PEERS, None),  # nobody linked: kept until a peer is configured
        ("12345", "140525", [rules.PeerRef("jc110", "110", "140500")], "jc110"),  # county 110 → city 110 → city 12345
        ("12345", "140525", [rules.PeerRef("jc12345", "12345", "140500"), *PEERS], "jc12345"),
    ],
)
def test_routing_prefers_the_county_then_the_city(target, division, peers, expected):
    found = rules.route(target, division, peers, city_code="140500")
    assert (found.name if found else None) == expected


@pytest.mark.parametrize(
    ("action", "status", "first", "expected"),
    [
        ("link_accept", "in_progress", False, "acceptance"),
        ("dispatch", "dispatched", True, "acceptance"),
        ("dispatch", "dispatched", False, "progress"),
        ("link_return", "closed", False, "returned"),
        ("link_progress", "in_progress", False, "progress"),
        ("reply", "replied", False, "progress"),
        ("link_complete", "closed", False, "completion"),
        ("visit", "closed", False, "completion"),
        ("supervise", "in_progress", False, None),
        ("remind", "dispatched", False, None),
    ],
)
def test_what_an_action_tells_the_sender(action, status, first, expected):
    assert rules.feedback_kind(action, status, first_dispatch=first) == expected


def test_graded_response_links_a_pair_from_major_up():
    assert [rules.needs_linked_pair(level) for level in ("一般", "较大", "重大", "特别重大")] == [False, True, True, True]
