"""Reports: a citizen's withdrawal (撤回) is its own outcome — a fact time on each order and a daily count —
and no longer counts as a valid, completed order

Revision ID: report_withdrawn_01
Revises: security_0902
Create Date: 2026-12-02 08:00:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = 'report_withdrawn_01'
down_revision = 'security_0902'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', liandong.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('report_daily_figures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn', sa.Integer(), server_default='0', nullable=False))
    # The facts of withdrawn orders are derived again by the next refresh: the watermark goes back to just before
    # the first withdrawal, and re-deriving takes out of the rollup exactly what the old row added (its withdrawn_at
    # is still empty, so the old definitions apply to it), then the new row waits for the next roll.
    op.execute(
        "UPDATE report_state SET value = (SELECT min(id) - 1 FROM order_events WHERE action = 'withdraw') "
        "WHERE key = 'facts.event_id' AND value >= (SELECT min(id) FROM order_events WHERE action = 'withdraw')"
    )


def downgrade() -> None:
    with op.batch_alter_table('report_daily_figures', schema=None) as batch_op:
        batch_op.drop_column('withdrawn')
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
