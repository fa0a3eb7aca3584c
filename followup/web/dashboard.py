"""The nurses' pages: the live flag queue, a patient's timeline, non-responders
and metrics.

Everything is scoped to the signed-in user's clinic: another clinic's ids
answer 404 exactly like ids that do not exist, so ids cannot be probed.
Patient text is attacker-controlled and reaches the page only through Jinja's
autoescaping (never ``|safe``), including the polled queue fragment.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from sqlalchemy import or_, select

from followup import validation as v
from followup.care import alerts as alert_service
from followup.care import flags as flag_service
from followup.care import metrics as metrics_service
from followup.care import pager, quick_replies
from followup.care.escalation import EscalationState, escalation_state, oncall_ladder
from followup.extensions import db, services
from followup.messaging.inbound import unknown_number_texts
from followup.messaging.staff_text import MAX_SEGMENTS, StaffTextError, queue_staff_text
from followup.messaging.texts import LANGUAGES
from followup.models import (
    ClinicAlert,
    Direction,
    Flag,
    FlagStatus,
    Message,
    MessageStatus,
    Patient,
    PatientChange,
    User,
)
from followup.patients import notes as patient_notes
from followup.patients import pause as patient_pause
from followup.patients.enrollment import (
    IdentityConflict,
    edit_patient,
    phone_holders,
    record_conflict,
)
from followup.staff.sealed import seal, unseal
from followup.web import labels
from followup.web.auth import (
    flash_about,
    idle_seconds_left,
    login_required,
    staff_audit,
    staff_blueprint,
)
from followup.web.scoping import owned

bp = staff_blueprint("dashboard", __name__)

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
           "no_response": "No answer to check-in", "undeliverable": "Text not delivered",
           "stopped": "Stopped the texts", "unclear": "Shared phone: which patient?"}
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
ASSIGNEE_RE = re.compile(r"^user:\d{1,9}$")
SEARCH_PURPOSE = "patient-search"


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


@bp.app_template_filter("tel")
def tel(e164: str | None) -> Markup:
    """Every phone number staff see: formatted for the clinic's country and a
    ``tel:`` link, so a nurse can call with one tap. The one place for it."""
    if not e164:
        return Markup("")
    clinic = getattr(g, "clinic", None)
    shown = v.phone_for_region(e164, v.region_of(clinic.phone) if clinic else None)
    return Markup('<a class="tel" href="tel:{}">{}</a>').format(
        escape(e164.replace(" ", "")), escape(shown))


@bp.app_template_global("level_label")
def level_label(level: str | None) -> tuple[str, str]:
    return LEVELS.get(level or "", ((level or "").title(), ""))


@bp.app_template_global("reason_label")
def reason_label(reason: str | None) -> str:
    return REASONS.get(reason or "", reason or "")


@bp.app_template_filter("plural")
def plural(count: int, singular: str, many: str | None = None) -> str:
    """"1 flag", "2 flags"."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


bp.add_app_template_filter(duration, "duration")
for _name, _fn in (("kind_label", labels.kind), ("checkin_status_label", labels.checkin_status),
                   ("skip_label", labels.skip_reason), ("flag_status_label", labels.flag_status),
                   ("event_label", labels.flag_event), ("audit_action_label", labels.audit_action)):
    bp.add_app_template_filter(_fn, _name)


@bp.app_template_global("escalation")
def escalation(flag: Flag) -> EscalationState | None:
    """Who will be paged about this flag and when (see ``escalation_state``)."""
    ladder = g.get("_ladder")
    if ladder is None:
        ladder = g._ladder = oncall_ladder(g.clinic)
    return escalation_state(flag, ladder, rules=services().settings.escalation,
                            now=services().clock.now(), tz=ZoneInfo(g.clinic.timezone))


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
            names[uid] = ((user.display_name or user.email)
                          if user and user.clinic_id == g.clinic.id else actor)
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
def _queue_filter() -> flag_service.QueueFilter:
    """The queue's filters from the query string; unknown values mean "any"."""
    args = request.args
    level = args.get("level", "")
    reason = args.get("reason", "")
    language = args.get("language", "")
    assignee = args.get("assignee", "")
    sort = args.get("sort", "priority")
    return flag_service.QueueFilter(
        level=level if level in flag_service.LEVEL_ORDER else "",
        reason=reason if reason in REASONS else "",
        language=language if language in LANGUAGES else "",
        assignee=assignee if assignee in ("mine", "unassigned")
        or ASSIGNEE_RE.match(assignee) else "",
        viewer=g.actor, sort=sort if sort in flag_service.SORTS else "priority")


def _filter_args(where: flag_service.QueueFilter) -> dict[str, str]:
    values = {"level": where.level, "reason": where.reason, "language": where.language,
              "assignee": where.assignee,
              "sort": "" if where.sort == "priority" else where.sort}
    return {k: v for k, v in values.items() if v}


def _staff() -> list[User]:
    return list(db().scalars(select(User).where(User.clinic_id == g.clinic.id)
                             .order_by(User.email)))


def _queue_context() -> dict[str, Any]:
    session = db()
    where = _queue_filter()
    return {
        "open_flags": flag_service.queue(session, g.clinic.id, FlagStatus.OPEN, where),
        "acked_flags": flag_service.queue(session, g.clinic.id, FlagStatus.ACKNOWLEDGED, where),
        "where": where, "filter_args": _filter_args(where), "staff": _staff(),
        "replies": {lang: quick_replies.for_clinic(session, g.clinic.id, lang)
                    for lang in LANGUAGES},
        "no_oncall": not oncall_ladder(g.clinic),
    }


def _secret() -> str:
    """The app's secret key as text (``create_app`` sets a str; Flask's type allows bytes)."""
    key = current_app.secret_key
    return key.decode() if isinstance(key, bytes) else (key or "")


def _pager_token() -> str:
    return pager.issue(_secret(), clinic_id=g.clinic.id, user_id=g.user.id,
                       now=services().clock.now())


@bp.get("/")
@login_required
def queue() -> Any:
    unknown = unknown_number_texts(db(), g.clinic, services().clock.now())
    return render_template("staff/queue.html", **_queue_context(), unknown_texts=unknown,
                           reasons=REASONS, languages=LANGUAGE_NAMES,
                           pager_token=_pager_token(), idle_left=idle_seconds_left(),
                           idle_warning=services().settings.web.idle_warning_minutes * 60)


@bp.get("/queue/fragment")
@login_required(touch=False)
def queue_fragment() -> Any:
    """The two lists, polled every few seconds by the queue page's script.

    Not activity (``touch=False``): it says how long the session has left and
    hands the page a fresh pager token for after it ends."""
    body = render_template("staff/_queue_lists.html", **_queue_context())
    return body, 200, {"X-Idle-Seconds-Left": str(int(idle_seconds_left())),
                       "X-Pager-Token": _pager_token(), "Cache-Control": "no-store"}


@bp.get("/queue/waiting")
def queue_waiting() -> Any:
    """Counts of open flags by level for a queue page whose session ended.

    No session needed, and nothing but counts for the one clinic named by the
    pager token in ``X-Pager-Token`` (a header: never in a URL or cookie)."""
    svc = services()
    claim = pager.read(db(), _secret(),
                       request.headers.get("X-Pager-Token", ""), now=svc.clock.now(),
                       hours=svc.settings.web.pager_hours)
    headers = {"Cache-Control": "no-store"}
    if claim is None:
        return jsonify(error="This page can no longer check for flags: sign in again."), \
            401, headers
    return jsonify(pager.waiting(db(), claim.clinic_id)), 200, headers


@bp.post("/flags/<int:flag_id>/acknowledge")
@login_required
def acknowledge(flag_id: int) -> Any:
    flag = own_flag(flag_id)
    if flag.status == FlagStatus.ACKNOWLEDGED:
        holder = ("you" if flag.acknowledged_by == g.actor else who(flag.acknowledged_by))
        flash_about(flag.patient_id, f"Already acknowledged by {holder} at "
                    f"{local_time(flag.acknowledged_at)}: " + "{patient}'s flag is being "
                    "worked on.", "info")
        return redirect(_back(url_for(".queue")))
    try:
        flag_service.acknowledge(db(), flag, actor=g.actor, now=services().clock.now())
    except flag_service.FlagStateError as exc:
        flash(f"Not acknowledged: {exc}.", "error")
        return redirect(_back(url_for(".queue")))
    db().commit()
    held = (f" It stays assigned to {who(flag.assigned_to)}."
            if flag.assigned_to and flag.assigned_to != g.actor else "")
    flash_about(flag.patient_id, "Flag for {patient} acknowledged." + held)
    return redirect(_back(url_for(".queue")))


@bp.post("/flags/<int:flag_id>/assign")
@login_required
def assign(flag_id: int) -> Any:
    flag = own_flag(flag_id)
    choice = request.form.get("assignee", "")
    assignee: str | None
    if choice == "me":
        assignee = g.actor
    elif choice == "":
        assignee = None
    elif ASSIGNEE_RE.match(choice) and (user := db().get(User, int(choice[5:]))) is not None \
            and user.clinic_id == g.clinic.id:
        assignee = choice
    else:
        flash("Not assigned: choose a person from your clinic.", "error")
        return redirect(_back(url_for(".queue")))
    try:
        changed = flag_service.assign(db(), flag, assignee=assignee, actor=g.actor,
                                      now=services().clock.now())
    except flag_service.FlagStateError as exc:
        flash(f"Not assigned: {exc}.", "error")
        return redirect(_back(url_for(".queue")))
    db().commit()
    where = f"assigned to {who(assignee)}." if assignee else "unassigned."
    if not changed:
        flash_about(flag.patient_id, "No change: {patient}'s flag was already " + where, "info")
    else:
        flash_about(flag.patient_id, "{patient}'s flag is now " + where)
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
    flash_about(flag.patient_id, "Flag for {patient} resolved.")
    return redirect(_back(url_for(".queue")))


# -- patients --------------------------------------------------------------------------
def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own % and _ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@bp.route("/patients", methods=["GET", "POST"])
@login_required
def patients() -> Any:
    """Search: the form is POSTed and answered with a redirect to a GET whose
    URL holds the query sealed (``?s=``), so Back and reload work without
    resubmitting, and no name or phone reaches access logs or history."""
    svc = services()
    secret = _secret()
    if request.method == "POST":
        q = request.form.get("q", "").strip()[:100]
        if not q:
            return redirect(url_for(".patients"), 303)
        token = seal(secret, SEARCH_PURPOSE, {"q": q, "u": g.user.id}, svc.clock.now())
        return redirect(url_for(".patients", s=token), 303)
    q, expired = "", False
    if request.args.get("s"):
        payload = unseal(secret, SEARCH_PURPOSE, request.args["s"], svc.clock.now(),
                         timedelta(hours=svc.settings.web.session_max_hours))
        if payload is None or payload.get("u") != g.user.id or not isinstance(
                payload.get("q"), str):
            expired = True
        else:
            q = payload["q"]
    stmt = select(Patient).where(Patient.clinic_id == g.clinic.id)
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        # Names and clinic ids (MRNs) match anywhere, in any case: "mr-00" finds MR-0042.
        conds = [Patient.first_name.ilike(_like(q), escape="\\"),
                 Patient.external_id.ilike(_like(q), escape="\\")]
        if len(digits) >= 4:
            conds.append(Patient.phone.like(f"%{digits}%"))
        stmt = stmt.where(or_(*conds))
    rows = db().scalars(stmt.order_by(Patient.created_at.desc(), Patient.id.desc())
                        .limit(200)).all()
    return render_template("staff/patients.html", patients=rows, q=q, expired=expired)


def _timeline(patient: Patient) -> dict[str, Any]:
    session = db()
    messages = session.scalars(
        select(Message).where(Message.patient_id == patient.id)
        .order_by(Message.created_at, Message.id)).all()
    out_status: dict[int, MessageStatus] = {}
    for m in messages:
        if m.direction == Direction.OUTBOUND and m.checkin_id and m.reply_to_id is None:
            out_status[m.checkin_id] = m.status
    flags = session.scalars(
        select(Flag).where(Flag.patient_id == patient.id)
        .order_by(Flag.created_at.desc(), Flag.id.desc())).all()
    changes = session.scalars(
        select(PatientChange).where(PatientChange.patient_id == patient.id)
        .order_by(PatientChange.at.desc(), PatientChange.id.desc())).all()
    return {"patient": patient, "messages": messages, "flags": flags,
            "delivery": out_status, "max_segments": MAX_SEGMENTS, "changes": changes,
            "phone_mates": phone_holders(session, patient.clinic_id, patient.phone,
                                         exclude=patient.id),
            "notes": patient_notes.for_patient(session, patient.id),
            "outcomes": patient_notes.CALL_OUTCOMES,
            "replies": quick_replies.for_clinic(session, g.clinic.id, patient.language),
            "note_error": None, "note_form": {}}


@bp.get("/patients/<int:patient_id>")
@login_required
def patient(patient_id: int) -> Any:
    p = own_patient(patient_id)
    staff_audit("patient.view", "patient", p.id)
    db().commit()
    return render_template("staff/patient.html", **_timeline(p),
                           draft="")


SENT_NOTICE = "Message queued: it goes out within a minute, even in quiet hours."


def _queue_text(p: Patient, body: str, action: str, detail: dict[str, Any]) -> str | None:
    """Queue a nurse's text (see ``messaging/staff_text.py``) and commit; or roll
    back and return why it was not sent, for the page."""
    try:
        queue_staff_text(db(), p, body, actor=g.actor, now=services().clock.now(),
                         action=action, detail=detail)
    except StaffTextError as exc:
        db().rollback()
        return f"Not sent: {exc}."
    db().commit()
    return None


@bp.post("/patients/<int:patient_id>/message")
@login_required
def send_message(patient_id: int) -> Any:
    p = own_patient(patient_id)
    body = request.form.get("body", "").strip()
    error = _queue_text(p, body, "patient.message", {})
    if error:
        return render_template("staff/patient.html", **_timeline(p), draft=body,
                               message_error=error), 400
    flash(SENT_NOTICE, "success")
    return redirect(url_for(".patient", patient_id=p.id) + "#conversation")


@bp.post("/patients/<int:patient_id>/edit")
@login_required
def edit_patient_view(patient_id: int) -> Any:
    """An explicit edit of name, language or phone, recorded before and after."""
    p = own_patient(patient_id)
    form = request.form
    data = {k: form.get(k, "") for k in ("first_name", "language", "phone")}
    now = services().clock.now()
    try:
        changes = edit_patient(db(), p, data, actor=g.actor, now=now,
                               region=v.region_of(g.clinic.phone),
                               household_ok=form.get("household") == "1")
    except v.ValidationError as exc:
        db().rollback()
        return render_template("staff/patient.html", **_timeline(p), draft="",
                               edit_errors=exc.fields, edit_form=form), 400
    except IdentityConflict as conflict:
        db().rollback()
        record_conflict(db(), g.clinic.id, conflict, actor=g.actor, now=now,
                        channel="edit form")
        db().commit()
        return render_template("staff/patient.html", **_timeline(p), draft="",
                               edit_conflict=conflict, edit_form=form), 409
    db().commit()
    flash("Saved: " + ", ".join(c.field.replace("_", " ") for c in changes) + " changed."
          if changes else "Nothing changed.", "success")
    return redirect(url_for(".patient", patient_id=p.id) + "#edit")


@bp.post("/patients/<int:patient_id>/quick-reply")
@login_required
def quick_reply(patient_id: int) -> Any:
    """Send one of the clinic's quick replies, in the patient's language."""
    p = own_patient(patient_id)
    back = _back(url_for(".patient", patient_id=p.id))
    reply = quick_replies.find(db(), g.clinic.id, p.language, request.form.get("reply", ""))
    if reply is None:
        flash("Not sent: choose one of the quick replies.", "error")
        return redirect(back)
    error = _queue_text(p, quick_replies.text_for(reply, p, g.clinic), "patient.quick_reply",
                        {"reply": reply.key})
    if error:
        flash(error, "error")
        return redirect(back)
    flash_about(p.id, f"Quick reply “{reply.title}” queued for " + "{patient}: it goes out "
                "within a minute, even in quiet hours.")
    return redirect(back)


@bp.post("/patients/<int:patient_id>/notes")
@login_required
def add_note(patient_id: int) -> Any:
    p = own_patient(patient_id)
    form = request.form
    try:
        patient_notes.add(db(), p, kind=form.get("kind", ""), outcome=form.get("outcome") or None,
                          body=form.get("body", ""), actor=g.actor,
                          now=services().clock.now())
    except patient_notes.NoteError as exc:
        db().rollback()
        ctx = {**_timeline(p), "note_error": f"Not saved: {exc}.", "note_form": form}
        return render_template("staff/patient.html", **ctx, draft=""), 400
    db().commit()
    flash("Call logged." if form.get("kind") == "call" else "Note saved.", "success")
    return redirect(url_for(".patient", patient_id=p.id) + "#notes")


@bp.post("/patients/<int:patient_id>/pause")
@login_required
def pause(patient_id: int) -> Any:
    p = own_patient(patient_id)
    try:
        patient_pause.pause(db(), p, actor=g.actor, now=services().clock.now())
    except patient_pause.AlreadyPaused:
        flash("Check-ins were already paused.", "info")  # e.g. a colleague, a moment ago
    else:
        db().commit()
        flash("Check-ins paused: none will be sent until you resume them.", "success")
    return redirect(url_for(".patient", patient_id=p.id))


@bp.post("/patients/<int:patient_id>/resume")
@login_required
def resume(patient_id: int) -> Any:
    p = own_patient(patient_id)
    try:
        patient_pause.resume(db(), p, actor=g.actor, now=services().clock.now())
    except patient_pause.NotPaused:
        flash("Check-ins were not paused.", "info")
    else:
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
    return render_template("staff/metrics.html", m=report, weeks=weeks,
                           stand_out_rule=metrics_service.STAND_OUT_RULE)


# -- chart rows: (label, value, text, highlight) for the SVG bar macro ------------------------
# Labels sit above their bar across the chart's width, so only a very long
# one is shortened (the table below always has it in full).
CHART_LABEL_MAX = 70


def _chart_label(text: str) -> str:
    return text if len(text) <= CHART_LABEL_MAX else text[:CHART_LABEL_MAX - 1] + "…"


bp.add_app_template_filter(metrics_service.percent, "percent")


@bp.app_template_filter("response_row")
def response_row(r: metrics_service.KindRate) -> tuple[str, float, str, bool]:
    return (labels.kind(r.kind), r.rate,
            f"{metrics_service.percent(r.rate)} ({r.answered}/{r.sent})", False)


@bp.app_template_filter("finding_row")
def finding_row(item: tuple[str, int]) -> tuple[str, int, str, bool]:
    return (_chart_label(item[0]), item[1], str(item[1]), False)


@bp.app_template_filter("lot_row")
def lot_row(r: metrics_service.LotRow) -> tuple[str, float, str, bool]:
    return (_chart_label(f"{r.product} · {r.lot}"), r.reactions_per_infusion,
            f"{r.reactions_per_infusion:.2f} ({r.reactions}/{r.infusions})", r.stands_out)


# -- clinic-level delivery alerts (banner on every staff page) --------------------------------
def delivery_alerts() -> list[alert_service.AlertLine]:
    """The signed-in clinic's open delivery alerts; called by the base template."""
    clinic = getattr(g, "clinic", None)
    return alert_service.alert_lines(db(), clinic) if clinic is not None else []


@bp.post("/alerts/<int:alert_id>/dismiss")
@login_required
def dismiss_alert(alert_id: int) -> Any:
    alert = owned(ClinicAlert, alert_id, "alert")
    try:
        alert_service.dismiss(db(), alert, actor=g.actor, now=services().clock.now())
    except alert_service.AlertStateError as exc:
        flash(f"Not dismissed: {exc}.", "error")
        return redirect(_back(url_for(".queue")))
    db().commit()
    flash("Alert dismissed.", "success")
    return redirect(_back(url_for(".queue")))


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"duration": duration, "delivery_alerts": delivery_alerts,
            "session_idle_minutes": services().settings.web.session_idle_minutes}
