"""Reports at scale: when each order's facts settle, whether they are in the daily rollup, and that rollup

Revision ID: 20261202_0202
Revises: 20261202_0304
Create Date: 2026-12-01 20:50:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = '20261202_0202'
down_revision = '20261202_0304'
branch_labels = None
depends_on = None

# facts.EVENT_TIMES, as of this revision.
EVENT_TIMES = (
    "received_at", "merged_at", "invalid_at", "direct_answer_at", "transferred_at", "dispatched_at", "sign_ok_at", "sign_late_at",
    "accepted_at", "overdue_at", "first_closed_at", "closed_at", "reopened_at", "open_again_at", "returned_at", "extended_at",
    "repeat_at", "callback_due_at", "first_reached_at", "last_reached_at",
)
MEASURES = (
    "received", "merged", "invalid", "dispatched",
    "direct_answer_rate__n", "direct_answer_rate__d", "response_rate__n", "response_rate__d",
    "on_time_reply_rate__n", "on_time_reply_rate__d", "completion_rate__n", "completion_rate__d",
    "callback_rate__n", "callback_rate__d", "resolution_rate__n", "resolution_rate__d",
    "satisfaction_rate__n", "satisfaction_rate__d", "return_rate__n", "return_rate__d",
    "reopen_rate__n", "reopen_rate__d", "extension_rate__n", "extension_rate__d", "repeat_rate__n",
    "satisfaction_score__s", "satisfaction_score__c", "avg_handling_hours__s", "avg_handling_hours__c",
)


def upgrade() -> None:
    op.create_table('report_daily_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    *[sa.Column(name, sa.BigInteger() if name == "avg_handling_hours__s" else sa.Integer(), nullable=False) for name in MEASURES],
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_daily_figures')),
    sa.UniqueConstraint('dimension', 'day', 'key', name='uq_report_daily_figures_dimension_day_key')
    )
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settled_at', liandong.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rolled', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_index('ix_report_order_facts_received_at')
    # Every existing row settles at its latest fact; nothing is rolled up yet (the worker's next refresh does it).
    if op.get_bind().dialect.name == "postgresql":
        latest = "GREATEST(" + ", ".join(EVENT_TIMES) + ")"
    else:
        latest = "max(" + ", ".join(f"coalesce({name}, received_at)" for name in EVENT_TIMES) + ")"
    op.execute(f"UPDATE report_order_facts SET settled_at = {latest}")
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.create_index('ix_report_order_facts_received_at_settled_at', ['received_at', 'settled_at'], unique=False)
        batch_op.create_index('ix_report_order_facts_unrolled', ['received_at'], unique=False,
                              postgresql_where=sa.text('NOT rolled'), sqlite_where=sa.text('NOT rolled'))


def downgrade() -> None:
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_report_order_facts_unrolled', postgresql_where=sa.text('NOT rolled'), sqlite_where=sa.text('NOT rolled'))
        batch_op.drop_index('ix_report_order_facts_received_at_settled_at')
        batch_op.create_index('ix_report_order_facts_received_at', ['received_at'], unique=False)
        batch_op.drop_column('rolled')
        batch_op.drop_column('settled_at')
    op.drop_table('report_daily_figures')
