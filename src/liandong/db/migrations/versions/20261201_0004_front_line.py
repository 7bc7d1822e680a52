"""Front-line dispatch: the unit tree, the dispatch chain, assisting units, reviewed replies, callbacks; notes on the timeline

Revision ID: 20261201_0004
Revises: 20261123_0003
Create Date: 2026-12-01 18:00:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = "20261201_0004"
down_revision = "20261123_0003"
branch_labels = None
depends_on = None

UTC = liandong.db.UTCDateTime(timezone=True)
_UTILITIES = ("gs", "gd", "rq", "rl")
# City units whose duty stays with the city when the county is known (the rest are handled locally, 属地管理).
_CITY_ROUTED = ("gs", "gd", "rq", "rl", "sw", "gjj", "yzj", "xfzd", "dsj", "fgw", "swj")


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("level", sa.String(length=16), nullable=False, server_default="city"))
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="bureau"))
        batch.add_column(sa.Column("counterpart_code", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("routing", sa.String(length=16), nullable=True))
        batch.create_foreign_key(op.f("fk_departments_counterpart_code_departments"), "departments", ["counterpart_code"], ["code"])
        batch.create_index(op.f("ix_departments_parent_code"), ["parent_code"], unique=False)
    departments = sa.table("departments", sa.column("code"), sa.column("kind"), sa.column("routing"), sa.column("active"))
    bind.execute(departments.update().where(departments.c.code.in_(_UTILITIES)).values(kind="enterprise"))
    bind.execute(departments.update().where(departments.c.code == "sd").values(kind="placeholder", active=False))
    bind.execute(departments.update().where(departments.c.code.in_(_CITY_ROUTED)).values(routing="city"))
    bind.execute(departments.update().where(departments.c.routing.is_(None), departments.c.kind == "bureau").values(routing="county"))

    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("reply_wanted", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("town_code", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("sender_code", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("sub_centre_code", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("satisfaction_score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("resolved", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("callback_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("first_callback_at", UTC, nullable=True))
        batch.add_column(sa.Column("close_reason", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("objection", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("objection_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("append_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("event_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_action_at", UTC, nullable=True))
        batch.create_foreign_key(op.f("fk_work_orders_town_code_divisions"), "divisions", ["town_code"], ["code"])
        batch.create_foreign_key(op.f("fk_work_orders_sender_code_departments"), "departments", ["sender_code"], ["code"])
        batch.create_foreign_key(op.f("fk_work_orders_sub_centre_code_departments"), "departments", ["sub_centre_code"], ["code"])
        batch.create_index("ix_work_orders_sub_centre_code_status", ["sub_centre_code", "status"], unique=False)

    # Old satisfied/unsatisfied become 满意 (4) / 不满意 (2) on the five-level scale; old "replied" orders wait for callback.
    bind.execute(sa.text("UPDATE work_orders SET satisfaction_score = 4, resolved = :yes WHERE satisfaction = 'satisfied'"), {"yes": True})
    bind.execute(sa.text("UPDATE work_orders SET satisfaction_score = 2, resolved = :no WHERE satisfaction = 'unsatisfied'"), {"no": False})
    bind.execute(sa.text("UPDATE work_orders SET status = 'awaiting_callback' WHERE status = 'replied'"))
    bind.execute(sa.text("UPDATE work_orders SET close_reason = CASE WHEN satisfaction = 'satisfied' THEN 'satisfied' ELSE 'manual' END WHERE status = 'closed'"))
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_column("satisfaction")
        batch.alter_column("satisfaction_score", new_column_name="satisfaction", existing_type=sa.Integer(), existing_nullable=True)

    with op.batch_alter_table("order_assists") as batch:
        batch.add_column(sa.Column("assigned_at", UTC, nullable=True))
        batch.add_column(sa.Column("assigned_by", sa.String(length=64), nullable=True))
        batch.create_index(op.f("ix_order_assists_department_code"), ["department_code"], unique=False)

    with op.batch_alter_table("order_attachments") as batch:
        batch.add_column(sa.Column("purpose", sa.String(length=16), nullable=True))

    op.create_table(
        "order_hops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sender_code", sa.String(length=32), nullable=True),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("dispatched_at", UTC, nullable=False),
        sa.Column("dispatched_by", sa.String(length=64), nullable=False),
        sa.Column("sign_due_at", UTC, nullable=False),
        sa.Column("sign_yellow_at", UTC, nullable=False),
        sa.Column("signed_at", UTC, nullable=True),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["work_orders.id"], name=op.f("fk_order_hops_order_id_work_orders")),
        sa.ForeignKeyConstraint(["sender_code"], ["departments.code"], name=op.f("fk_order_hops_sender_code_departments")),
        sa.ForeignKeyConstraint(["unit_code"], ["departments.code"], name=op.f("fk_order_hops_unit_code_departments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_hops")),
        sa.UniqueConstraint("order_id", "seq", name="uq_order_hops_order_id_seq"),
    )
    op.create_index(op.f("ix_order_hops_order_id"), "order_hops", ["order_id"], unique=False)
    op.create_index(op.f("ix_order_hops_unit_code"), "order_hops", ["unit_code"], unique=False)
    op.create_table(
        "order_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("handler_name", sa.String(length=64), nullable=False),
        sa.Column("handler_phone", sa.String(length=20), nullable=False),
        sa.Column("contacted", sa.Boolean(), nullable=False),
        sa.Column("contacted_at", UTC, nullable=True),
        sa.Column("submitted_at", UTC, nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("review", sa.String(length=16), nullable=False),
        sa.Column("reviewed_at", UTC, nullable=True),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["work_orders.id"], name=op.f("fk_order_replies_order_id_work_orders")),
        sa.ForeignKeyConstraint(["department_code"], ["departments.code"], name=op.f("fk_order_replies_department_code_departments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_replies")),
        sa.UniqueConstraint("order_id", "seq", name="uq_order_replies_order_id_seq"),
    )
    op.create_index(op.f("ix_order_replies_order_id"), "order_replies", ["order_id"], unique=False)
    op.create_table(
        "order_callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("called_at", UTC, nullable=False),
        sa.Column("called_by", sa.String(length=64), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["work_orders.id"], name=op.f("fk_order_callbacks_order_id_work_orders")),
        sa.ForeignKeyConstraint(["department_code"], ["departments.code"], name=op.f("fk_order_callbacks_department_code_departments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_callbacks")),
    )
    op.create_index(op.f("ix_order_callbacks_order_id"), "order_callbacks", ["order_id"], unique=False)

    _backfill(bind)
    op.drop_index(op.f("ix_order_notes_order_id"), table_name="order_notes")
    op.drop_table("order_notes")


def _backfill(bind) -> None:
    """Counters the new code keeps, a hop for every order already with a unit, and progress notes onto the timeline."""
    events = sa.table(
        "order_events", sa.column("order_id"), sa.column("seq"), sa.column("action"), sa.column("from_status"), sa.column("to_status"),
        sa.column("actor"), sa.column("actor_role"), sa.column("note"), sa.column("data", sa.JSON()), sa.column("occurred_at", UTC), sa.column("recorded_at", UTC),
    )
    latest = {
        row.order_id: (row.seq, row.at)
        for row in bind.execute(sa.select(events.c.order_id, sa.func.max(events.c.seq).label("seq"), sa.func.max(events.c.occurred_at).label("at")).group_by(events.c.order_id))
    }
    orders = sa.table(
        "work_orders", sa.column("id"), sa.column("status"), sa.column("event_count"), sa.column("last_action_at", UTC), sa.column("department_code"),
        sa.column("dispatched_at", UTC), sa.column("accepted_at", UTC), sa.column("sign_due_at", UTC), sa.column("sign_yellow_at", UTC),
    )
    note_table = sa.table(
        "order_notes", sa.column("id"), sa.column("order_id"), sa.column("note"), sa.column("author"), sa.column("author_role"), sa.column("written_at", UTC)
    )
    status_of = {row.id: row.status for row in bind.execute(sa.select(orders.c.id, orders.c.status))}
    for row in bind.execute(sa.select(note_table).order_by(note_table.c.order_id, note_table.c.id)).fetchall():
        seq, last = latest.get(row.order_id, (0, row.written_at))
        status = status_of[row.order_id]
        bind.execute(
            events.insert().values(
                order_id=row.order_id, seq=seq + 1, action="note", from_status=status, to_status=status, actor=row.author,
                actor_role=row.author_role, note=row.note, data={"migrated_from": "order_notes"}, occurred_at=row.written_at, recorded_at=row.written_at,
            )
        )
        latest[row.order_id] = (seq + 1, max(last, row.written_at))
    for order_id, (seq, at) in latest.items():
        bind.execute(orders.update().where(orders.c.id == order_id).values(event_count=seq, last_action_at=at))
    hops = sa.table(
        "order_hops", sa.column("order_id"), sa.column("seq"), sa.column("unit_code"), sa.column("dispatched_at", UTC), sa.column("dispatched_by"),
        sa.column("sign_due_at", UTC), sa.column("sign_yellow_at", UTC), sa.column("signed_at", UTC),
    )
    with_unit = bind.execute(
        sa.select(orders).where(orders.c.department_code.is_not(None), orders.c.dispatched_at.is_not(None))
    ).fetchall()
    for row in with_unit:
        bind.execute(
            hops.insert().values(
                order_id=row.id, seq=1, unit_code=row.department_code, dispatched_at=row.dispatched_at, dispatched_by="migration",
                sign_due_at=row.sign_due_at, sign_yellow_at=row.sign_yellow_at, signed_at=row.accepted_at,
            )
        )


def downgrade() -> None:
    op.create_table(
        "order_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("author_role", sa.String(length=32), nullable=False),
        sa.Column("written_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["work_orders.id"], name=op.f("fk_order_notes_order_id_work_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_notes")),
    )
    op.create_index(op.f("ix_order_notes_order_id"), "order_notes", ["order_id"], unique=False)
    op.drop_index(op.f("ix_order_callbacks_order_id"), table_name="order_callbacks")
    op.drop_table("order_callbacks")
    op.drop_index(op.f("ix_order_replies_order_id"), table_name="order_replies")
    op.drop_table("order_replies")
    op.drop_index(op.f("ix_order_hops_unit_code"), table_name="order_hops")
    op.drop_index(op.f("ix_order_hops_order_id"), table_name="order_hops")
    op.drop_table("order_hops")
    with op.batch_alter_table("order_attachments") as batch:
        batch.drop_column("purpose")
    with op.batch_alter_table("order_assists") as batch:
        batch.drop_index(op.f("ix_order_assists_department_code"))
        batch.drop_column("assigned_by")
        batch.drop_column("assigned_at")
    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(sa.Column("satisfaction_label", sa.String(length=16), nullable=True))
    op.execute("UPDATE work_orders SET satisfaction_label = CASE WHEN satisfaction >= 3 THEN 'satisfied' WHEN satisfaction IS NOT NULL THEN 'unsatisfied' END")
    op.execute("UPDATE work_orders SET status = 'replied' WHERE status IN ('awaiting_callback', 'replied')")
    op.execute("UPDATE work_orders SET status = 'dispatched' WHERE status IN ('at_sub_centre', 'objected')")
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_index("ix_work_orders_sub_centre_code_status")
        batch.drop_constraint(op.f("fk_work_orders_sub_centre_code_departments"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_work_orders_sender_code_departments"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_work_orders_town_code_divisions"), type_="foreignkey")
        for name in (
            "last_action_at", "event_count", "append_count", "objection_count", "objection", "close_reason", "first_callback_at",
            "callback_attempts", "resolved", "satisfaction", "sub_centre_code", "sender_code", "town_code", "reply_wanted", "confidential",
        ):
            batch.drop_column(name)
        batch.alter_column("satisfaction_label", new_column_name="satisfaction", existing_type=sa.String(length=16), existing_nullable=True)
    with op.batch_alter_table("departments") as batch:
        batch.drop_index(op.f("ix_departments_parent_code"))
        batch.drop_constraint(op.f("fk_departments_counterpart_code_departments"), type_="foreignkey")
        batch.drop_column("routing")
        batch.drop_column("counterpart_code")
        batch.drop_column("kind")
        batch.drop_column("level")
