"""Open311 GeoReport v2: the partner's point and media link per order, and its updates

Revision ID: open311_0001
Revises: 20261202_0204
Create Date: 2026-12-02 00:00:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = 'open311_0001'
down_revision = '20261202_0204'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('open311_requests',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('media_url', sa.String(length=500), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('created_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['work_orders.id'], name=op.f('fk_open311_requests_order_id_work_orders')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_open311_requests'))
    )
    with op.batch_alter_table('open311_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open311_requests_client'), ['client'], unique=False)
    op.create_table('open311_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('update_ref', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('client_updated_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['order_events.id'], name=op.f('fk_open311_updates_event_id_order_events')),
    sa.ForeignKeyConstraint(['order_id'], ['work_orders.id'], name=op.f('fk_open311_updates_order_id_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_updates')),
    sa.UniqueConstraint('client', 'update_ref', name='uq_open311_updates_client_update_ref')
    )
    with op.batch_alter_table('open311_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open311_updates_order_id'), ['order_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('open311_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open311_updates_order_id'))
    op.drop_table('open311_updates')
    with op.batch_alter_table('open311_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open311_requests_client'))
    op.drop_table('open311_requests')
