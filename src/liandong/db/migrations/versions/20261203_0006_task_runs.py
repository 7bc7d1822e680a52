"""Scheduled task runs: last run and next due time of each task, for the worker-lag metrics

Revision ID: security_0901
Revises: linkage_20261203_01
Create Date: 2026-12-02 00:00:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = 'security_0901'
down_revision = 'linkage_20261203_01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('task_runs',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('due_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_started_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_finished_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_ok', sa.Boolean(), nullable=True),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_task_runs'))
    )


def downgrade() -> None:
    op.drop_table('task_runs')
