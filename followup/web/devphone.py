"""A pretend phone for development: read each patient's thread and reply as
them. Registered only with the console SMS backend, where nothing leaves the
machine and every patient is a demo or test patient. Replies go through
``handle_inbound``, the very function Twilio's webhook calls, so what works
here works in production."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from followup.app import db, services
from followup.conversation import handle_inbound
from followup.models import Clinic, Message, Patient

bp = Blueprint("devphone", __name__, url_prefix="/dev")
SHOWN = 50  # the newest patients; enough for a demo or a manual test


@bp.get("/phone")
def phone():  # type: ignore[no-untyped-def]
    session = db()
    patients = session.scalars(
        select(Patient).order_by(Patient.id.desc()).limit(SHOWN)
    ).all()
    threads = [
        (p, session.scalars(select(Message).where(Message.patient_id == p.id)
                            .order_by(Message.created_at, Message.id)).all())
        for p in patients
    ]
    # On-call pages are texts to no patient (see escalation.py): shown per number.
    pages: dict[str, list[Message]] = {}
    for m in session.scalars(select(Message).where(
            Message.patient_id.is_(None), Message.direction == "out")
            .order_by(Message.created_at.desc(), Message.id.desc()).limit(SHOWN)):
        pages.setdefault(m.to_number or "?", []).insert(0, m)
    return render_template("dev/phone.html", threads=threads, pages=list(pages.items()))


@bp.post("/phone/<int:patient_id>")
def reply(patient_id: int):  # type: ignore[no-untyped-def]
    session = db()
    patient = session.get(Patient, patient_id)
    if patient is None:
        abort(404)
    body = request.form.get("body", "").strip()
    if body:
        clinic = session.get(Clinic, patient.clinic_id)
        assert clinic is not None
        handle_inbound(
            session, from_number=patient.phone,
            to_number=clinic.sms_number or services().settings.twilio.from_number,
            body=body[:1600], sid="SMdev" + uuid.uuid4().hex[:29], now=services().clock.now(),
            rulebook=services().rulebook,
        )
        session.commit()
    return redirect(url_for("devphone.phone") + f"#patient-{patient.id}")
