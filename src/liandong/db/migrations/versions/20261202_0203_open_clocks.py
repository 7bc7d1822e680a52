"""The dashboard's live counts: a partial index of open orders with the clocks they compare; the unrolled facts by
settled_at too (the roll's own read)

Revision ID: 20261202_0203
Revises: 20261202_0202
Create Date: 2026-12-01 21:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '20261202_0203'
down_revision = '20261202_0202'
branch_labels = None
depends_on = None

# lifecycle.OPEN_STATUSES as of this revision, as report.models.OPEN_ORDERS states them.
OPEN = sa.text("status IN ('at_sub_centre', 'awaiting_callback', 'dispatched', 'extension_requested', 'in_progress', 'objected', "
               "'received', 'replied', 'returned')")


UNROLLED = sa.text('NOT rolled')


def upgrade() -> None:
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_report_order_facts_unrolled', postgresql_where=UNROLLED, sqlite_where=UNROLLED)
        batch_op.create_index('ix_report_order_facts_unrolled', ['received_at', 'settled_at'], unique=False,
                              postgresql_where=UNROLLED, sqlite_where=UNROLLED)
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.create_index('ix_work_orders_open_clocks', ['status', 'reply_due_at', 'sign_due_at', 'reply_yellow_at', 'sign_yellow_at'],
                              unique=False, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_work_orders_open_clocks', postgresql_where=OPEN, sqlite_where=OPEN)
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_report_order_facts_unrolled', postgresql_where=UNROLLED, sqlite_where=UNROLLED)
        batch_op.create_index('ix_report_order_facts_unrolled', ['received_at'], unique=False, postgresql_where=UNROLLED, sqlite_where=UNROLLED)
