"""The dashboard's live counts: a partial index of open orders with the clocks they compare

Revision ID: 20261202_0203
Revises: 20261202_0202
Create Date: 2026-12-01 21:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '20261202_0203'
down_revision = '20261202_0202'
branch_labels = None
depends_on = None

# lifecycle.OPEN_STATUSES as of this revision, as report.models.OPEN_ORDERS states them.
OPEN = sa.text("status IN ('at_sub_centre', 'awaiting_callback', 'dispatched', 'extension_requested', 'in_progress', 'objected', "
               "'received', 'replied', 'returned')")


def upgrade() -> None:
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.create_index('ix_work_orders_open_clocks', ['status', 'reply_due_at', 'sign_due_at', 'reply_yellow_at', 'sign_yellow_at'],
                              unique=False, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_work_orders_open_clocks', postgresql_where=OPEN, sqlite_where=OPEN)
