"""Grid-worker ledger rows (their identity, so a file imported twice adds nothing) and the handling day on orders

Revision ID: grid_0001
Revises: notify_0001
Create Date: 2026-12-01 23:52:02.096138
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = 'grid_0001'
down_revision = 'notify_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('grid_ledger_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('row_key', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('patrol_date', sa.Date(), nullable=False),
    sa.Column('grid', sa.String(length=64), nullable=False),
    sa.Column('place', sa.String(length=255), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('resident_request', sa.Text(), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('worker', sa.String(length=32), nullable=False),
    sa.Column('on_spot', sa.Boolean(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('town_code', sa.String(length=12), nullable=True),
    sa.Column('source_file', sa.String(length=255), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('imported_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['work_orders.id'], name=op.f('fk_grid_ledger_items_order_id_work_orders')),
    sa.ForeignKeyConstraint(['town_code'], ['divisions.code'], name=op.f('fk_grid_ledger_items_town_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid_ledger_items')),
    sa.UniqueConstraint('order_id', name=op.f('uq_grid_ledger_items_order_id')),
    sa.UniqueConstraint('row_key', name=op.f('uq_grid_ledger_items_row_key'))
    )
    with op.batch_alter_table('grid_ledger_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grid_ledger_items_grid'), ['grid'], unique=False)
        batch_op.create_index(batch_op.f('ix_grid_ledger_items_patrol_date'), ['patrol_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_grid_ledger_items_town_code'), ['town_code'], unique=False)

    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handle_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_work_orders_handle_on'), ['handle_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_orders_handle_on'))
        batch_op.drop_column('handle_on')

    with op.batch_alter_table('grid_ledger_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grid_ledger_items_town_code'))
        batch_op.drop_index(batch_op.f('ix_grid_ledger_items_patrol_date'))
        batch_op.drop_index(batch_op.f('ix_grid_ledger_items_grid'))

    op.drop_table('grid_ledger_items')
