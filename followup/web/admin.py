"""Clinic administration: staff logins, API tokens, clinic settings, audit log.

Admins only; every change is audited with ids, never patient details.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import and_, func, or_, select

from followup import validation as v
from followup.care import clinic_settings, quick_replies
from followup.care.escalation import oncall_ladder, rung_line
from followup.ehr import outbox
from followup.extensions import db, services
from followup.models import ApiToken, AuditEvent, EhrOutbox, Flag, OutboxStatus, User
from followup.staff.accounts import (
    ROLES,
    StaffError,
    disable_user,
    enable_user,
    hash_password,
    password_problem,
    reset_password,
    set_display_name,
    set_role,
)
from followup.staff.tokens import issue_token
from followup.web import labels
from followup.web.auth import login_required, staff_audit, staff_blueprint
from followup.web.scoping import owned

bp = staff_blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE = 100
EMAIL_TAKEN = ("this address cannot be used for a new login. If the person already has a "
               "login here, it is in the list above; otherwise use another address of theirs")


def _audit_day(name: str, tz: ZoneInfo) -> datetime | None:
    """A yyyy-mm-dd from the filter as the start of that day in the clinic's zone."""
    value = request.args.get(name, "").strip()
    try:
        return datetime.combine(date.fromisoformat(value), time(0), tz) if value else None
    except ValueError:
        return None


@bp.get("/audit")
@login_required(role="admin")
def audit_log() -> Any:
    """The audit log, filtered by what (friendly names), who, which patient and when."""
    tz = ZoneInfo(g.clinic.timezone)
    base = select(AuditEvent).where(AuditEvent.clinic_id == g.clinic.id)
    problems: list[str] = []
    action = request.args.get("action", "").strip()[:64]
    if action:
        base = base.where(AuditEvent.action == action)
    person = request.args.get("person", "").strip()[:40]
    if person:
        base = base.where(AuditEvent.actor == person)
    patient_arg = request.args.get("patient", "").strip()
    patient_id = int(patient_arg) if patient_arg.isdigit() and len(patient_arg) < 10 else None
    if patient_arg and patient_id is None:
        problems.append("patient: a patient number, such as 12")
    if patient_id is not None:
        flag_ids = select(Flag.id).where(Flag.clinic_id == g.clinic.id,
                                         Flag.patient_id == patient_id)
        base = base.where(or_(
            and_(AuditEvent.target_type == "patient", AuditEvent.target_id == patient_id),
            and_(AuditEvent.target_type == "flag", AuditEvent.target_id.in_(flag_ids))))
    start, end = _audit_day("from", tz), _audit_day("to", tz)
    for name, value in (("from", start), ("to", end)):
        if request.args.get(name, "").strip() and value is None:
            problems.append(f"{name}: a date such as 2026-11-30")
    if start is not None:
        base = base.where(AuditEvent.at >= start)
    if end is not None:
        base = base.where(AuditEvent.at < end + timedelta(days=1))
    total = db().scalar(select(func.count()).select_from(base.subquery())) or 0
    # Clamped to the pages there are: a huge number would overflow the
    # database's OFFSET; past the end shows the last page.
    pages = max(1, -(-total // AUDIT_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    events = db().scalars(base.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                          .offset((page - 1) * AUDIT_PAGE).limit(AUDIT_PAGE)).all()
    users = db().scalars(select(User).where(User.clinic_id == g.clinic.id)
                         .order_by(User.email)).all()
    filters = {k: request.args.get(k, "").strip() for k in ("action", "person", "patient",
                                                             "from", "to")}
    return render_template("staff/audit.html", events=events, page=page, filters=filters,
                           actions=labels.AUDIT_ACTIONS, users=users, problems=problems,
                           pages=pages, total=total,
                           query={k: v for k, v in filters.items() if v})


# -- staff ---------------------------------------------------------------------------
@bp.route("/staff", methods=["GET", "POST"])
@login_required(role="admin")
def staff() -> Any:
    errors: dict[str, str] = {}
    form = request.form if request.method == "POST" else {}
    if request.method == "POST":
        email = form.get("email", "").strip().lower()
        role = form.get("role", "")
        password = form.get("password", "")
        if not clinic_settings.EMAIL_RE.match(email) or len(email) > 254:
            errors["email"] = "an email address such as nurse@clinic.example"
        elif db().scalar(select(User).where(User.email == email)) is not None:
            # One answer whether the login is at this clinic (listed on this
            # page anyway) or at another: nothing says where, or whose, it is.
            # The refusal is audited, so probing for addresses shows.
            errors["email"] = EMAIL_TAKEN
            staff_audit("user.create_refused", "user", None, {"reason": "email unusable"})
            db().commit()
        if role not in ROLES:
            errors["role"] = "nurse or admin"
        problem = password_problem(password)
        if problem:
            errors["password"] = problem
        if not errors:
            user = User(clinic_id=g.clinic.id, email=email, role=role,
                        password_hash=hash_password(password),
                        created_at=services().clock.now())
            db().add(user)
            db().flush()
            staff_audit("user.create", "user", user.id, {"role": role})
            db().commit()
            flash(f"Created {role} login {email}. Give them the password in person.",
                  "success")
            return redirect(url_for(".staff"))
    return _staff_page(errors=errors, form=form), 400 if errors else 200


def _staff_page(**context: Any) -> Any:
    users = db().scalars(select(User).where(User.clinic_id == g.clinic.id)
                         .order_by(User.email)).all()
    return render_template("staff/admin_staff.html", users=users, roles=ROLES,
                           **{"errors": {}, "form": {}, **context})


def _act_on_user(user_id: int, act: Any, done: str) -> Any:
    """Run one action on a login of this clinic; a refusal is shown, nothing changes."""
    user = owned(User, user_id, "login")
    now = services().clock.now()
    try:
        changed = act(user, now)
    except StaffError as exc:
        db().rollback()
        flash(f"Not changed: {exc}.", "error")
        return redirect(url_for(".staff"))
    db().commit()
    flash(done.format(email=user.email) if changed else "Nothing changed.", "success")
    return redirect(url_for(".staff"))


@bp.post("/staff/<int:user_id>/disable")
@login_required(role="admin")
def disable(user_id: int) -> Any:
    if user_id == g.user.id:
        flash("Not changed: you cannot disable your own login.", "error")
        return redirect(url_for(".staff"))
    return _act_on_user(user_id, lambda u, now: disable_user(db(), u, actor=g.actor, now=now),
                        "{email} is disabled: their open sessions have ended.")


@bp.post("/staff/<int:user_id>/enable")
@login_required(role="admin")
def enable(user_id: int) -> Any:
    return _act_on_user(user_id, lambda u, now: enable_user(db(), u, actor=g.actor, now=now),
                        "{email} can sign in again.")


@bp.post("/staff/<int:user_id>/role")
@login_required(role="admin")
def role(user_id: int) -> Any:
    new_role = request.form.get("role", "")
    return _act_on_user(
        user_id, lambda u, now: set_role(db(), u, new_role, actor=g.actor, now=now),
        "{email} is now " + (new_role if new_role in ROLES else "") +
        ": their open sessions have ended.")


@bp.post("/staff/<int:user_id>/name")
@login_required(role="admin")
def name(user_id: int) -> Any:
    value = request.form.get("display_name", "")
    return _act_on_user(
        user_id, lambda u, now: set_display_name(db(), u, value, actor=g.actor, now=now),
        "Name saved for {email}.")


@bp.post("/staff/<int:user_id>/reset-password")
@login_required(role="admin")
def reset(user_id: int) -> Any:
    """A new generated password, shown once on this page (never stored in clear)."""
    user = owned(User, user_id, "login")
    password = reset_password(db(), user, actor=g.actor, now=services().clock.now())
    db().commit()
    return _staff_page(new_password=password, reset_user=user), 200, {
        "Cache-Control": "no-store"}


# -- API tokens --------------------------------------------------------------------------
@bp.route("/tokens", methods=["GET", "POST"])
@login_required(role="admin")
def tokens() -> Any:
    new_token = None
    error = None
    if request.method == "POST":
        name = " ".join(request.form.get("name", "").split())[:100]
        if not name:
            error = "Give the token a name (what system will use it)."
        else:
            new_token = issue_token(db(), g.clinic, name, actor=g.actor,
                                    now=services().clock.now())
            db().commit()
    rows = db().scalars(select(ApiToken).where(ApiToken.clinic_id == g.clinic.id)
                        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    response = render_template("staff/admin_tokens.html", tokens=rows, new_token=new_token,
                               error=error)
    # The token is shown once: keep it out of every cache.
    return response, 400 if error else 200, {"Cache-Control": "no-store"}


@bp.post("/tokens/<int:token_id>/revoke")
@login_required(role="admin")
def revoke_token(token_id: int) -> Any:
    row = db().get(ApiToken, token_id) if token_id < 2**31 else None
    if row is None or row.clinic_id != g.clinic.id:
        abort(404, description="There is no such token at your clinic.")
    if row.revoked_at is None:
        row.revoked_at = services().clock.now()
        staff_audit("token.revoke", "api_token", row.id)
        db().commit()
    flash(f"Token “{row.name}” revoked: it no longer works.", "success")
    return redirect(url_for(".tokens"))


# -- quick replies ---------------------------------------------------------------------------
QUICK_LANGUAGES = {"en": "English", "es": "Spanish"}
QUICK_MAX = 12


@bp.route("/quick-replies", methods=["GET", "POST"])
@login_required(role="admin")
def quick_replies_page() -> Any:
    """Edit the clinic's quick replies, one language at a time. Saving an
    empty list goes back to the defaults."""
    errors: dict[str, str] = {}
    drafts: dict[str, list[tuple[str, str]]] = {}
    if request.method == "POST":
        lang = request.form.get("language", "")
        if lang not in QUICK_LANGUAGES:
            abort(400, description="Choose English or Spanish.")
        pairs = [(t.strip(), " ".join(b.split())) for t, b in zip(
            request.form.getlist("title"), request.form.getlist("body"), strict=False)
            if t.strip() or b.strip()][:QUICK_MAX]
        if request.form.get("restore"):
            pairs = []
        for i, (title, body) in enumerate(pairs, start=1):
            problem = quick_replies.problem(title, body)
            if problem:
                errors[lang] = f"Reply {i} (“{title or body[:20]}”): {problem}."
                break
        if not errors:
            quick_replies.replace_all(db(), g.clinic.id, lang, pairs, services().clock.now())
            staff_audit("clinic.quick_replies", "clinic", g.clinic.id,
                        {"language": lang, "count": len(pairs)})
            db().commit()
            flash(f"{QUICK_LANGUAGES[lang]} quick replies saved." if pairs else
                  f"{QUICK_LANGUAGES[lang]} quick replies are back to the defaults.", "success")
            return redirect(url_for(".quick_replies_page"))
        drafts[lang] = pairs
    lists = {lang: drafts.get(lang) or [(r.title, r.body) for r in
                                        quick_replies.for_clinic(db(), g.clinic.id, lang)]
             for lang in QUICK_LANGUAGES}
    return render_template("staff/admin_quick_replies.html", lists=lists, errors=errors,
                           languages=QUICK_LANGUAGES,
                           placeholders=quick_replies.PLACEHOLDERS), 400 if errors else 200


# -- clinic settings ------------------------------------------------------------------------
@bp.route("/settings", methods=["GET", "POST"])
@login_required(role="admin")
def settings() -> Any:
    clinic = g.clinic
    errors: dict[str, str] = {}
    form: Any = None
    if request.method == "POST":
        form = request.form
        try:
            values = clinic_settings.parse(form, v.region_of(clinic.phone))
        except clinic_settings.ClinicSettingsError as exc:
            errors = exc.fields
        else:
            changed = clinic_settings.save(db(), clinic, values, actor=g.actor,
                                           now=services().clock.now())
            db().commit()
            flash("Settings saved." if changed else "Nothing changed.", "success")
            return redirect(url_for(".settings"))
    if form is None:
        form = {
            "emergency_number": clinic.emergency_number,
            "show_product_in_texts": "on" if clinic.show_product_in_texts else "",
            "oncall_phones": "\n".join(rung_line(r) for r in oncall_ladder(clinic)),
            "enrol_countries": ", ".join(clinic.enrol_countries or []),
            "contact_email": clinic.contact_email or "",
            "contact_phone": clinic.contact_phone or "",
            "digest_channel": clinic.digest_channel or "",
            "digest_time": clinic.digest_time or "",
        }
    return render_template("staff/admin_settings.html", form=form, errors=errors,
                           own_country=v.region_of(clinic.phone) or "",
                           default_digest=services().settings.digest.default_time
                           .strftime("%H:%M")), 400 if errors else 200


# -- EHR integration ---------------------------------------------------------------------------
@bp.get("/ehr")
@login_required(role="admin")
def ehr() -> Any:
    """What did not reach the chart (or not yet), so nothing is lost in silence."""
    counts = dict(db().execute(
        select(EhrOutbox.status, func.count()).where(EhrOutbox.clinic_id == g.clinic.id)
        .group_by(EhrOutbox.status)).all())
    flags = {f.id: f for f in db().scalars(select(Flag).where(
        Flag.id.in_(select(EhrOutbox.flag_id).where(EhrOutbox.clinic_id == g.clinic.id)))
    )} if counts else {}
    return render_template("staff/admin_ehr.html", counts=counts, flags=flags,
                           rows=outbox.failures(db(), g.clinic.id),
                           ehr=services().settings.ehr)


@bp.post("/ehr/<int:outbox_id>/retry")
@login_required(role="admin")
def ehr_retry(outbox_id: int) -> Any:
    row = owned(EhrOutbox, outbox_id, "chart write-back")
    if row.status == OutboxStatus.FAILED:
        row.status, row.attempts = OutboxStatus.PENDING, 0
        row.next_attempt_at = services().clock.now()
        staff_audit("ehr.writeback_retry", "ehr_outbox", row.id)
        db().commit()
        flash("Queued again: it goes out with the scheduler's next pass.", "success")
    return redirect(url_for(".ehr"))
