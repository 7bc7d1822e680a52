"""The recurring problems read one covering index of the fact table

Revision ID: 20261202_0204
Revises: 20261202_0203
Create Date: 2026-12-01 21:35:00
"""

from alembic import op

revision = '20261202_0204'
down_revision = '20261202_0203'
branch_labels = None
depends_on = None

COLUMNS = ['received_at', 'topic_key', 'place_key', 'caller_key', 'merged_at', 'invalid_at', 'repeat_at', 'reopened_at',
           'first_reached_at', 'last_reached_at', 'first_satisfaction', 'last_satisfaction', 'order_id']


def upgrade() -> None:
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.create_index('ix_report_order_facts_problems', COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_report_order_facts_problems')
