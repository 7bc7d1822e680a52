"""The demo database: a few hundred orders in every state, served through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from liandong.app import create_app
from liandong.config import configure, settings
from liandong.db import get_engine, unit_of_work
from liandong.demo import prepare_demo
from liandong.workorder.lifecycle import Status
from liandong.workorder.models import WorkOrder


def test_demo_covers_every_state_and_is_reused(fresh_sqlite_url):
    previous = settings()
    configure(database_url=fresh_sqlite_url)
    try:
        first = prepare_demo()
        assert first["orders_created"] >= 300
        again = prepare_demo()
        assert again["orders_created"] == 0 and again["orders_total"] == first["orders_total"]
        engine = get_engine(fresh_sqlite_url)
        with unit_of_work(engine) as session:
            states = set(session.scalars(select(WorkOrder.status).distinct()))
            oldest = session.scalar(select(func.min(WorkOrder.received_at)))
            newest = session.scalar(select(func.max(WorkOrder.received_at)))
        # 已转12345 is a 110 desk's 警单 sent on to 12345: a 12345 platform's demo has none of its own.
        assert states == {s.value for s in Status} - {Status.TRANSFERRED_12345.value}
        assert (newest - oldest).days >= 80
        with TestClient(create_app(engine, api_token="demo-token"), headers={"Authorization": "Bearer demo-token"}) as client:
            page = client.get("/api/orders", params={"limit": 5}).json()
            assert page["total"] == first["orders_total"] and len(page["items"]) == 5
            detail = client.get(f"/api/orders/{page['items'][0]['id']}").json()
            assert detail["events"]
    finally:
        configure(**previous.model_dump(exclude_unset=True))
