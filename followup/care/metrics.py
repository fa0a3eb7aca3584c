"""Numbers for the clinic: who has gone quiet, how patients answer, how fast
nurses act, and whether one product or lot causes more reactions.

Plain queries over one clinic's rows, with portable SQL only (no dialect
tricks) so they read the same on SQLite and PostgreSQL. The per-lot counts are
grouped in the database over a date window: they span every infusion, and a
clinic's history grows without end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Subquery, case, func, select
from sqlalchemy.orm import Session, aliased

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


def _median(spans: list[timedelta]) -> timedelta | None:
    """The middle span (the mean of the two middle ones for an even count); None if none."""
    if not spans:
        return None
    ordered = sorted(spans)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


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
        median_ack=_median(ack_times), median_resolve=_median(resolve_times),
        acked=len(ack_times), resolved=len(resolve_times),
        lots=lots(session, clinic.id, since),
    )


def lots(session: Session, clinic_id: int, since: datetime,
         until: datetime | None = None) -> list[LotRow]:
    """Reactions (mild or worse answers) and triage flags per infusion, by product and lot.

    Infusions that ended in [since, until) are counted; so are the reactions and
    flags of that window. Each reaction counts against the infusion its check-in
    was about, or, for a text that answered no check-in, the patient's latest
    infusion of the window ended before it. Counted by the database (GROUP BY):
    a clinic's whole history never travels into Python."""
    in_window = [Patient.clinic_id == clinic_id, Infusion.ended_at >= since]
    if until is not None:
        in_window.append(Infusion.ended_at < until)
    product = func.coalesce(func.nullif(Infusion.product, ""), "(no product)").label("product")
    lot = func.coalesce(func.nullif(Infusion.lot, ""), "(no lot)").label("lot")
    groups: dict[tuple[str, str], LotRow] = {
        (p, lt): LotRow(p, lt, n, 0, 0) for p, lt, n in session.execute(
            select(product, lot, func.count(Infusion.id))
            .join(Patient, Patient.id == Infusion.patient_id).where(*in_window)
            .group_by(product, lot))}
    if not groups:
        return []
    reaction = Message.direction == Direction.INBOUND, Message.level.in_(REACTION_LEVELS)
    for counted, table, where in (
            ("reactions", Message, reaction),
            ("flags", Flag, (Flag.reason == FlagReason.TRIAGE,))):
        attributed = _attributed_infusions(table, clinic_id, since, until, in_window, where)
        for p, lt, n in session.execute(
                select(product, lot, func.count())
                .select_from(attributed).join(Infusion, Infusion.id == attributed.c.infusion_id)
                .join(Patient, Patient.id == Infusion.patient_id).where(*in_window)
                .group_by(product, lot)):
            setattr(groups[(p, lt)], counted, n)
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


def _attributed_infusions(table: type[Message] | type[Flag], clinic_id: int, since: datetime,
                          until: datetime | None, in_window: list[ColumnElement[bool]],
                          where: tuple[ColumnElement[bool], ...]) -> Subquery:
    """One row per message (or flag) of the window: the infusion it counts against.

    Its check-in's infusion when it names a check-in of this clinic; else the
    patient's latest infusion of the window that ended before it."""
    latest = (select(Infusion.id).join(Patient, Patient.id == Infusion.patient_id)
              .where(*in_window, Infusion.patient_id == table.patient_id,
                     Infusion.ended_at <= table.created_at)
              .order_by(Infusion.ended_at.desc(), Infusion.id.desc()).limit(1)
              .correlate(table).scalar_subquery())
    own_checkin = aliased(Checkin)
    checkin_patient = aliased(Patient)
    window = [table.clinic_id == clinic_id, table.created_at >= since, *where]
    if until is not None:
        window.append(table.created_at < until)
    return (select(case((checkin_patient.id.is_not(None), own_checkin.infusion_id),
                        else_=latest).label("infusion_id"))
            .select_from(table)
            .outerjoin(own_checkin, own_checkin.id == table.checkin_id)
            .outerjoin(checkin_patient, (checkin_patient.id == own_checkin.patient_id)
                       & (checkin_patient.clinic_id == clinic_id))
            .where(*window).subquery())
