"""HL7 v2 in: RAS^O17 (pharmacy administration) over MLLP, answered with an ACK.

One RXA segment is one administration: PID gives the patient (PID-3 MRN,
PID-5 name, PID-13 phone, PID-15 language), RXA-3/RXA-4 the start and end,
RXA-5 the product code, RXA-15 the lot, RXA-20/RXA-21 whether it was given
or is being deleted. Every message gets an ACK: AA, AE (understood but not
applied, with an ERR naming segment and field) or AR (not a message we
take). A message whose control ID (MSH-10) was already applied is
acknowledged again and not applied twice. Nothing a sender does (garbage,
a huge block, a dropped connection) stops the listener: each connection is
its own task, and each message its own transaction.

RDE^O11 is an order, not an administration (nothing says the dose was
given), so it is refused with AR like any other type.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import hl7
from hl7.mllp import InvalidBlockError, start_hl7_server
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from followup.ehr.intake import EhrDose, EhrPatient, IntakeError, Outcome, dose_key, record
from followup.models import Clinic, EhrIntake, IntakeOutcome, IntakeSource

log = logging.getLogger(__name__)
ACCEPTED_TYPES = {("RAS", "O17")}
# Enrolment field -> (segment, field number) it came from.
LOCATIONS = {"phone": ("PID", 13), "first_name": ("PID", 5), "language": ("PID", 15),
             "external_id": ("PID", 3), "infusion_at": ("RXA", 4), "lot": ("RXA", 15),
             "product": ("RXA", 5)}
ESCAPES = (("\\", "\\E\\"), ("|", "\\F\\"), ("^", "\\S\\"), ("~", "\\R\\"), ("&", "\\T\\"))


@dataclass
class Problem:
    """One ERR segment: where (segment, sequence, field), HL7 table 0357 code, words."""

    segment: str
    field_no: int
    code: str  # 0357: 100 segment, 101 required, 102 data type, 200 type, 205 duplicate key
    text: str
    sequence: int = 1


@dataclass
class Answer:
    code: str  # AA | AE | AR
    text: str
    control_id: str = ""
    problems: list[Problem] = field(default_factory=list)


class Rejected(Exception):
    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.text)
        self.answer = answer


def escape(text: str) -> str:
    for raw, escaped in ESCAPES:
        text = text.replace(raw, escaped)
    return " ".join(text.split())[:200]


def _get(segment: Any, field_no: int, component: int = 1, repetition: int = 1) -> str:
    try:
        return str(segment.extract_field(1, field_no, repetition, component, 1)).strip()
    except (IndexError, KeyError, ValueError, TypeError):
        return ""


def ack(answer: Answer, received: Any | None, *, facility: str, now: datetime) -> str:
    """The ACK message for ``answer`` (addressed back to the sender of ``received``)."""
    msh = received.segment("MSH") if received is not None else None
    sender_app = _get(msh, 3) if msh is not None else ""
    sender_fac = _get(msh, 4) if msh is not None else ""
    trigger = _get(msh, 9, 2) if msh is not None else ""
    version = (_get(msh, 12) if msh is not None else "") or "2.5"
    segments = [
        "|".join(["MSH", "^~\\&", "FOLLOWUP", escape(facility), escape(sender_app),
                  escape(sender_fac), now.strftime("%Y%m%d%H%M%S%z"), "",
                  f"ACK^{escape(trigger)}^ACK", uuid.uuid4().hex[:20], "P", escape(version)]),
        "|".join(["MSA", answer.code, escape(answer.control_id), escape(answer.text)]),
    ]
    for p in answer.problems:
        severity = "E"
        segments.append("|".join(["ERR", "", f"{p.segment}^{p.sequence}^{p.field_no}",
                                  f"{p.code}^{escape(_CODE_TEXT.get(p.code, ''))}^HL70357",
                                  severity, "", "", "", escape(p.text)]))
    return "\r".join(segments) + "\r"


_CODE_TEXT = {"100": "Segment sequence error", "101": "Required field missing",
              "102": "Data type error", "200": "Unsupported message type",
              "205": "Duplicate key identifier", "207": "Application internal error"}


def _hl7_time(value: str, tz: ZoneInfo) -> str | None:
    """An HL7 DTM as ISO 8601; without an offset it is the clinic's local time."""
    if not value:
        return None
    try:
        parsed: datetime | None = hl7.parse_datetime(value)
    except (ValueError, TypeError):
        return value  # enrolment names it as not a date and time
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.isoformat()


def _phone(pid: Any) -> str | None:
    """PID-13: a cell phone (equipment CP) first, else the first number given."""
    numbers: list[tuple[bool, str]] = []
    for rep in range(1, 6):
        formatted = _get(pid, 13, 1, rep)
        parts = [_get(pid, 13, n, rep) for n in (5, 6, 7)]
        number = formatted or ("".join(parts) if parts[2] else "")
        if parts[0] and not formatted and parts[2]:
            number = "+" + number
        if number:
            numbers.append((_get(pid, 13, 3, rep) == "CP", number))
    cells = [n for is_cell, n in numbers if is_cell]
    ordered = cells or [n for _, n in numbers]
    return ordered[0] if ordered else None


def doses(message: Any, clinic: Clinic) -> list[EhrDose]:
    """Each RXA of the message as an EhrDose."""
    try:
        pid = message.segment("PID")
    except KeyError:
        raise Rejected(Answer("AE", "the message has no PID segment",
                              problems=[Problem("PID", 0, "100", "PID segment missing")])) from None
    rxas = message.segments("RXA") if _has(message, "RXA") else []
    if not rxas:
        raise Rejected(Answer("AE", "the message has no RXA segment",
                              problems=[Problem("RXA", 0, "100", "RXA segment missing")]))
    order = ""
    if _has(message, "ORC"):
        orc = message.segment("ORC")
        order = _get(orc, 3) or _get(orc, 2)
    tz = ZoneInfo(clinic.timezone)
    patient = EhrPatient(first_name=_get(pid, 5, 2) or None, phone=_phone(pid),
                         language=_get(pid, 15) or None, mrn=_get(pid, 3) or None)
    out = []
    for seq, rxa in enumerate(rxas, 1):
        start = _get(rxa, 3)
        cancelled = _get(rxa, 21).upper() == "D" or _get(rxa, 20).upper() in ("RE", "NA")
        locations = {name: f"{seg}^{seq if seg == 'RXA' else 1}^{no}"
                     for name, (seg, no) in LOCATIONS.items()}
        out.append(EhrDose(
            source=IntakeSource.HL7, key=dose_key(order, patient.mrn, start, _get(rxa, 2)),
            status="cancelled" if cancelled else "completed",
            codes=((_get(rxa, 5, 3), _get(rxa, 5, 1)),), displays=(_get(rxa, 5, 2) or None,),
            lot=_get(rxa, 15) or None, ended_at=_hl7_time(_get(rxa, 4) or start, tz),
            patient=patient, locations=locations,
        ))
    return out


def _has(message: Any, name: str) -> bool:
    try:
        message.segment(name)
    except KeyError:
        return False
    return True


def _problems(exc: IntakeError) -> list[Problem]:
    out = []
    for where, text in exc.fields.items():
        segment, _, rest = where.partition("^")
        sequence, _, field_no = rest.partition("^")
        code = "205" if exc.conflict else "101" if "required" in text else "102"
        out.append(Problem(segment or "PID", int(field_no or 0), code, text,
                           int(sequence or 1)))
    return out


class Handler:
    """Turns one MLLP block into one ACK, in one database transaction."""

    def __init__(self, services: Any, clinic_slug: str) -> None:
        self.services = services
        self.clinic_slug = clinic_slug
        self.actor = f"hl7:{clinic_slug}"

    def __call__(self, block: bytes) -> str:
        now = self.services.clock.now()
        message = None
        try:
            try:
                text = block.decode("utf-8")
            except UnicodeDecodeError:
                text = block.decode("latin-1")
            try:
                message = hl7.parse(text.replace("\n", "\r").strip("\r"))
                message.segment("MSH")
            except Exception:  # python-hl7 raises several kinds on garbage
                message = None
                raise Rejected(Answer("AR", "not an HL7 v2 message (it must start with MSH)",
                                      problems=[Problem("MSH", 1, "100",
                                                        "no MSH segment")])) from None
            answer = self._apply(message, now)
        except Rejected as exc:
            answer = exc.answer
        except Exception as exc:  # never let one message stop the listener
            # The type and the stack only: the message, and some exception texts, hold PHI.
            log.error("HL7 message could not be processed: %s\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            answer = Answer("AE", "internal error; the message was not applied",
                            problems=[Problem("MSH", 10, "207", "internal error")])
        if message is not None and not answer.control_id:
            answer.control_id = _get(message.segment("MSH"), 10)
        return ack(answer, message, facility=self.clinic_slug, now=now)

    def _apply(self, message: Any, now: datetime) -> Answer:
        msh = message.segment("MSH")
        control_id = _get(msh, 10)
        kind = (_get(msh, 9, 1), _get(msh, 9, 2))
        if kind not in ACCEPTED_TYPES:
            raise Rejected(Answer("AR", f"message type {'^'.join(kind)} is not taken here; "
                                  "send RAS^O17", control_id,
                                  [Problem("MSH", 9, "200", "unsupported message type")]))
        if not control_id:
            raise Rejected(Answer("AR", "MSH-10 (message control ID) is required",
                                  problems=[Problem("MSH", 10, "101", "required")]))
        svc = self.services
        with svc.sessions() as session:
            clinic = session.scalar(select(Clinic).where(Clinic.slug == self.clinic_slug))
            if clinic is None:
                raise Rejected(Answer("AR", "this listener's clinic does not exist",
                                      control_id, [Problem("MSH", 6, "207", "no clinic")]))
            seen = session.scalar(select(EhrIntake.id).where(
                EhrIntake.clinic_id == clinic.id, EhrIntake.source == IntakeSource.HL7_MESSAGE,
                EhrIntake.key == dose_key(control_id)))
            if seen is not None:
                return Answer("AA", "duplicate: this message was already applied; "
                              "nothing was done again", control_id)
            outcomes: list[Outcome] = []
            try:
                for dose in doses(message, clinic):
                    outcomes.append(record(session, clinic, dose, settings=svc.settings,
                                           actor=self.actor, now=now))
            except IntakeError as exc:
                session.rollback()
                raise Rejected(Answer("AE", "not applied: " + str(exc), control_id,
                                      _problems(exc))) from None
            except Rejected as exc:
                session.rollback()
                exc.answer.control_id = control_id
                raise
            session.add(EhrIntake(clinic_id=clinic.id, source=IntakeSource.HL7_MESSAGE,
                                  key=dose_key(control_id), outcome=IntakeOutcome.ACKNOWLEDGED,
                                  created_at=now))
            try:
                session.commit()
            except IntegrityError:  # the same message on two connections at once
                session.rollback()
                return Answer("AA", "duplicate: this message was already applied; "
                              "nothing was done again", control_id)
        return Answer("AA", "; ".join(f"{o.action}: {o.reason}" for o in outcomes), control_id)


class Listener:
    """The MLLP server: one task per connection, the database work in a thread."""

    def __init__(self, services: Any, clinic_slug: str, host: str, port: int) -> None:
        self.handler = Handler(services, clinic_slug)
        self.host, self.port = host, port
        self.limit = services.settings.ehr.hl7_max_message_bytes
        # hl7's start_hl7_server (untyped) returns loop.create_server's Server.
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await start_hl7_server(self._connection, self.host, self.port,
                                             limit=self.limit)
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def serve_forever(self) -> None:
        if self.server is None:
            await self.start()
        assert self.server is not None
        async with self.server:
            await self.server.serve_forever()

    async def _connection(self, reader: Any, writer: Any) -> None:
        try:
            while True:
                try:
                    block = await reader.readblock()
                except asyncio.IncompleteReadError:
                    return  # the sender closed the connection
                except InvalidBlockError:
                    writer.writeblock(self._refusal("the data was not in an MLLP block "
                                                    "(start byte 0x0B)"))
                    await writer.drain()
                    continue
                except ValueError:  # over the size limit: the stream cannot be trusted
                    writer.writeblock(self._refusal(
                        f"message larger than {self.limit} bytes; not applied"))
                    await writer.drain()
                    return
                answer = await asyncio.to_thread(self.handler, block)
                writer.writeblock(answer.encode("utf-8"))
                await writer.drain()
        except (ConnectionError, OSError):
            return
        finally:
            writer.close()

    def _refusal(self, text: str) -> bytes:
        now = self.handler.services.clock.now()
        return ack(Answer("AR", text, problems=[Problem("MSH", 1, "100", text)]), None,
                   facility=self.handler.clinic_slug, now=now).encode("utf-8")


class ListenerThread:
    """The listener on its own event loop in a thread (tests; ``serve`` beside it)."""

    def __init__(self, services: Any, clinic_slug: str, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.listener = Listener(services, clinic_slug, host, port)
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> int:
        self.thread.start()
        self.ready.wait(10)
        return self.listener.port

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.listener.start())
            self.ready.set()
            with contextlib.suppress(asyncio.CancelledError):
                self.loop.run_until_complete(self.listener.serve_forever())
        finally:
            # The loop is closed where it ran, once serving ends: left open, its
            # selector and self-pipe leak (a ResourceWarning when collected).
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()
            asyncio.set_event_loop(None)

    def stop(self) -> None:
        def cancel() -> None:
            for task in asyncio.all_tasks(self.loop):
                task.cancel()

        self.loop.call_soon_threadsafe(cancel)
        self.thread.join(10)
