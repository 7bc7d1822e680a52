"""Triage service on a real database: operators' confirmed routing (and corrections) feed the next model; the edited transfer list is used."""

from __future__ import annotations

from datetime import datetime

import pytest

from liandong.catalog.deadlines import SHANGHAI
from liandong.config import configure, settings
from liandong.core.actor import Actor, Role
from liandong.core.errors import ValidationFailed
from liandong.db import unit_of_work
from liandong.db.migrate import upgrade
from liandong.triage import service as triage
from liandong.workorder import service
from liandong.workorder.lifecycle import Action

ADMIN = Actor("tester", Role.ADMIN, records_history=True)


@pytest.fixture
def city(fresh_sqlite_url, tmp_path):
    previous = settings()
    configure(database_url=fresh_sqlite_url, var_dir=tmp_path / "var")
    upgrade()
    try:
        yield
    finally:
        configure(**previous.model_dump(exclude_unset=True))
        triage.reload()


def test_train_from_orders_uses_confirmed_routing(city):
    with pytest.raises(ValidationFailed):
        triage.train_from_orders()
    now = datetime.now(SHANGHAI)
    # A local convention the packaged examples do not know: "共享单车乱停" goes to the transport bureau here.
    with unit_of_work() as session:
        for i in range(12):
            # Half of them were suggested to 城管 at intake and corrected by the operator.
            shown = {"department": "cgj", "request_type": "complaint"} if i % 2 else None
            order = service.create_order(
                session, actor=ADMIN, now=now, content=f"共享单车乱停乱放堵住了小区门口第{i}号楼", request_type="complaint", triage=shown
            )
            service.act(session, order_id=order.id, action=Action.DISPATCH, actor=ADMIN, now=now, to="jtj")
    result = triage.train_from_orders()
    assert result["orders"] == 12 and result["version"].startswith("orders-")
    assert result["corrections"] == 6
    assert triage.user_model_file().exists()
    assert triage.engine().model.meta["version"] == result["version"]


def test_cli_triage_uses_the_transfer_list_administrators_edited(city):
    import tomllib

    from liandong.catalog.models import CatalogSetting

    data = tomllib.loads(triage.triage_file(triage.TRANSFER_LIST_FILE).read_text(encoding="utf-8"))
    data["version"] = "local-edit"
    data["item"].append(
        {"id": "L-JTJ-99", "name": "共享单车乱停", "direction": "12345", "platform": "12345", "department": "jtj",
         "request_type": "complaint", "priority": 90, "keywords": ["共享单车"]}
    )
    assert triage.active_engine().triage("共享单车把路堵了").to_dict()["transfer_list_version"] != "local-edit"
    with unit_of_work() as session:
        session.add(CatalogSetting(key=triage.TRANSFER_LIST_KEY, value=data))
    result = triage.active_engine().triage("共享单车把路堵了").to_dict()
    assert result["transfer_list_version"] == "local-edit"
    assert result["transfer_item_id"] == "L-JTJ-99" and result["department"] == "jtj"
