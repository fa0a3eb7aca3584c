"""delivery safety: renewable claim leases, clinic-level delivery alerts

Revision ID: 0004_delivery_safety
Revises: 0004_flag_work
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_delivery_safety"
down_revision: str | None = "0004_flag_work"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(), nullable=True))
    op.create_table(
        "clinic_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(length=255), nullable=True),
        sa.Column("cleared_at", sa.DateTime(), nullable=True),
        sa.Column("cleared_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"],
                                name=op.f("fk_clinic_alerts_clinic_id_clinics")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_alerts")),
        sa.UniqueConstraint("clinic_id", "kind", name="uq_clinic_alerts_clinic_kind"),
    )


def downgrade() -> None:
    op.drop_table("clinic_alerts")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("lease_expires_at")
