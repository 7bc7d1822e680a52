"""Calendar: the State Council's holiday notices as imported, and which overrides came from one

Revision ID: 20261201_0005
Revises: 20261201_0004
Create Date: 2026-12-01 16:30:00
"""

import sqlalchemy as sa
from alembic import op

import liandong.db

revision = "20261201_0005"
down_revision = "20261201_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_notices",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("imported_at", liandong.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_notices")),
    )
    with op.batch_alter_table("calendar_overrides", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_year", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_calendar_overrides_notice_year"), ["notice_year"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_calendar_overrides_notice_year_calendar_notices"), "calendar_notices", ["notice_year"], ["year"]
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_overrides", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_calendar_overrides_notice_year_calendar_notices"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_calendar_overrides_notice_year"))
        batch_op.drop_column("notice_year")
    op.drop_table("calendar_notices")
