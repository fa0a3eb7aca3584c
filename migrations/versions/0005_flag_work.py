"""working a flag together: assignment, patient notes and calls, quick replies

Revision ID: 0004_flag_work
Revises: 0004_identity_staff
Create Date: 2026-12-01 02:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004_flag_work'
down_revision: str | None = '0004_identity_staff'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('assigned_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_flags_assigned_to'), ['assigned_to'], unique=False)
    op.create_table(
        'patient_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'],
                                name=op.f('fk_patient_notes_clinic_id_clinics')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_patient_notes_patient_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_notes')),
    )
    op.create_index('ix_patient_notes_patient_at', 'patient_notes',
                    ['patient_id', 'created_at'], unique=False)
    op.create_table(
        'quick_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('title', sa.String(length=60), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'],
                                name=op.f('fk_quick_replies_clinic_id_clinics')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quick_replies')),
    )
    op.create_index('ix_quick_replies_clinic_language', 'quick_replies',
                    ['clinic_id', 'language'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_quick_replies_clinic_language', table_name='quick_replies')
    op.drop_table('quick_replies')
    op.drop_index('ix_patient_notes_patient_at', table_name='patient_notes')
    op.drop_table('patient_notes')
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flags_assigned_to'))
        batch_op.drop_column('assigned_at')
        batch_op.drop_column('assigned_to')
