"""Catalogue, accounts, work orders with their append-only timeline, and the outbox

Revision ID: 20261123_0001
Revises:
Create Date: 2026-11-23 20:23:26.991472
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = '20261123_0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_overrides',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_overrides'))
    )
    op.create_table('catalog_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_catalog_settings'))
    )
    op.create_table('categories',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('parent_code', sa.String(length=16), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['categories.code'], name=op.f('fk_categories_parent_code_categories')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_categories'))
    )
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_categories_parent_code'), ['parent_code'], unique=False)

    op.create_table('divisions',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['divisions.code'], name=op.f('fk_divisions_parent_code_divisions')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_divisions'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_topic'), ['topic'], unique=False)

    op.create_table('departments',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('parent_code', sa.String(length=32), nullable=True),
    sa.Column('duties', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_departments_division_code_divisions')),
    sa.ForeignKeyConstraint(['parent_code'], ['departments.code'], name=op.f('fk_departments_parent_code_departments')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_departments'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_users_department_code_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('work_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('caller_name', sa.String(length=64), nullable=True),
    sa.Column('caller_phone', sa.String(length=20), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('request_type', sa.String(length=16), nullable=False),
    sa.Column('category_code', sa.String(length=16), nullable=True),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('received_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sign_due_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sign_yellow_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reply_started_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reply_due_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reply_yellow_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('replied_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reply_text', sa.Text(), nullable=True),
    sa.Column('satisfaction', sa.String(length=16), nullable=True),
    sa.Column('pending_extension_days', sa.Integer(), nullable=True),
    sa.Column('dispatch_count', sa.Integer(), nullable=False),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('extension_count', sa.Integer(), nullable=False),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('supervise_count', sa.Integer(), nullable=False),
    sa.Column('remind_count', sa.Integer(), nullable=False),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('transferred_from', sa.String(length=64), nullable=True),
    sa.Column('triage', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_work_orders_category_code_categories')),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_work_orders_department_code_departments')),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_work_orders_division_code_divisions')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['work_orders.id'], name=op.f('fk_work_orders_duplicate_of_id_work_orders')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['work_orders.id'], name=op.f('fk_work_orders_merged_into_id_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_work_orders_number'))
    )
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_orders_caller_phone'), ['caller_phone'], unique=False)
        batch_op.create_index('ix_work_orders_department_code_status', ['department_code', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_orders_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_orders_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_orders_request_type'), ['request_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_orders_status'), ['status'], unique=False)
        batch_op.create_index('ix_work_orders_status_reply_due_at', ['status', 'reply_due_at'], unique=False)

    op.create_table('order_assists',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_order_assists_department_code_departments')),
    sa.ForeignKeyConstraint(['order_id'], ['work_orders.id'], name=op.f('fk_order_assists_order_id_work_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', 'department_code', name=op.f('pk_order_assists'))
    )
    op.create_table('order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=24), nullable=True),
    sa.Column('to_status', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('actor_role', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('occurred_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['work_orders.id'], name=op.f('fk_order_events_order_id_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_events')),
    sa.UniqueConstraint('order_id', 'seq', name='uq_order_events_order_id_seq')
    )
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_events_order_id'), ['order_id'], unique=False)
    _create_append_only_guard()


APPEND_ONLY_MESSAGE = "order_events is append-only"


def _create_append_only_guard() -> None:
    """The timeline is evidence: refuse UPDATE and DELETE in the database itself, not only in the ORM."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION order_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER order_events_no_update BEFORE UPDATE OR DELETE ON order_events "
            "FOR EACH ROW EXECUTE FUNCTION order_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER order_events_no_{verb.lower()} BEFORE {verb} ON order_events "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def _drop_append_only_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS order_events_no_update ON order_events")
        op.execute("DROP FUNCTION IF EXISTS order_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS order_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS order_events_no_delete")


def downgrade() -> None:
    _drop_append_only_guard()
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_events_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_events_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_order_events_action'))

    op.drop_table('order_events')
    op.drop_table('order_assists')
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_work_orders_status_reply_due_at')
        batch_op.drop_index(batch_op.f('ix_work_orders_status'))
        batch_op.drop_index(batch_op.f('ix_work_orders_request_type'))
        batch_op.drop_index(batch_op.f('ix_work_orders_received_at'))
        batch_op.drop_index(batch_op.f('ix_work_orders_division_code'))
        batch_op.drop_index('ix_work_orders_department_code_status')
        batch_op.drop_index(batch_op.f('ix_work_orders_caller_phone'))

    op.drop_table('work_orders')
    op.drop_table('users')
    op.drop_table('departments')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_topic'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_published_at'))

    op.drop_table('outbox_messages')
    op.drop_table('divisions')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_categories_parent_code'))

    op.drop_table('categories')
    op.drop_table('catalog_settings')
    op.drop_table('calendar_overrides')
