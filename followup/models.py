"""The database tables: the single source of truth for what is due and sent.

Datetimes are stored as naive UTC (SQLite has no time zone type) and come back
aware; every conversion to a patient's local time happens in ``schedule``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar, cast

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class CheckinStatus(StrEnum):
    """A check-in's place in the dispatcher's state machine (see ``Checkin``)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class CheckinKind(StrEnum):
    """The kinds of check-in the code itself creates.

    Scheduled check-ins take their kind from the clinic's schedule
    (``schedule.checkins[].kind`` in the config: ``same_day``, ``day3``...),
    so ``checkins.kind`` is an open set and stays a plain string column with no
    CHECK; these two are the kinds the code relies on by name."""

    STAFF = "staff"  # a nurse's free-text message, riding the queue
    REMINDER = "reminder"  # the follow-up of an unanswered check-in


class Direction(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class MessageStatus(StrEnum):
    """Twilio's message statuses (its OpenAPI ``message_enum_status``); the
    console backend and inbound storage use the same words."""

    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELED = "canceled"
    PARTIALLY_DELIVERED = "partially_delivered"
    READ = "read"
    RECEIVING = "receiving"
    RECEIVED = "received"


class TriageLevel(StrEnum):
    """How the triage read a patient's text (``Message.level``)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    MILD = "mild"
    OK = "ok"
    UNCLEAR = "unclear"


class FlagLevel(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    ROUTINE = "routine"


class FlagReason(StrEnum):
    TRIAGE = "triage"  # symptoms reported
    QUESTION = "question"  # an unclear answer or a question
    ASKED_BACK = "asked_back"  # unclear, the red-flag question was sent
    NO_RESPONSE = "no_response"
    UNDELIVERABLE = "undeliverable"
    STOPPED = "stopped"  # texted STOP part-way through
    UNCLEAR = "unclear"  # a shared phone: which patient?


class FlagStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class FlagAction(StrEnum):
    """What a ``FlagEvent`` records."""

    OPENED = "opened"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    NOTED = "noted"
    ESCALATED = "escalated"
    ESCALATION_FAILED = "escalation_failed"
    NOT_ESCALATED = "not_escalated"
    # The patient's answer to the red-flag question (``askback``).
    ANSWERED = "answered"
    RAISED = "raised"
    DENIED = "denied"


class NoteKind(StrEnum):
    NOTE = "note"
    CALL = "call"


class CallOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"


class Role(StrEnum):
    NURSE = "nurse"
    ADMIN = "admin"


class ImportStatus(StrEnum):
    PREVIEWED = "previewed"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class DigestChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class AlertKind(StrEnum):
    CREDENTIALS = "credentials"  # the provider refuses our account
    UNSENT = "unsent"  # check-ins went stale unsent


class IntakeSource(StrEnum):
    FHIR = "fhir"
    HL7 = "hl7"
    HL7_MESSAGE = "hl7-msh"  # an HL7 message control ID (MSH-10)


class IntakeOutcome(StrEnum):
    ENROLLED = "enrolled"
    CANCELLED = "cancelled"
    ACKNOWLEDGED = "acknowledged"


class OutboxEvent(StrEnum):
    OPENED = "opened"
    RESOLVED = "resolved"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E]):
    """A ``StrEnum`` in Python, its value in a plain ``VARCHAR`` in the database.

    Plain strings rather than a native enum type: existing rows, raw SQL and
    Core queries keep working, and adding a member is a new CHECK constraint
    (migration 0009 and its successors), not an ``ALTER TYPE``. A string that
    is not a member is refused here, before the database sees it, with the
    allowed values in the message."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        longest = max(len(member.value) for member in enum)
        if longest > length:
            raise ValueError(f"{enum.__name__}: a value of {longest} characters "
                             f"does not fit in {length}")
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        try:
            return self.enum(value).value
        except ValueError:
            allowed = ", ".join(member.value for member in self.enum)
            raise ValueError(f"{value!r} is not a {self.enum.__name__} "
                             f"(one of {allowed})") from None

    def process_result_value(self, value: str | None, dialect: Any) -> E | None:
        return None if value is None else self.enum(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table(model: type[Base]) -> Table:
    """The Core table of a mapped class, for plain (non-ORM) statements.

    ``insert``/``update`` on the table run as plain SQL, without the ORM's
    session synchronisation. ``Model.__table__`` is typed as the general
    ``FromClause``; every model here is declared on a ``Table``."""
    return cast(Table, model.__table__)


class Clinic(Base):
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))  # E.164, for patients to call
    timezone: Mapped[str] = mapped_column(String(64))
    # The number patients text; inbound messages find their clinic by it.
    sms_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    emergency_number: Mapped[str] = mapped_column(String(20), default="911")
    # Texts show up on lock screens: the drug name stays out unless asked for.
    show_product_in_texts: Mapped[bool] = mapped_column(Boolean, default=False)
    # On-call escalation ladder, texted in turn while an emergency/urgent flag
    # waits unacknowledged: E.164 numbers, or {"name": ..., "phone": ...} so
    # the queue can say who will be paged (see ``escalation.oncall_ladder``).
    oncall_phones: Mapped[list[str | dict[str, str]] | None] = mapped_column(JSON)
    # Daily digest (no PHI): where and when, in the clinic's time zone.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    digest_channel: Mapped[DigestChannel | None] = mapped_column(
        EnumText(DigestChannel, 8))  # None: off
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "07:30"
    # ISO codes of the countries whose numbers may be enrolled; None: the
    # country of the clinic's own phone number.
    enrol_countries: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[Role] = mapped_column(EnumText(Role, 16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # How colleagues see this person ("Kim Lee, RN"); the email when empty.
    display_name: Mapped[str | None] = mapped_column(String(100))
    # A disabled login cannot sign in, and its open sessions stop at once.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Copied into the session at sign-in and compared on every request:
    # bumping it (logout, password reset, role change, disable) ends every
    # session of this person on the server, whatever cookies were copied.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    clinic: Mapped[Clinic] = relationship()


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    clinic: Mapped[Clinic] = relationship()


class Patient(Base):
    __tablename__ = "patients"
    # Two patients may share a phone (a household): each has its own slot on
    # it, so two enrolments racing to create the same phone's first patient
    # still collide on the constraint instead of making twins.
    __table_args__ = (UniqueConstraint("clinic_id", "phone", "phone_slot",
                                       name="uq_patients_clinic_phone_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)  # E.164
    phone_slot: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default="en")
    timezone: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(100))
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A nurse paused the check-ins (e.g. the patient is in hospital).
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    clinic: Mapped[Clinic] = relationship()
    infusions: Mapped[list[Infusion]] = relationship(
        back_populates="patient", order_by="Infusion.ended_at"
    )
    checkins: Mapped[list[Checkin]] = relationship(
        back_populates="patient", order_by="Checkin.due_at"
    )


class Infusion(Base):
    __tablename__ = "infusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    product: Mapped[str | None] = mapped_column(String(100))
    lot: Mapped[str | None] = mapped_column(String(100))
    first_infusion: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    patient: Mapped[Patient] = relationship(back_populates="infusions")


class Checkin(Base):
    """One text we intend to send; its status is the dispatcher's state machine.

    pending -> sending (claimed) -> sent | failed
    pending -> skipped (stale, merged) | cancelled (opt-out)
    """

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    infusion_id: Mapped[int] = mapped_column(ForeignKey("infusions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # open set: see CheckinKind
    template: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the dispatcher may next look at it: due_at at first, later the end of
    # quiet hours or a retry back-off.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[CheckinStatus] = mapped_column(EnumText(CheckinStatus, 16),
                                                 default=CheckinStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skip_reason: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(255))
    # Texts that are not scheduled check-ins ride the same queue (quiet hours,
    # retries, atomic claims): a reminder names the check-in it follows up, a
    # nurse's free-text message carries its own body.
    reminder_for_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"))
    body: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(100))
    # Follow-through on silence: when the reminder was queued, when a
    # no-response flag was opened.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_response_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Crash safety: set (and committed) just before the provider is called. A
    # claim that expires with it set may have been sent already: the resend is
    # recorded as a possible duplicate instead of passing silently.
    send_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    possible_duplicate: Mapped[bool] = mapped_column(Boolean, default=False,
                                                     server_default="0")
    # Until when the claim holds: set at the claim and pushed on while its
    # dispatcher still works the batch, so a slow provider never lets a second
    # dispatcher take over (and send again) a claim that is still alive.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    patient: Mapped[Patient] = relationship(back_populates="checkins")
    infusion: Mapped[Infusion] = relationship()


class Message(Base):
    """Every text in either direction. ``provider_sid`` is unique so a webhook
    Twilio retries is stored once, however the requests race."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_patient_created", "patient_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"), index=True)
    # Indexed: a retried webhook finds the reply it already gave by this.
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    direction: Mapped[Direction] = mapped_column(EnumText(Direction, 3))
    body: Mapped[str] = mapped_column(Text)
    from_number: Mapped[str | None] = mapped_column(String(20))
    to_number: Mapped[str | None] = mapped_column(String(20))
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # 24, not 16: Twilio's "partially_delivered" is 19 characters (widened in 0009).
    status: Mapped[MessageStatus] = mapped_column(EnumText(MessageStatus, 24))
    error_code: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[TriageLevel | None] = mapped_column(EnumText(TriageLevel, 16))
    findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Why the triage escalated or how it read a short answer, for the nurse.
    reasons: Mapped[list[str] | None] = mapped_column(JSON)
    sent_by: Mapped[str | None] = mapped_column(String(100))  # a nurse's own message
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (Index("ix_flags_queue", "clinic_id", "status", "level", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"))
    level: Mapped[FlagLevel] = mapped_column(EnumText(FlagLevel, 16))
    reason: Mapped[FlagReason] = mapped_column(EnumText(FlagReason, 16))
    detail: Mapped[str | None] = mapped_column(String(255))
    findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    status: Mapped[FlagStatus] = mapped_column(EnumText(FlagStatus, 16),
                                              default=FlagStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    # On-call escalation: how many rungs of the ladder have been texted, and when next.
    escalation_step: Mapped[int] = mapped_column(Integer, default=0)
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who is working it ("user:3"), so two nurses do not call the same patient.
    assigned_to: Mapped[str | None] = mapped_column(String(100), index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    patient: Mapped[Patient] = relationship()
    message: Mapped[Message | None] = relationship()
    events: Mapped[list[FlagEvent]] = relationship(order_by="FlagEvent.at")


class FlagEvent(Base):
    """The history of a flag: opened, escalated, acknowledged, resolved, noted."""

    __tablename__ = "flag_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))  # "user:3", "token:1", "system"
    action: Mapped[FlagAction] = mapped_column(EnumText(FlagAction, 32))
    detail: Mapped[str | None] = mapped_column(Text)


class PatientChange(Base):
    """An explicit edit of who a patient is (name, language, phone), with the
    values before and after. Kept here, beside the patient, rather than in the
    audit trail, which carries ids only; the audit event names this row."""

    __tablename__ = "patient_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    before: Mapped[str | None] = mapped_column(String(100))
    after: Mapped[str | None] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class PatientNote(Base):
    """A nurse's note or call about a patient, kept apart from resolving flags:
    "called, no answer" is part of the story even when no flag is open."""

    __tablename__ = "patient_notes"
    __table_args__ = (Index("ix_patient_notes_patient_at", "patient_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    kind: Mapped[NoteKind] = mapped_column(EnumText(NoteKind, 8))
    outcome: Mapped[CallOutcome | None] = mapped_column(EnumText(CallOutcome, 16))  # calls only
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QuickReply(Base):
    """A clinic's ready-made text for nurses, per language. A clinic with none
    of its own uses the defaults in ``templates/sms/<lang>/quick_replies.toml``."""

    __tablename__ = "quick_replies"
    __table_args__ = (Index("ix_quick_replies_clinic_language", "clinic_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """Failed and successful logins, for throttling per account and per address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateCounter(Base):
    """A fixed-window counter shared by every process: failed sign-ins per
    (account, address) and per address, enrolments per API token.

    Taken with one ``UPDATE ... RETURNING`` (``followup.staff.ratelimit``), so the
    count and the refusal are one atomic step on PostgreSQL too."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)


class CsvImport(Base):
    """A CSV enrolment upload: previewed, then imported row by row with progress."""

    __tablename__ = "csv_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[str | None] = mapped_column(Text)  # cleared once imported
    status: Mapped[ImportStatus] = mapped_column(EnumText(ImportStatus, 16))
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Digest(Base):
    """One daily digest per clinic per local day, however many workers run."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("clinic_id", "day", name="uq_digests_clinic_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    day: Mapped[str] = mapped_column(String(10))  # local date, ISO
    channel: Mapped[DigestChannel] = mapped_column(EnumText(DigestChannel, 8))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClinicAlert(Base):
    """A clinic-level delivery problem a person must see (staff pages, digest, /healthz).

    One row per clinic and kind, reopened in place: ``credentials`` (the
    provider refuses our account; clears itself when a send succeeds) and
    ``unsent`` (check-ins that went stale unsent, counted; a nurse dismisses it).
    """

    __tablename__ = "clinic_alerts"
    __table_args__ = (UniqueConstraint("clinic_id", "kind", name="uq_clinic_alerts_clinic_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    kind: Mapped[AlertKind] = mapped_column(EnumText(AlertKind, 16))
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str | None] = mapped_column(String(255))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by: Mapped[str | None] = mapped_column(String(100))


class SenderRate(Base):
    """Per-sender pacing shared by every dispatcher: the next free send slot."""

    __tablename__ = "sender_rates"

    sender: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_free_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Who did what to which record. Ids only: the audit trail carries no PHI."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))  # "token:3", "user:5", "cli"
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class EhrIntake(Base):
    """What came in from the EHR and what was done with it, once per key.

    ``source`` is "fhir" or "hl7" for an administration (key: the sender's
    identifier of it) and "hl7-msh" for an HL7 message control ID (MSH-10),
    so a message or resource sent again is answered without being applied
    twice."""

    __tablename__ = "ehr_intake"
    __table_args__ = (
        UniqueConstraint("clinic_id", "source", "key", name="uq_ehr_intake_clinic_source_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    source: Mapped[IntakeSource] = mapped_column(EnumText(IntakeSource, 16))
    key: Mapped[str] = mapped_column(String(200))
    infusion_id: Mapped[int | None] = mapped_column(ForeignKey("infusions.id"), index=True)
    outcome: Mapped[IntakeOutcome] = mapped_column(EnumText(IntakeOutcome, 16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EhrOutbox(Base):
    """A flag event to write into the EHR's chart: the durable outbox.

    Added in the same transaction as the flag event it carries (so nothing is
    lost if the process dies), then claimed and sent by the scheduler's pass
    exactly like check-ins: pending -> sending -> sent | failed."""

    __tablename__ = "ehr_outbox"
    __table_args__ = (
        UniqueConstraint("flag_id", "event", name="uq_ehr_outbox_flag_event"),
        Index("ix_ehr_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id"))
    event: Mapped[OutboxEvent] = mapped_column(EnumText(OutboxEvent, 16))
    status: Mapped[OutboxStatus] = mapped_column(EnumText(OutboxStatus, 16),
                                                 default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(255))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where the EHR's server put the resource (its Location header).
    location: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
