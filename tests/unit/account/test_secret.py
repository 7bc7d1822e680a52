"""The cookie signing key: no built-in default, a private random key per installation, weak values refused."""

from __future__ import annotations

import stat

import pytest

from liandong.account.secret import InsecureConfiguration, signing_key, weakness


def test_without_a_configured_key_each_installation_gets_its_own_private_random_key(tmp_path):
    first = signing_key(configured=None, var_dir=tmp_path / "a", demo=False)
    again = signing_key(configured=None, var_dir=tmp_path / "a", demo=False)
    other = signing_key(configured="", var_dir=tmp_path / "b", demo=False)
    assert first == again != other
    assert first != "change-me-in-production" and len(first) >= 48
    mode = stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_a_damaged_key_file_is_replaced(tmp_path):
    (tmp_path / "secret_key").write_text("short\n")
    key = signing_key(configured=None, var_dir=tmp_path, demo=False)
    assert key != "short" and weakness(key) is None
    assert (tmp_path / "secret_key").read_text().strip() == key


@pytest.mark.parametrize(
    "value", ["change-me-in-production", "CHANGEME", "secret", "0123456789abcdef", "a" * 64, "abababababababababababababababab"]
)
def test_weak_or_default_configured_keys_refuse_to_start(tmp_path, value):
    with pytest.raises(InsecureConfiguration, match="拒绝启动"):
        signing_key(configured=value, var_dir=tmp_path, demo=False)
    # The demo (local, throw-away data) tolerates them.
    assert signing_key(configured=value, var_dir=tmp_path, demo=True) == value
    assert not (tmp_path / "secret_key").exists()


def test_a_strong_configured_key_is_used_as_given(tmp_path):
    value = "Vb3kQ9-x2LmN7pR4sT8wY1zA6cE0fH5jK"
    assert signing_key(configured=value, var_dir=tmp_path, demo=False) == value
