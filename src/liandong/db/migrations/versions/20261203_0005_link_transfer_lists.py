"""Peers' published transfer lists (分流转办清单), one row per peer and version

Revision ID: linkage_20261203_01
Revises: grid_0001
Create Date: 2026-12-02 00:05:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = 'linkage_20261203_01'
down_revision = 'grid_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'link_transfer_lists',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('peer_name', sa.String(length=64), nullable=False),
        sa.Column('version', sa.String(length=32), nullable=False),
        sa.Column('published_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('received_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_link_transfer_lists')),
        sa.UniqueConstraint('peer_name', 'version', name='uq_link_transfer_lists_peer_version'),
    )
    with op.batch_alter_table('link_transfer_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_transfer_lists_peer_name'), ['peer_name'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('link_transfer_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_transfer_lists_peer_name'))
    op.drop_table('link_transfer_lists')
