"""The nurses' pages: the live flag queue, a patient's timeline, non-responders
and metrics.

Everything is scoped to the signed-in user's clinic: another clinic's ids
answer 404 exactly like ids that do not exist, so ids cannot be probed.
Patient text is attacker-controlled and reaches the page only through Jinja's
autoescaping (never ``|safe``), including the polled queue fragment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import or_, select

from followup import flags as flag_service
from followup import metrics as metrics_service
from followup.app import db, services
from followup.dispatch import STAFF_KIND
from followup.models import Checkin, Flag, Message, Patient, User
from followup.texts import sms_segments
from followup.web.auth import login_required, staff_audit, staff_blueprint
from followup.web.scoping import owned

bp = staff_blueprint("dashboard", __name__)

MAX_SEGMENTS = 2
NOTE_MAX = 2000
LEVELS = {
    # text + icon, never colour alone
    "emergency": ("Emergency", "‼"),
    "urgent": ("Urgent", "⚠"),
    "routine": ("Routine", "ℹ"),
    "mild": ("Mild", "•"),
    "ok": ("OK", "✓"),
    "unclear": ("Unclear", "?"),
}
REASONS = {"triage": "Symptoms reported", "question": "Unclear answer or question",
           "asked_back": "Unclear, asked back (red-flag question sent)",
           "no_response": "No answer to check-in", "undeliverable": "Text not delivered"}


# -- template helpers ------------------------------------------------------------
@bp.app_template_filter("local")
def local_time(value: datetime | None, fmt: str = "%a %d %b %H:%M") -> str:
    """A time in the clinic's zone: what the nurse's wall clock says."""
    if value is None:
        return ""
    tz = ZoneInfo(g.clinic.timezone) if getattr(g, "clinic", None) else None
    return value.astimezone(tz).strftime(fmt) if tz else value.strftime(fmt)


@bp.app_template_filter("since")
def since(value: datetime | None) -> str:
    """How long ago, in the largest two units ("2 h 5 min")."""
    if value is None:
        return ""
    return duration(services().clock.now() - value)


def duration(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


@bp.app_template_global("level_label")
def level_label(level: str | None) -> tuple[str, str]:
    return LEVELS.get(level or "", ((level or "").title(), ""))


@bp.app_template_global("reason_label")
def reason_label(reason: str | None) -> str:
    return REASONS.get(reason or "", reason or "")


@bp.app_template_filter("who")
def who(actor: str | None) -> str:
    """"user:3" as the person's email; system and API actors as words."""
    if not actor:
        return ""
    kind, _, ident = actor.partition(":")
    if kind == "user" and ident.isdigit():
        names: dict[int, str] = g.setdefault("_user_names", {})
        uid = int(ident)
        if uid not in names:
            user = db().get(User, uid)
            names[uid] = user.email if user and user.clinic_id == g.clinic.id else actor
        return names[uid]
    return {"system": "the system", "token": "API token " + ident, "cli": "command line",
            "patient": "the patient (by text)"}.get(
        kind, actor)


# -- scoping -------------------------------------------------------------------------
def own_patient(patient_id: int) -> Patient:
    return owned(Patient, patient_id, "patient")


def own_flag(flag_id: int) -> Flag:
    return owned(Flag, flag_id, "flag")


def _back(default: str) -> str:
    """Where a form came from (the queue or the patient page), on this site only."""
    target = request.form.get("back", "")
    return target if target.startswith("/") and not target.startswith("//") else default


# -- the queue -------------------------------------------------------------------
def _queue_context() -> dict[str, Any]:
    session = db()
    return {
        "open_flags": flag_service.queue(session, g.clinic.id, "open"),
        "acked_flags": flag_service.queue(session, g.clinic.id, "acknowledged"),
    }


@bp.get("/")
@login_required
def queue() -> Any:
    return render_template("staff/queue.html", **_queue_context())


@bp.get("/queue/fragment")
@login_required(touch=False)
def queue_fragment() -> Any:
    """The two lists, polled every few seconds by the queue page's script."""
    return render_template("staff/_queue_lists.html", **_queue_context())


@bp.post("/flags/<int:flag_id>/acknowledge")
@login_required
def acknowledge(flag_id: int) -> Any:
    flag = own_flag(flag_id)
    try:
        flag_service.acknowledge(db(), flag, actor=g.actor, now=services().clock.now())
    except flag_service.FlagStateError as exc:
        flash(f"Not acknowledged: {exc}.", "error")
        return redirect(_back(url_for(".queue")))
    db().commit()
    flash(f"Flag for {flag.patient.first_name} acknowledged.", "success")
    return redirect(_back(url_for(".queue")))


@bp.post("/flags/<int:flag_id>/resolve")
@login_required
def resolve(flag_id: int) -> Any:
    flag = own_flag(flag_id)
    note = request.form.get("note", "").strip()
    if not note:
        flash("Not resolved: write a note saying what was done.", "error")
        return redirect(_back(url_for(".queue")))
    if len(note) > NOTE_MAX:
        flash(f"Not resolved: the note is too long (at most {NOTE_MAX} characters).", "error")
        return redirect(_back(url_for(".queue")))
    try:
        flag_service.resolve(db(), flag, actor=g.actor, note=note, now=services().clock.now())
    except flag_service.FlagStateError as exc:
        flash(f"Not resolved: {exc}.", "error")
        return redirect(_back(url_for(".queue")))
    db().commit()
    flash(f"Flag for {flag.patient.first_name} resolved.", "success")
    return redirect(_back(url_for(".queue")))


# -- patients --------------------------------------------------------------------------
@bp.route("/patients", methods=["GET", "POST"])
@login_required
def patients() -> Any:
    # The search is POSTed: a name or phone in a URL ends up in access logs
    # and browser history, and URLs must carry no PHI.
    q = request.form.get("q", "").strip()[:100] if request.method == "POST" else ""
    stmt = select(Patient).where(Patient.clinic_id == g.clinic.id)
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        conds = [Patient.first_name.ilike(f"%{q}%"), Patient.external_id == q]
        if len(digits) >= 4:
            conds.append(Patient.phone.like(f"%{digits}%"))
        stmt = stmt.where(or_(*conds))
    rows = db().scalars(stmt.order_by(Patient.created_at.desc(), Patient.id.desc())
                        .limit(200)).all()
    return render_template("staff/patients.html", patients=rows, q=q)


def _timeline(patient: Patient) -> dict[str, Any]:
    session = db()
    messages = session.scalars(
        select(Message).where(Message.patient_id == patient.id)
        .order_by(Message.created_at, Message.id)).all()
    out_status: dict[int, str] = {}
    for m in messages:
        if m.direction == "out" and m.checkin_id and m.reply_to_id is None:
            out_status[m.checkin_id] = m.status
    flags = session.scalars(
        select(Flag).where(Flag.patient_id == patient.id)
        .order_by(Flag.created_at.desc(), Flag.id.desc())).all()
    return {"patient": patient, "messages": messages, "flags": flags,
            "delivery": out_status, "max_segments": MAX_SEGMENTS}


@bp.get("/patients/<int:patient_id>")
@login_required
def patient(patient_id: int) -> Any:
    p = own_patient(patient_id)
    staff_audit("patient.view", "patient", p.id)
    db().commit()
    return render_template("staff/patient.html", **_timeline(p),
                           draft="")


@bp.post("/patients/<int:patient_id>/message")
@login_required
def send_message(patient_id: int) -> Any:
    p = own_patient(patient_id)
    body = request.form.get("body", "").strip()
    error = None
    if p.opted_out_at is not None:
        error = "Not sent: this patient texted STOP. Only they can restart texts (START)."
    elif not body:
        error = "Not sent: the message is empty."
    elif sms_segments(body) > MAX_SEGMENTS:
        error = (f"Not sent: the message is {sms_segments(body)} SMS segments long; "
                 f"at most {MAX_SEGMENTS} are allowed. Shorten it.")
    elif not p.infusions:
        error = "Not sent: the patient has no infusion on record."
    if error:
        db().rollback()
        ctx = _timeline(p)
        return render_template("staff/patient.html", **ctx, draft=body,
                               message_error=error), 400
    now = services().clock.now()
    checkin = Checkin(
        patient_id=p.id, infusion_id=p.infusions[-1].id, kind=STAFF_KIND,
        template="staff_message", body=body, created_by=g.actor, due_at=now,
        next_attempt_at=now, status="pending", created_at=now)
    db().add(checkin)
    db().flush()
    staff_audit("patient.message", "patient", p.id, {"checkin_id": checkin.id})
    db().commit()
    flash("Message queued: it goes out with the next dispatcher pass (within a minute).",
          "success")
    return redirect(url_for(".patient", patient_id=p.id) + "#conversation")


@bp.post("/patients/<int:patient_id>/pause")
@login_required
def pause(patient_id: int) -> Any:
    p = own_patient(patient_id)
    if p.paused_at is None:
        p.paused_at, p.paused_by = services().clock.now(), g.actor
        staff_audit("patient.pause", "patient", p.id)
        db().commit()
    flash("Check-ins paused: none will be sent until you resume them.", "success")
    return redirect(url_for(".patient", patient_id=p.id))


@bp.post("/patients/<int:patient_id>/resume")
@login_required
def resume(patient_id: int) -> Any:
    p = own_patient(patient_id)
    if p.paused_at is not None:
        p.paused_at, p.paused_by = None, None
        staff_audit("patient.resume", "patient", p.id)
        db().commit()
    flash("Check-ins resumed.", "success")
    return redirect(url_for(".patient", patient_id=p.id))


# -- follow-through and numbers ---------------------------------------------------------------
@bp.get("/non-responders")
@login_required
def non_responders() -> Any:
    rows = metrics_service.non_responders(db(), g.clinic.id, services().clock.now())
    return render_template("staff/non_responders.html", rows=rows)


@bp.get("/metrics")
@login_required
def metrics() -> Any:
    weeks = min(max(request.args.get("weeks", 8, type=int) or 8, 1), 52)
    report = metrics_service.report(db(), g.clinic, services().clock.now(), weeks=weeks)
    return render_template("staff/metrics.html", m=report, weeks=weeks)


# -- chart rows: (label, value, text, highlight) for the SVG bar macro ------------------------
@bp.app_template_filter("response_row")
def response_row(r: metrics_service.KindRate) -> tuple[str, float, str, bool]:
    return (r.kind, r.rate, f"{r.rate:.0%} ({r.answered}/{r.sent})", False)


@bp.app_template_filter("finding_row")
def finding_row(item: tuple[str, int]) -> tuple[str, int, str, bool]:
    label = item[0] if len(item[0]) <= 28 else item[0][:27] + "…"
    return (label, item[1], str(item[1]), False)


@bp.app_template_filter("lot_row")
def lot_row(r: metrics_service.LotRow) -> tuple[str, float, str, bool]:
    label = f"{r.product} · {r.lot}"
    return (label if len(label) <= 28 else label[:27] + "…", r.reactions_per_infusion,
            f"{r.reactions_per_infusion:.2f} ({r.reactions}/{r.infusions})", r.stands_out)


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"duration": duration,
            "session_idle_minutes": services().settings.web.session_idle_minutes}
