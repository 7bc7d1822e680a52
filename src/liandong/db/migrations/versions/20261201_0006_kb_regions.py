"""Knowledge base: the city or province each document comes from (region_code, region_name)

Revision ID: 20261201_0006
Revises: 20261201_0005
Create Date: 2026-12-01 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "20261201_0006"
down_revision = "20261201_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_code", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("region_name", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_kb_documents_region_code"), ["region_code"], unique=False)
    _backfill()


def _backfill() -> None:
    """Documents ingested before this revision get their region the way ingest detects it now."""
    from liandong.knowledge.region import detect_sources

    connection = op.get_bind()
    documents = sa.table(
        "kb_documents",
        sa.column("id", sa.Integer),
        sa.column("source_id", sa.Integer),
        sa.column("seq", sa.Integer),
        sa.column("title", sa.String),
        sa.column("issuer", sa.String),
        sa.column("doc_number", sa.String),
        sa.column("text", sa.Text),
        sa.column("region_code", sa.String),
        sa.column("region_name", sa.String),
    )
    rows = connection.execute(
        sa.select(documents.c.id, documents.c.source_id, documents.c.title, documents.c.issuer, documents.c.doc_number, documents.c.text)
        .order_by(documents.c.source_id, documents.c.seq)
    ).mappings().all()
    by_source: dict[int, list[dict]] = {}
    for row in rows:
        by_source.setdefault(row["source_id"], []).append(dict(row))
    for group in by_source.values():
        for row, region in zip(group, detect_sources(group)):
            if region is not None:
                connection.execute(
                    documents.update()
                    .where(documents.c.id == row["id"])
                    .values(region_code=region.code, region_name=region.name)
                )


def downgrade() -> None:
    with op.batch_alter_table("kb_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_documents_region_code"))
        batch_op.drop_column("region_name")
        batch_op.drop_column("region_code")
