"""Typed states: CHECK constraints on every column that holds a closed set of words

Revision ID: 0009_typed_states
Revises: 0004_ehr
Create Date: 2026-12-01 06:00:00

Each status, level, reason, kind, direction and role column gets a CHECK
constraint named ``ck_<table>_<column>`` listing the values the code writes
(the ``StrEnum``s in ``followup/models.py`` when this was written). The lists
are spelled out here, not read from the enums: a migration must build the same
schema whatever the code looks like later. A new member needs a new migration
that drops and recreates its column's constraint; ``tests/test_typed_states.py``
fails until it exists.

Rows that already hold a value outside these lists stop the upgrade before
anything changes, with one message naming every table, column and value found:
such a value is a bug or a hand edit, and only a person can say what it should
have been (guessing would rewrite patient history). Fix or delete those rows,
then upgrade again. NULL stays allowed where the column allows it.

``messages.status`` is widened from 16 to 24 characters on the way: Twilio's
``partially_delivered`` (19) did not fit, which PostgreSQL refused.

``checkins.kind`` gets no constraint: scheduled check-ins take their kind from
the clinic's configured schedule (``day3``, ``same_day``...), an open set.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_typed_states'
down_revision: str | None = '0004_ehr'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALLOWED: dict[str, dict[str, tuple[str, ...]]] = {
    'checkins': {
        'status': ('pending', 'sending', 'sent', 'failed', 'skipped', 'cancelled'),
    },
    'messages': {
        'direction': ('in', 'out'),
        'status': ('accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered',
                   'undelivered', 'failed', 'canceled', 'partially_delivered', 'read',
                   'receiving', 'received'),
        'level': ('emergency', 'urgent', 'mild', 'ok', 'unclear'),
    },
    'flags': {
        'level': ('emergency', 'urgent', 'routine'),
        'reason': ('triage', 'question', 'asked_back', 'no_response', 'undeliverable',
                   'stopped', 'unclear'),
        'status': ('open', 'acknowledged', 'resolved'),
    },
    'flag_events': {
        'action': ('opened', 'acknowledged', 'resolved', 'assigned', 'unassigned', 'noted',
                   'escalated', 'escalation_failed', 'not_escalated', 'answered', 'raised',
                   'denied'),
    },
    'patient_notes': {
        'kind': ('note', 'call'),
        'outcome': ('reached', 'no_answer', 'voicemail', 'wrong_number'),
    },
    'users': {'role': ('nurse', 'admin')},
    'csv_imports': {'status': ('previewed', 'running', 'done', 'failed')},
    'clinics': {'digest_channel': ('email', 'sms')},
    'digests': {'channel': ('email', 'sms')},
    'clinic_alerts': {'kind': ('credentials', 'unsent')},
    'ehr_intake': {
        'source': ('fhir', 'hl7', 'hl7-msh'),
        'outcome': ('enrolled', 'cancelled', 'acknowledged'),
    },
    'ehr_outbox': {
        'event': ('opened', 'resolved'),
        'status': ('pending', 'sending', 'sent', 'failed'),
    },
}
MESSAGE_STATUS_BEFORE, MESSAGE_STATUS_AFTER = 16, 24
SHOWN_VALUES = 10  # per column, in the refusal message


class UnknownValuesError(RuntimeError):
    """Existing rows hold values the new constraints would refuse."""


def _condition(column: str, values: tuple[str, ...]) -> str:
    # The values are the literals above (letters, digits, '_' and '-'): no quoting issue.
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _unknown_values(conn: sa.Connection) -> list[str]:
    """One line per column holding values outside its list: the values and how many rows."""
    lines: list[str] = []
    for table, columns in ALLOWED.items():
        for column, values in columns.items():
            col = sa.column(column, sa.String())
            found = conn.execute(
                sa.select(col, sa.func.count()).select_from(sa.table(table, col))
                .where(col.is_not(None), col.not_in(values)).group_by(col).order_by(col)
            ).all()
            if found:
                shown = ", ".join(f"{str(v)[:40]!r} ({n} row{'' if n == 1 else 's'})"
                                  for v, n in found[:SHOWN_VALUES])
                more = f" and {len(found) - SHOWN_VALUES} more" if len(found) > SHOWN_VALUES else ""
                lines.append(f"  {table}.{column}: {shown}{more}; allowed: {', '.join(values)}")
    return lines


def upgrade() -> None:
    problems = _unknown_values(op.get_bind())
    if problems:
        raise UnknownValuesError(
            "0009_typed_states: some rows hold values the new CHECK constraints would refuse;"
            " nothing was changed. Fix or delete these rows, then upgrade again:\n"
            + "\n".join(problems))
    for table, columns in ALLOWED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'messages':
                batch_op.alter_column('status', existing_nullable=False,
                                      existing_type=sa.String(length=MESSAGE_STATUS_BEFORE),
                                      type_=sa.String(length=MESSAGE_STATUS_AFTER))
            for column, values in columns.items():
                batch_op.create_check_constraint(op.f(f'ck_{table}_{column}'),
                                                 _condition(column, values))


def downgrade() -> None:
    conn = op.get_bind()
    messages = sa.table('messages', sa.column('status', sa.String()))
    too_long = conn.execute(sa.select(sa.func.count()).select_from(messages).where(
        sa.func.length(messages.c.status) > MESSAGE_STATUS_BEFORE)).scalar_one()
    if too_long and conn.dialect.name != 'sqlite':
        raise UnknownValuesError(
            f"0009_typed_states: {too_long} messages have a status longer than"
            f" {MESSAGE_STATUS_BEFORE} characters (partially_delivered), which the older"
            " schema cannot hold; change them (e.g. to 'delivered') before downgrading")
    for table, columns in reversed(ALLOWED.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
            if table == 'messages':
                batch_op.alter_column('status', existing_nullable=False,
                                      existing_type=sa.String(length=MESSAGE_STATUS_AFTER),
                                      type_=sa.String(length=MESSAGE_STATUS_BEFORE))
