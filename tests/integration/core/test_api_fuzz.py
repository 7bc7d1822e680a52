"""Schemathesis drives every API operation with generated input, on SQLite and (when configured) PostgreSQL:
whatever arrives, the answer is never a server error and always matches the documented schema."""

from __future__ import annotations

import atexit
import os
import tempfile
import uuid
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from liandong.account import tokens
from liandong.app import create_app
from liandong.core.clock import now
from liandong.db import get_engine, unit_of_work
from liandong.db.migrate import upgrade
from liandong.web.suggest import warm_up

POSTGRES = os.environ.get("LIANDONG_TEST_POSTGRES_URL")
EXAMPLES = int(os.environ.get("LIANDONG_FUZZ_EXAMPLES", "25"))


def _drop(name: str) -> None:
    from liandong.db import _engines

    for url in [u for u in _engines if name in u]:
        _engines.pop(url).dispose()
    admin = create_engine(make_url(POSTGRES).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _database() -> str:
    if POSTGRES:
        name = f"liandong_fuzz_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(POSTGRES).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        atexit.register(_drop, name)
        return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    return f"sqlite:///{Path(tempfile.mkdtemp(prefix='liandong-fuzz-')) / 'fuzz.db'}"


_URL = _database()
upgrade(url=_URL)
with unit_of_work(get_engine(_URL)) as _session:
    # Every scope, as a supervisor (reads drafts, acts on orders): the widest a token can be.
    _row, TOKEN = tokens.create_token(_session, now=now(), name="fuzz", role="supervisor", scopes=list(tokens.SCOPES))

# As `liandong serve` does: load the triage model before the first request (it takes seconds, not the API's fault).
warm_up()
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(get_engine(_URL)))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error, response_schema_conformance])


def test_the_fuzzed_backend_is_the_configured_one():
    assert make_url(_URL).get_backend_name() == ("postgresql" if POSTGRES else "sqlite")
    if not POSTGRES:
        pytest.skip("PostgreSQL run needs LIANDONG_TEST_POSTGRES_URL")
