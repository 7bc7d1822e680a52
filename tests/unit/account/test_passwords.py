"""Password hashing: argon2, never the plain text, and no exception on a malformed hash."""

from __future__ import annotations

from liandong.account import service


def test_hash_and_verify():
    hashed = service.hash_password("correct horse battery")
    assert hashed.startswith("$argon2") and "correct" not in hashed
    assert service.verify_password(hashed, "correct horse battery")
    assert not service.verify_password(hashed, "wrong")


def test_malformed_hash_is_just_a_mismatch():
    assert not service.verify_password("not-a-hash", "anything")
    assert not service.verify_password("", "")


def test_system_role_is_not_offered_for_log_in():
    assert "system" not in {role.value for role in service.LOGIN_ROLES}
