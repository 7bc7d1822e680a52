"""Shared fixtures: one engine (with the packaged model) and one rules-only engine per test session."""

from __future__ import annotations

import pytest

from liandong.triage import service


@pytest.fixture(scope="session")
def engine():
    return service.build_engine()


@pytest.fixture(scope="session")
def rules_engine():
    return service.build_engine(with_model=False)


@pytest.fixture(scope="session")
def catalog():
    return service.load_catalog()


@pytest.fixture(scope="session")
def transfer_list():
    return service.load_rules()
