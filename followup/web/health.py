"""Liveness for load balancers and operators: answers only when the database does,
and says when texts are not going out (see ``followup.care.alerts``)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from followup.care.alerts import CREDENTIALS, alert_lines
from followup.extensions import db, services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    try:
        db().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    svc = services()
    # Delivery alerts name no clinic or patient (this page is public): the
    # operator learns that texts are not going out, and why.
    lines = alert_lines(db(), None)
    texts = sorted({line.text for line in lines})
    # Still 200: the web side works, and a load balancer pulling it would stop
    # inbound replies too. "degraded" is for monitoring to page on.
    degraded = any(line.kind == CREDENTIALS for line in lines)
    return jsonify(status="degraded" if degraded else "ok", database="ok",
                   sms_backend=svc.settings.sms_backend, alerts=texts)
