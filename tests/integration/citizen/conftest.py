"""Citizen tests keep their search-index caches and the installation secret in a temporary directory, not ./var."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="module")
def _private_var_dir(tmp_path_factory):
    from liandong.config import configure, settings

    previous = settings()
    configure(**{**previous.model_dump(exclude_unset=True), "var_dir": tmp_path_factory.mktemp("var")})
    yield
    configure(**previous.model_dump(exclude_unset=True))
