"""Server-side log-in sessions and per-system API tokens (hashed at rest)

Revision ID: 20261202_0301
Revises: 20261202_0101
Create Date: 2026-12-01 20:40:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = '20261202_0301'
down_revision = '20261202_0101'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=32), nullable=True),
    sa.Column('client', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('created_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_api_tokens_department_code_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('name', name=op.f('uq_api_tokens_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )


def downgrade() -> None:
    op.drop_table('api_tokens')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
