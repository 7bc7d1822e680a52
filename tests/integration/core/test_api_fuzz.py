"""Schemathesis drives every API operation with generated input: whatever arrives, the answer is never a server error."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from liandong.app import create_app
from liandong.db import get_engine
from liandong.db.migrate import upgrade

TOKEN = "fuzz-token"
_URL = f"sqlite:///{Path(tempfile.mkdtemp(prefix='liandong-fuzz-')) / 'fuzz.db'}"


def _app():
    upgrade(url=_URL)
    return create_app(get_engine(_URL), api_token=TOKEN)


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error])
