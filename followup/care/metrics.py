"""Numbers for the clinic: who has gone quiet, how patients answer, how fast
nurses act, and whether one product or lot causes more reactions.

Plain queries and Python over one clinic's rows: a clinic has hundreds of
infusions a month, not millions, and keeping the arithmetic here (not in SQL
dialect tricks) makes it read the same on SQLite and PostgreSQL and easy to
check in tests.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup.models import (
    Checkin,
    CheckinKind,
    CheckinStatus,
    Clinic,
    Direction,
    Flag,
    FlagLevel,
    FlagReason,
    Infusion,
    Message,
    Patient,
    TriageLevel,
)

FLAG_LEVELS = tuple(FlagLevel)
REACTION_LEVELS = (TriageLevel.MILD, TriageLevel.URGENT, TriageLevel.EMERGENCY)
# A lot "stands out" when its reactions per infusion are at least this many
# times the rest of the clinic's, once it has at least MIN_INFUSIONS infusions
# and MIN_REACTIONS reactions: one unlucky patient, or one infusion that got
# three worried answers, is not a signal.
STAND_OUT_RATIO = 2.0
MIN_INFUSIONS = 5
MIN_REACTIONS = 3
STAND_OUT_RULE = (f"A lot is marked ⚠ when it has at least {MIN_INFUSIONS} infusions and "
                  f"{MIN_REACTIONS} reactions, and at least {STAND_OUT_RATIO:g} times the "
                  "reactions per infusion of the rest of the clinic.")


def percent(rate: float) -> str:
    """One rounding (half up) for every percentage shown, chart and table alike."""
    return f"{int(rate * 100 + 0.5)}%"


@dataclass
class NonResponder:
    patient: Patient
    checkin: Checkin
    waiting: timedelta


def non_responders(session: Session, clinic_id: int, now: datetime) -> list[NonResponder]:
    """Patients whose most recent check-in was sent and not answered, longest first.

    Staff messages and reminders are not check-ins a patient owes an answer to;
    opted-out patients are left out (they asked us to stop)."""
    rows = session.scalars(
        select(Checkin).join(Patient, Patient.id == Checkin.patient_id)
        .where(Patient.clinic_id == clinic_id, Patient.opted_out_at.is_(None),
               Checkin.status == CheckinStatus.SENT, Checkin.kind != CheckinKind.STAFF,
               Checkin.reminder_for_id.is_(None))
        .order_by(Checkin.sent_at, Checkin.id)
    ).all()
    last: dict[int, Checkin] = {}
    for c in rows:  # ordered by sent_at: the last one wins
        last[c.patient_id] = c
    out = [NonResponder(c.patient, c, now - c.sent_at) for c in last.values()
           if c.answered_at is None and c.sent_at is not None]
    return sorted(out, key=lambda r: r.waiting, reverse=True)


@dataclass
class KindRate:
    kind: str
    sent: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.sent if self.sent else 0.0


@dataclass
class Week:
    start: date
    levels: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.levels.values())


@dataclass
class LotRow:
    product: str
    lot: str
    infusions: int
    flags: int
    reactions: int
    stands_out: bool = False

    @property
    def reactions_per_infusion(self) -> float:
        return self.reactions / self.infusions if self.infusions else 0.0

    @property
    def flags_per_infusion(self) -> float:
        return self.flags / self.infusions if self.infusions else 0.0


@dataclass
class Report:
    since: datetime
    response: list[KindRate]
    weeks: list[Week]
    findings: list[tuple[str, int]]
    findings_by_week: dict[str, dict[date, int]]
    median_ack: timedelta | None
    median_resolve: timedelta | None
    acked: int
    resolved: int
    lots: list[LotRow] = field(default_factory=list)


def _week_start(at: datetime, tz: ZoneInfo) -> date:
    local = at.astimezone(tz).date()
    return local - timedelta(days=local.weekday())


def report(session: Session, clinic: Clinic, now: datetime, *, weeks: int = 8) -> Report:
    tz = ZoneInfo(clinic.timezone)
    first_week = _week_start(now, tz) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first_week, datetime.min.time(), tz)

    checkins = session.scalars(
        select(Checkin).join(Patient, Patient.id == Checkin.patient_id)
        .where(Patient.clinic_id == clinic.id, Checkin.status == CheckinStatus.SENT,
               Checkin.kind != CheckinKind.STAFF, Checkin.reminder_for_id.is_(None),
               Checkin.sent_at >= since)
    ).all()
    by_kind: dict[str, KindRate] = {}
    for c in checkins:
        rate = by_kind.setdefault(c.kind, KindRate(c.kind, 0, 0))
        rate.sent += 1
        rate.answered += c.answered_at is not None
    order = {"same_day": 0, "day1": 1, "day2": 2, "day3": 3, "day7": 4}
    response = sorted(by_kind.values(), key=lambda r: (order.get(r.kind, 9), r.kind))

    flags = session.scalars(
        select(Flag).where(Flag.clinic_id == clinic.id, Flag.created_at >= since)
    ).all()
    week_starts = [first_week + timedelta(weeks=i) for i in range(weeks)]
    week_rows = {w: Week(w, dict.fromkeys(FLAG_LEVELS, 0)) for w in week_starts}
    finding_totals: Counter[str] = Counter()
    findings_by_week: dict[str, dict[date, int]] = defaultdict(lambda: dict.fromkeys(
        week_starts, 0))
    for f in flags:
        w = _week_start(f.created_at, tz)
        if w in week_rows:
            week_rows[w].levels[f.level] = week_rows[w].levels.get(f.level, 0) + 1
        labels = {item.get("label") or item.get("key") for item in (f.findings or [])}
        for label in filter(None, labels):
            finding_totals[str(label)] += 1
            if w in week_rows:
                findings_by_week[str(label)][w] += 1
    ack_times = [f.acknowledged_at - f.created_at for f in flags if f.acknowledged_at]
    resolve_times = [f.resolved_at - f.created_at for f in flags if f.resolved_at]

    return Report(
        since=since, response=response, weeks=list(week_rows.values()),
        findings=finding_totals.most_common(12), findings_by_week=dict(findings_by_week),
        median_ack=median(ack_times) if ack_times else None,
        median_resolve=median(resolve_times) if resolve_times else None,
        acked=len(ack_times), resolved=len(resolve_times),
        lots=lots(session, clinic.id, since),
    )


def lots(session: Session, clinic_id: int, since: datetime) -> list[LotRow]:
    """Reactions (mild or worse answers) and triage flags per infusion, by product and lot.

    Each reaction counts against the infusion its check-in was about, or,
    for a text that answered no check-in, the patient's latest infusion
    before it."""
    infusions = session.scalars(
        select(Infusion).join(Patient, Patient.id == Infusion.patient_id)
        .where(Patient.clinic_id == clinic_id, Infusion.ended_at >= since)
    ).all()
    if not infusions:
        return []
    by_patient: dict[int, list[Infusion]] = defaultdict(list)
    for inf in sorted(infusions, key=lambda i: i.ended_at):
        by_patient[inf.patient_id].append(inf)
    checkin_infusion: dict[int, int] = {
        cid: iid for cid, iid in session.execute(
            select(Checkin.id, Checkin.infusion_id)
            .join(Patient, Patient.id == Checkin.patient_id)
            .where(Patient.clinic_id == clinic_id))}

    def infusion_of(patient_id: int | None, checkin_id: int | None,
                    at: datetime) -> int | None:
        if checkin_id is not None and checkin_id in checkin_infusion:
            return checkin_infusion[checkin_id]
        before = [i for i in by_patient.get(patient_id or 0, []) if i.ended_at <= at]
        return before[-1].id if before else None

    reactions: Counter[int] = Counter()
    for m in session.scalars(select(Message).where(
            Message.clinic_id == clinic_id, Message.direction == Direction.INBOUND,
            Message.level.in_(REACTION_LEVELS), Message.created_at >= since)):
        inf_id = infusion_of(m.patient_id, m.checkin_id, m.created_at)
        if inf_id is not None:
            reactions[inf_id] += 1
    flagged: Counter[int] = Counter()
    for f in session.scalars(select(Flag).where(
            Flag.clinic_id == clinic_id, Flag.reason == FlagReason.TRIAGE,
            Flag.created_at >= since)):
        inf_id = infusion_of(f.patient_id, f.checkin_id, f.created_at)
        if inf_id is not None:
            flagged[inf_id] += 1

    groups: dict[tuple[str, str], LotRow] = {}
    for inf in infusions:
        key = (inf.product or "(no product)", inf.lot or "(no lot)")
        row = groups.setdefault(key, LotRow(key[0], key[1], 0, 0, 0))
        row.infusions += 1
        row.reactions += reactions[inf.id]
        row.flags += flagged[inf.id]
    rows = list(groups.values())
    total_inf = sum(r.infusions for r in rows)
    total_react = sum(r.reactions for r in rows)
    for r in rows:
        rest_inf = total_inf - r.infusions
        rest_rate = (total_react - r.reactions) / rest_inf if rest_inf else 0.0
        r.stands_out = (rest_inf > 0 and r.infusions >= MIN_INFUSIONS
                        and r.reactions >= MIN_REACTIONS
                        and r.reactions_per_infusion >= STAND_OUT_RATIO * max(rest_rate, 0.05))
    return sorted(rows, key=lambda r: (-r.reactions_per_infusion, r.product, r.lot))
