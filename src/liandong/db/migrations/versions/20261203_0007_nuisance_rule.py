"""Nuisance handling rule: a confirmation's time limit, the calls it handled since, and lifting on appeal

Revision ID: security_0902
Revises: security_0901
Create Date: 2026-12-02 00:10:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = 'security_0902'
down_revision = 'security_0901'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('nuisance_flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', liandong.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('later_order_ids', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('lifted_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('lifted_at', liandong.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('lift_note', sa.String(length=500), nullable=True))
    # Confirmations made before the rule existed get the default time limit from their review.
    op.execute("UPDATE nuisance_flags SET later_order_ids = '[]'")
    flags = sa.table('nuisance_flags', sa.column('id', sa.Integer), sa.column('reviewed_at', liandong.db.UTCDateTime()),
                     sa.column('status', sa.String), sa.column('expires_at', liandong.db.UTCDateTime()))
    connection = op.get_bind()
    from datetime import timedelta

    for row in connection.execute(sa.select(flags.c.id, flags.c.reviewed_at).where(flags.c.status == 'confirmed')).all():
        if row.reviewed_at is not None:
            connection.execute(flags.update().where(flags.c.id == row.id).values(expires_at=row.reviewed_at + timedelta(days=90)))
    with op.batch_alter_table('nuisance_flags', schema=None) as batch_op:
        batch_op.alter_column('later_order_ids', existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('nuisance_flags', schema=None) as batch_op:
        batch_op.drop_column('lift_note')
        batch_op.drop_column('lifted_at')
        batch_op.drop_column('lifted_by')
        batch_op.drop_column('later_order_ids')
        batch_op.drop_column('expires_at')
