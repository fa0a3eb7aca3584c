"""Clinic administration: staff logins, API tokens, clinic settings, audit log.

Admins only; every change is audited with ids, never patient details.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from followup import validation as v
from followup.app import db, services
from followup.ehr import outbox
from followup.models import ApiToken, AuditEvent, EhrOutbox, Flag, User
from followup.staff import ROLES, hash_password, password_problem
from followup.tokens import issue_token
from followup.web.auth import login_required, staff_audit, staff_blueprint
from followup.web.scoping import owned

bp = staff_blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE = 100
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EMERGENCY_RE = re.compile(r"^\+?[0-9]{2,15}$")


@bp.get("/audit")
@login_required(role="admin")
def audit_log() -> Any:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    base = select(AuditEvent).where(AuditEvent.clinic_id == g.clinic.id)
    action = request.args.get("action", "").strip()[:64]
    if action:
        base = base.where(AuditEvent.action == action)
    total = db().scalar(select(func.count()).select_from(base.subquery())) or 0
    events = db().scalars(base.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                          .offset((page - 1) * AUDIT_PAGE).limit(AUDIT_PAGE)).all()
    return render_template("staff/audit.html", events=events, page=page, action=action,
                           pages=max(1, -(-total // AUDIT_PAGE)), total=total)


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
        if not EMAIL_RE.match(email) or len(email) > 254:
            errors["email"] = "an email address such as nurse@clinic.example"
        elif db().scalar(select(User).where(User.email == email)) is not None:
            errors["email"] = "a login with this email already exists"
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
    users = db().scalars(select(User).where(User.clinic_id == g.clinic.id)
                         .order_by(User.email)).all()
    return render_template("staff/admin_staff.html", users=users, errors=errors, form=form,
                           roles=ROLES), 400 if errors else 200


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


# -- clinic settings ------------------------------------------------------------------------
def _settings_values(form: Any, region: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    emergency = form.get("emergency_number", "").strip().replace(" ", "")
    if not EMERGENCY_RE.match(emergency):
        errors["emergency_number"] = "digits only, such as 911"
    values["emergency_number"] = emergency
    values["show_product_in_texts"] = form.get("show_product_in_texts") == "on"
    phones: list[str] = []
    for i, line in enumerate(form.get("oncall_phones", "").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            phones.append(v.phone(line, region=region))
        except v.FieldError as exc:
            errors["oncall_phones"] = f"line {i}: {exc}"
            break
    values["oncall_phones"] = phones or None
    email = form.get("contact_email", "").strip()
    if email and not EMAIL_RE.match(email):
        errors["contact_email"] = "an email address"
    values["contact_email"] = email or None
    contact_phone = form.get("contact_phone", "").strip()
    values["contact_phone"] = None
    if contact_phone:
        try:
            values["contact_phone"] = v.phone(contact_phone, region=region)
        except v.FieldError as exc:
            errors["contact_phone"] = str(exc)
    channel = form.get("digest_channel", "")
    if channel not in ("", "email", "sms"):
        errors["digest_channel"] = "off, email or sms"
    values["digest_channel"] = channel or None
    if channel == "email" and not values["contact_email"]:
        errors["contact_email"] = "needed for an email digest"
    if channel == "sms" and not values["contact_phone"]:
        errors["contact_phone"] = "needed for a text digest"
    digest_time = form.get("digest_time", "").strip()
    if digest_time and not HHMM_RE.match(digest_time):
        errors["digest_time"] = "a time such as 07:30"
    values["digest_time"] = digest_time or None
    return values, errors


@bp.route("/settings", methods=["GET", "POST"])
@login_required(role="admin")
def settings() -> Any:
    clinic = g.clinic
    errors: dict[str, str] = {}
    form: Any = None
    if request.method == "POST":
        form = request.form
        values, errors = _settings_values(form, v.region_of(clinic.phone))
        if not errors:
            changed = sorted(k for k, val in values.items() if getattr(clinic, k) != val)
            for key, val in values.items():
                setattr(clinic, key, val)
            staff_audit("clinic.settings", "clinic", clinic.id, {"changed": changed})
            db().commit()
            flash("Settings saved." if changed else "Nothing changed.", "success")
            return redirect(url_for(".settings"))
    if form is None:
        form = {
            "emergency_number": clinic.emergency_number,
            "show_product_in_texts": "on" if clinic.show_product_in_texts else "",
            "oncall_phones": "\n".join(clinic.oncall_phones or []),
            "contact_email": clinic.contact_email or "",
            "contact_phone": clinic.contact_phone or "",
            "digest_channel": clinic.digest_channel or "",
            "digest_time": clinic.digest_time or "",
        }
    return render_template("staff/admin_settings.html", form=form, errors=errors,
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
    if row.status == "failed":
        row.status, row.attempts = "pending", 0
        row.next_attempt_at = services().clock.now()
        staff_audit("ehr.writeback_retry", "ehr_outbox", row.id)
        db().commit()
        flash("Queued again: it goes out with the scheduler's next pass.", "success")
    return redirect(url_for(".ehr"))
