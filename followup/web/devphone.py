"""A pretend phone for development: read each patient's thread and reply as
them. Replies go through ``handle_inbound``, the very function Twilio's
webhook calls, so what works here works in production.

It forges patient replies, so it is fenced in several ways: it exists only
with ``server.dev`` on and the console SMS backend (nothing leaves the
machine), the settings refuse ``server.dev`` with an https public URL or a
proxy, `followup serve` refuses it on an address other than loopback, and
each request must come from this machine. Then it is a staff page like any
other: a sign-in, the CSRF token on every reply, and only the signed-in
clinic's patients.
"""

from __future__ import annotations

import ipaddress
import uuid

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from followup.extensions import db, services
from followup.messaging.inbound import handle_inbound
from followup.models import Message, Patient
from followup.web.auth import login_required, staff_blueprint
from followup.web.scoping import owned

bp = staff_blueprint("devphone", __name__, url_prefix="/dev")
SHOWN = 50  # the newest patients; enough for a demo or a manual test


def is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


@bp.before_request
def _local_only() -> None:
    if not is_loopback(request.remote_addr):
        abort(404)


@bp.get("/phone")
@login_required
def phone():  # type: ignore[no-untyped-def]
    session = db()
    patients = session.scalars(
        select(Patient).where(Patient.clinic_id == g.clinic.id)
        .order_by(Patient.id.desc()).limit(SHOWN)
    ).all()
    threads = [
        (p, session.scalars(select(Message).where(Message.patient_id == p.id)
                            .order_by(Message.created_at, Message.id)).all())
        for p in patients
    ]
    # On-call pages and digests are the clinic's texts to no patient (see escalation.py),
    # shown per number; replies to unknown numbers are not staff texts.
    pages: dict[str, list[Message]] = {}
    for m in session.scalars(select(Message).where(
            Message.clinic_id == g.clinic.id, Message.patient_id.is_(None),
            Message.direction == "out", Message.reply_to_id.is_(None))
            .order_by(Message.created_at.desc(), Message.id.desc()).limit(SHOWN)):
        pages.setdefault(m.to_number or "?", []).insert(0, m)
    return render_template("dev/phone.html", threads=threads, pages=list(pages.items()))


@bp.post("/phone/<int:patient_id>")
@login_required
def reply(patient_id: int):  # type: ignore[no-untyped-def]
    session = db()
    patient = owned(Patient, patient_id, "patient")
    body = request.form.get("body", "").strip()
    if body:
        handle_inbound(
            session, from_number=patient.phone,
            to_number=g.clinic.sms_number or services().settings.twilio.from_number,
            body=body[:1600], sid="SMdev" + uuid.uuid4().hex[:29], now=services().clock.now(),
            rulebook=services().rulebook,
        )
        session.commit()
    return redirect(url_for("devphone.phone") + f"#patient-{patient.id}")
