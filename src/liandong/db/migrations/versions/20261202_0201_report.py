"""Reports: the per-order fact rollup, period snapshots, hotspots, 110 incidents and the refresh watermark

Revision ID: 20261202_0201
Revises: 20261201_0006
Create Date: 2026-12-01 17:12:31.858479
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = '20261202_0201'
down_revision = '20261201_0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_hotspots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_key', sa.String(length=48), nullable=False),
    sa.Column('topic', sa.String(length=128), nullable=False),
    sa.Column('place_key', sa.String(length=64), nullable=False),
    sa.Column('place', sa.String(length=128), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=True),
    sa.Column('town_code', sa.String(length=12), nullable=True),
    sa.Column('order_ids', sa.JSON(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('first_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('expected', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('detected_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('handled_by', sa.String(length=64), nullable=True),
    sa.Column('handled_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_hotspots'))
    )
    with op.batch_alter_table('report_hotspots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_hotspots_first_at'), ['first_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_hotspots_status'), ['status'], unique=False)
        batch_op.create_index('ix_report_hotspots_topic_key_place_key', ['topic_key', 'place_key'], unique=False)

    op.create_table('report_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('as_of', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('definitions_version', sa.String(length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=128), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('created_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshots')),
    sa.UniqueConstraint('period', 'revision', name='uq_report_snapshots_period_revision')
    )
    with op.batch_alter_table('report_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_snapshots_period'), ['period'], unique=False)

    op.create_table('report_state',
    sa.Column('key', sa.String(length=48), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('updated_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_report_state'))
    )
    op.create_table('police_incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('occurred_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=255), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('town_code', sa.String(length=12), nullable=True),
    sa.Column('incident_type', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('topic_key', sa.String(length=48), nullable=True),
    sa.Column('place_key', sa.String(length=64), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('imported_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_police_incidents_division_code_divisions')),
    sa.ForeignKeyConstraint(['town_code'], ['divisions.code'], name=op.f('fk_police_incidents_town_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_incidents')),
    sa.UniqueConstraint('external_id', name=op.f('uq_police_incidents_external_id'))
    )
    with op.batch_alter_table('police_incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_incidents_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_incidents_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_incidents_place_key'), ['place_key'], unique=False)

    op.create_table('report_order_facts',
    sa.Column('order_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('received_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('request_type', sa.String(length=16), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('town_code', sa.String(length=12), nullable=True),
    sa.Column('category_code', sa.String(length=16), nullable=True),
    sa.Column('unit_code', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('reply_due_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('merged_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('invalid_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('direct_answer_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('transferred_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dispatched_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sign_ok_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sign_late_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_on_time', sa.Boolean(), nullable=True),
    sa.Column('overdue_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handling_hours', sa.Float(), nullable=True),
    sa.Column('first_closed_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reopened_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('open_again_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('returned_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('extended_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('repeat_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('callback_due_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_reached_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_satisfaction', sa.Integer(), nullable=True),
    sa.Column('first_resolved', sa.Boolean(), nullable=True),
    sa.Column('last_reached_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_satisfaction', sa.Integer(), nullable=True),
    sa.Column('last_resolved', sa.Boolean(), nullable=True),
    sa.Column('topic_key', sa.String(length=48), nullable=True),
    sa.Column('place_key', sa.String(length=64), nullable=True),
    sa.Column('caller_key', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['work_orders.id'], name=op.f('fk_report_order_facts_order_id_work_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_report_order_facts'))
    )
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.create_index('ix_report_order_facts_received_at', ['received_at'], unique=False)
        batch_op.create_index('ix_report_order_facts_topic_key_place_key_received_at', ['topic_key', 'place_key', 'received_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('report_order_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_report_order_facts_topic_key_place_key_received_at')
        batch_op.drop_index('ix_report_order_facts_received_at')

    op.drop_table('report_order_facts')
    with op.batch_alter_table('police_incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_police_incidents_place_key'))
        batch_op.drop_index(batch_op.f('ix_police_incidents_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_police_incidents_division_code'))

    op.drop_table('police_incidents')
    op.drop_table('report_state')
    with op.batch_alter_table('report_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_snapshots_period'))

    op.drop_table('report_snapshots')
    with op.batch_alter_table('report_hotspots', schema=None) as batch_op:
        batch_op.drop_index('ix_report_hotspots_topic_key_place_key')
        batch_op.drop_index(batch_op.f('ix_report_hotspots_status'))
        batch_op.drop_index(batch_op.f('ix_report_hotspots_first_at'))

    op.drop_table('report_hotspots')
