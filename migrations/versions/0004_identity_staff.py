"""patient identity (households, audited edits) and staff lock-out

Revision ID: 0004_identity_staff
Revises: 0003
Create Date: 2026-12-01 02:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004_identity_staff'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('patient_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('before', sa.String(length=100), nullable=True),
    sa.Column('after', sa.String(length=100), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_patient_changes_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_changes'))
    )
    with op.batch_alter_table('patient_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_changes_patient_id'), ['patient_id'], unique=False)

    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_slot', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint('uq_patients_clinic_phone', type_='unique')
        batch_op.create_unique_constraint('uq_patients_clinic_phone_slot', ['clinic_id', 'phone', 'phone_slot'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('display_name')

    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_constraint('uq_patients_clinic_phone_slot', type_='unique')
        batch_op.create_unique_constraint('uq_patients_clinic_phone', ['clinic_id', 'phone'])
        batch_op.drop_column('phone_slot')

    with op.batch_alter_table('patient_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_changes_patient_id'))

    op.drop_table('patient_changes')
