"""Clinic-level delivery alerts: what stops texts from going out, told to a person.

A patient-level flag per unsent check-in would bury the nurses under hundreds
of identical flags during one provider outage, and would say nothing when the
cause is ours (the account). So delivery problems that are about the clinic,
not the patient, raise ONE alert per clinic and kind, shown as a banner on
every staff page, listed in the daily digest and in ``/healthz``:

* ``credentials``: the provider refuses our account (bad credentials,
  suspended). Nothing goes out until someone fixes it; the check-ins wait
  without using up attempts. Cleared by the first send that succeeds.
* ``unsent``: check-ins that were never sent before they went stale (a long
  provider outage, or the account refused for hours). Counted; the patients'
  check-ins say why. A nurse dismisses it (audited) once they have looked.

No PHI: counts, times and the provider's error codes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from followup.models import AlertKind, Clinic, ClinicAlert, table
from followup.staff.audit import audit

CREDENTIALS = AlertKind.CREDENTIALS
UNSENT = AlertKind.UNSENT
KINDS = (CREDENTIALS, UNSENT)

_alerts = table(ClinicAlert)
_INSERT_ONCE = {
    name: dialect.insert(_alerts).on_conflict_do_nothing(index_elements=["clinic_id", "kind"])
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


class AlertStateError(ValueError):
    """The alert cannot be dismissed (it clears itself, or is already cleared)."""


def raise_alert(session: Session, *, clinic_id: int, kind: str, now: datetime,
                detail: str | None, count: int = 1) -> None:
    """Open the clinic's alert of this kind, or count into the one already open.

    Race-free between dispatchers: the row exists once per clinic and kind
    (insert, do nothing on conflict) and the count moves in one UPDATE."""
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r}")
    conn = session.connection()
    _ensure_row(conn, clinic_id, kind, now)
    cleared = _alerts.c.cleared_at.is_not(None)
    conn.execute(
        update(_alerts)
        .where(_alerts.c.clinic_id == clinic_id, _alerts.c.kind == kind)
        .values(count=case((cleared, count), else_=_alerts.c.count + count),
                since=case((cleared, now), else_=_alerts.c.since),
                last_at=now, detail=(detail or "")[:255] or None,
                cleared_at=None, cleared_by=None))


def _ensure_row(conn: Connection, clinic_id: int, kind: str, now: datetime) -> None:
    row = {"clinic_id": clinic_id, "kind": kind, "since": now, "last_at": now, "count": 0,
           "cleared_at": now}  # born cleared: the UPDATE that follows opens it
    stmt = _INSERT_ONCE.get(conn.dialect.name)
    if stmt is not None:
        conn.execute(stmt, row)
        return
    try:
        with conn.begin_nested():
            conn.execute(_alerts.insert(), row)
    except IntegrityError:
        pass


def clear_alerts(session: Session, *, kind: str, now: datetime, actor: str = "system") -> int:
    """Close every open alert of this kind (e.g. a send went through: the
    account works again). One statement, a no-op when nothing is open."""
    return session.connection().execute(
        update(_alerts).where(_alerts.c.kind == kind, _alerts.c.cleared_at.is_(None))
        .values(cleared_at=now, cleared_by=actor)).rowcount or 0


def open_alerts(session: Session, clinic_id: int | None = None) -> list[ClinicAlert]:
    """Open alerts, of one clinic or (``/healthz``) of all, credentials first."""
    query = select(ClinicAlert).where(ClinicAlert.cleared_at.is_(None))
    if clinic_id is not None:
        query = query.where(ClinicAlert.clinic_id == clinic_id)
    alerts = session.scalars(query.order_by(ClinicAlert.clinic_id, ClinicAlert.id)).all()
    return sorted(alerts, key=lambda a: KINDS.index(a.kind) if a.kind in KINDS else 9)


def dismiss(session: Session, alert: ClinicAlert, *, actor: str, now: datetime) -> None:
    """A nurse has seen the count of unsent check-ins. Audited; the caller commits."""
    if alert.kind != UNSENT:
        raise AlertStateError("this alert clears itself once texts go out again")
    if alert.cleared_at is not None:
        raise AlertStateError("the alert is already dismissed")
    alert.cleared_at, alert.cleared_by = now, actor
    audit(session, clinic_id=alert.clinic_id, actor=actor, action="alert.dismiss",
          target_type="clinic_alert", target_id=alert.id, detail={"count": alert.count},
          now=now)


@dataclass(frozen=True)
class AlertLine:
    id: int
    kind: str
    headline: str  # short, for the digest (an SMS)
    text: str  # headline, the provider's error and what to do, for pages

    @property
    def dismissable(self) -> bool:
        return self.kind == UNSENT


def describe(alert: ClinicAlert, tz: ZoneInfo | None) -> AlertLine:
    """The alert in words a nurse (or an operator) acts on.

    ``tz`` is the clinic's zone for staff; ``/healthz`` passes None for UTC."""
    since = alert.since.astimezone(tz) if tz else alert.since
    at = since.strftime("%H:%M") if tz else since.strftime("%Y-%m-%d %H:%M UTC")
    why = f" ({alert.detail})" if alert.detail else ""
    if alert.kind == CREDENTIALS:
        headline = f"Twilio refuses our credentials since {at}: nothing is being sent."
        return AlertLine(alert.id, alert.kind, headline,
                         f"{headline[:-1]}{why}. Fix the Twilio account settings; "
                         "the check-ins wait and go out once it works.")
    texts = "check-in was" if alert.count == 1 else "check-ins were"
    headline = f"{alert.count} {texts} not sent since {at}: texts could not go out in time."
    return AlertLine(alert.id, alert.kind, headline,
                     f"{headline[:-1]}{why}. Each patient's check-ins say why; "
                     "call the patients who need it.")


def alert_lines(session: Session, clinic: Clinic | None) -> list[AlertLine]:
    """The open alerts of a clinic in its local time, or of every clinic in UTC."""
    if clinic is None:
        return [describe(a, None) for a in open_alerts(session)]
    tz = ZoneInfo(clinic.timezone)
    return [describe(a, tz) for a in open_alerts(session, clinic.id)]
