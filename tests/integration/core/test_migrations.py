"""Models and migrations never drift; migrations go down and up again on every backend."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from liandong.db import get_engine
from liandong.db.migrate import alembic_config, downgrade, upgrade


def _with_connection(url, fn):
    config = alembic_config(url)
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        fn(config)


def test_models_match_migrations(engine, database_url):
    _with_connection(database_url, command.check)


def _rows(name: str) -> int:
    from liandong.config import DEFAULT_DATA_DIR

    return sum(1 for line in (DEFAULT_DATA_DIR / name).read_text(encoding="utf-8").splitlines()[1:] if line.strip())


def test_downgrade_and_upgrade_again(fresh_sqlite_url):
    result = upgrade(url=fresh_sqlite_url)
    assert result["seeded"]["departments"] == _rows("departments.csv")
    downgrade(url=fresh_sqlite_url, revision="base")
    assert set(inspect(get_engine(fresh_sqlite_url)).get_table_names()) <= {"alembic_version"}
    again = upgrade(url=fresh_sqlite_url)
    assert again["seeded"]["categories"] == 650
    # idempotent: a second upgrade neither fails nor seeds twice
    assert upgrade(url=fresh_sqlite_url)["seeded"] == {}


def test_orders_of_the_previous_schema_are_carried_over(fresh_sqlite_url):
    """A database at 20261123_0003 with an order awaiting callback and a progress note: after the upgrade the order
    waits for callback, has its hop and counters, and the note is on its timeline."""
    from sqlalchemy import text

    upgrade(url=fresh_sqlite_url, revision="20261123_0003", seed=False)
    engine = get_engine(fresh_sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO divisions (code, name, level) VALUES ('140500', '晋城市', 'city'), ('140525', '泽州县', 'county')"))
        connection.execute(text("INSERT INTO departments (code, name, division_code, duties, active) VALUES ('gs', '市供水公司', '140500', '停水', 1)"))
        connection.execute(text(
            "INSERT INTO work_orders (id, number, channel, anonymous, title, content, request_type, division_code, department_code, level, status,"
            " received_at, sign_due_at, sign_yellow_at, reply_started_at, reply_due_at, reply_yellow_at, dispatched_at, accepted_at, replied_at,"
            " updated_at, reply_text, satisfaction, dispatch_count, return_count, extension_count, reopen_count, supervise_count, remind_count,"
            " created_by, version) VALUES (1, 'JC-20231102-000001', 'phone', 1, '停水', '小区停水', 'help', '140525', 'gs', '一般', 'replied',"
            " '2023-11-02 01:00:00', '2023-11-03 15:59:59', '2023-11-03 10:00:00', '2023-11-02 01:00:00', '2023-11-07 15:59:59', '2023-11-06 10:00:00',"
            " '2023-11-02 02:00:00', '2023-11-02 03:00:00', '2023-11-02 08:00:00', '2023-11-02 08:00:00', '已恢复供水', NULL, 1, 0, 0, 0, 0, 0, 'cli', 3)"
        ))
        for seq, (action, status) in enumerate((("create", "received"), ("dispatch", "dispatched"), ("accept", "in_progress"), ("reply", "replied")), 1):
            connection.execute(text(
                "INSERT INTO order_events (order_id, seq, action, from_status, to_status, actor, actor_role, data, occurred_at, recorded_at)"
                " VALUES (1, :seq, :action, NULL, :status, 'cli', 'admin', '{}', :at, :at)"
            ), {"seq": seq, "action": action, "status": status, "at": f"2023-11-02 0{seq}:00:00"})
        connection.execute(text(
            "INSERT INTO order_notes (order_id, note, author, author_role, written_at) VALUES (1, '已派人排查管网', 'gs', 'unit_handler', '2023-11-02 05:00:00')"
        ))
    upgrade(url=fresh_sqlite_url)
    with engine.connect() as connection:
        order = connection.execute(text("SELECT status, event_count, sub_centre_code FROM work_orders WHERE id = 1")).one()
        assert order.status == "awaiting_callback" and order.event_count == 5
        notes = connection.execute(text("SELECT seq, note, to_status FROM order_events WHERE action = 'note'")).all()
        assert [(n.seq, n.note) for n in notes] == [(5, "已派人排查管网")]
        hops = connection.execute(text("SELECT unit_code, signed_at FROM order_hops WHERE order_id = 1")).all()
        assert [h.unit_code for h in hops] == ["gs"] and hops[0].signed_at is not None
        assert "order_notes" not in inspect(connection).get_table_names()
