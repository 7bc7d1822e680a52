"""Nuisance caller flags (恶意骚扰) with their evidence

Revision ID: 20261202_0304
Revises: 20261202_0303
Create Date: 2026-12-01 21:45:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = '20261202_0304'
down_revision = '20261202_0303'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('nuisance_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('caller_phone', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('order_ids', sa.JSON(), nullable=False),
    sa.Column('flagged_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by', sa.String(length=80), nullable=True),
    sa.Column('reviewed_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nuisance_flags'))
    )
    with op.batch_alter_table('nuisance_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nuisance_flags_caller_phone'), ['caller_phone'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('nuisance_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nuisance_flags_caller_phone'))
    op.drop_table('nuisance_flags')
