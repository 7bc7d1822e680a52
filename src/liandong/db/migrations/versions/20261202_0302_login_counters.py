"""Log-in attempt counters shared by every server process

Revision ID: 20261202_0302
Revises: 20261202_0301
Create Date: 2026-12-01 20:55:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = '20261202_0302'
down_revision = '20261202_0301'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_counters',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('window_start', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_allowed_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_counters'))
    )


def downgrade() -> None:
    op.drop_table('login_counters')
