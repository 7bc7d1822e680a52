"""Knowledge base: ingested sources, documents and passages; 一问一答 items with their timeline

Revision ID: 20261123_0002
Revises: 20261123_0001
Create Date: 2026-11-23 20:29:18.491413
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = '20261123_0002'
down_revision = '20261123_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kb_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('path', sa.String(length=1024), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('ingested_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_sources')),
    sa.UniqueConstraint('sha256', name=op.f('uq_kb_sources_sha256'))
    )
    with op.batch_alter_table('kb_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_sources_path'), ['path'], unique=False)

    op.create_table('kb_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('doc_number', sa.String(length=64), nullable=True),
    sa.Column('issuer', sa.String(length=128), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('publication', sa.String(length=32), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('byline', sa.String(length=255), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('first_line', sa.Integer(), nullable=False),
    sa.Column('last_line', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['kb_sources.id'], name=op.f('fk_kb_documents_source_id_kb_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_documents')),
    sa.UniqueConstraint('source_id', 'seq', name='uq_kb_documents_source_id_seq')
    )
    with op.batch_alter_table('kb_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_documents_doc_number'), ['doc_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_kb_documents_issued_on'), ['issued_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_kb_documents_source_id'), ['source_id'], unique=False)

    op.create_table('kb_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=500), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('mined_count', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', liandong.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_kb_items_department_code_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_items'))
    )
    with op.batch_alter_table('kb_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_items_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_kb_items_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_kb_items_updated_at'), ['updated_at'], unique=False)

    op.create_table('kb_passages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start_offset', sa.Integer(), nullable=False),
    sa.Column('end_offset', sa.Integer(), nullable=False),
    sa.Column('first_line', sa.Integer(), nullable=False),
    sa.Column('last_line', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['kb_documents.id'], name=op.f('fk_kb_passages_document_id_kb_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_passages'))
    )
    with op.batch_alter_table('kb_passages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_passages_document_id'), ['document_id'], unique=False)

    op.create_table('kb_item_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('at', liandong.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['kb_items.id'], name=op.f('fk_kb_item_events_item_id_kb_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_item_events'))
    )
    with op.batch_alter_table('kb_item_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_item_events_item_id'), ['item_id'], unique=False)

    op.create_table('kb_item_passages',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('passage_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['kb_items.id'], name=op.f('fk_kb_item_passages_item_id_kb_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['passage_id'], ['kb_passages.id'], name=op.f('fk_kb_item_passages_passage_id_kb_passages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'passage_id', name=op.f('pk_kb_item_passages'))
    )


def downgrade() -> None:
    op.drop_table('kb_item_passages')
    with op.batch_alter_table('kb_item_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_item_events_item_id'))

    op.drop_table('kb_item_events')
    with op.batch_alter_table('kb_passages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_passages_document_id'))

    op.drop_table('kb_passages')
    with op.batch_alter_table('kb_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_items_updated_at'))
        batch_op.drop_index(batch_op.f('ix_kb_items_status'))
        batch_op.drop_index(batch_op.f('ix_kb_items_department_code'))

    op.drop_table('kb_items')
    with op.batch_alter_table('kb_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_documents_source_id'))
        batch_op.drop_index(batch_op.f('ix_kb_documents_issued_on'))
        batch_op.drop_index(batch_op.f('ix_kb_documents_doc_number'))

    op.drop_table('kb_documents')
    with op.batch_alter_table('kb_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kb_sources_path'))

    op.drop_table('kb_sources')
