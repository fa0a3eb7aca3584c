"""EHR integration: intake keys (replays, cancellations) and the write-back outbox

Revision ID: 0004_ehr
Revises: 0004_web_hardening
Create Date: 2026-12-01 03:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_ehr'
down_revision: str | None = '0004_web_hardening'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'ehr_intake',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('infusion_id', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'],
                                name=op.f('fk_ehr_intake_clinic_id_clinics')),
        sa.ForeignKeyConstraint(['infusion_id'], ['infusions.id'],
                                name=op.f('fk_ehr_intake_infusion_id_infusions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ehr_intake')),
        sa.UniqueConstraint('clinic_id', 'source', 'key',
                            name='uq_ehr_intake_clinic_source_key'),
    )
    with op.batch_alter_table('ehr_intake', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ehr_intake_infusion_id'), ['infusion_id'],
                              unique=False)
    op.create_table(
        'ehr_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('flag_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('claim_token', sa.String(length=32), nullable=True),
        sa.Column('last_error', sa.String(length=255), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('location', sa.String(length=255), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'],
                                name=op.f('fk_ehr_outbox_clinic_id_clinics')),
        sa.ForeignKeyConstraint(['flag_id'], ['flags.id'],
                                name=op.f('fk_ehr_outbox_flag_id_flags')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ehr_outbox')),
        sa.UniqueConstraint('flag_id', 'event', name='uq_ehr_outbox_flag_event'),
    )
    with op.batch_alter_table('ehr_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ehr_outbox_clinic_id'), ['clinic_id'], unique=False)
        batch_op.create_index('ix_ehr_outbox_due', ['status', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ehr_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_ehr_outbox_due')
        batch_op.drop_index(batch_op.f('ix_ehr_outbox_clinic_id'))
    op.drop_table('ehr_outbox')
    with op.batch_alter_table('ehr_intake', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ehr_intake_infusion_id'))
    op.drop_table('ehr_intake')
