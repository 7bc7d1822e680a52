"""Citizens' self-service tickets: tracking codes and channel gateways' request ids

Revision ID: citizen_0001
Revises: open311_0001
Create Date: 2026-12-01 23:50:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = 'citizen_0001'
down_revision = 'open311_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('citizen_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('tracking_code', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('request_digest', sa.String(length=64), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('created_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['work_orders.id'], name=op.f('fk_citizen_tickets_order_id_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_tickets')),
    sa.UniqueConstraint('order_id', name=op.f('uq_citizen_tickets_order_id')),
    sa.UniqueConstraint('source', 'request_id', name='uq_citizen_tickets_source_request_id'),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_citizen_tickets_tracking_code'))
    )


def downgrade() -> None:
    op.drop_table('citizen_tickets')
