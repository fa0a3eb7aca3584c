"""Twilio's webhooks: inbound texts and delivery status callbacks.

Nothing unsigned is accepted. The signature is computed over the public URL
Twilio called (``server.public_url`` + path), not the URL Flask sees, which
behind a proxy is usually different.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from followup.extensions import db, services
from followup.messaging.delivery import record_status
from followup.messaging.inbound import handle_inbound

bp = Blueprint("twilio", __name__, url_prefix="/twilio")
log = logging.getLogger(__name__)

# What Twilio sends is a few dozen fields (about 45 with ten media items) and
# a body of at most 1,600 characters (under 20 KB even URL-encoded emoji). An
# unsigned request is only refused after its form is parsed (the signature
# covers every field), so anything far larger is refused before parsing.
MAX_BODY_BYTES = 64 * 1024
MAX_FIELDS = 100


@bp.before_request
def _limit_size() -> None:
    """413 before parsing: a 200,000-field body must not cost a second of CPU."""
    request.max_content_length = MAX_BODY_BYTES
    request.max_form_parts = MAX_FIELDS  # multipart bodies
    if (request.content_length or 0) > MAX_BODY_BYTES:
        abort(413, description=f"webhook bodies are at most {MAX_BODY_BYTES} bytes")
    # Read (bounded by max_content_length) and kept for the form parser.
    if (request.mimetype == "application/x-www-form-urlencoded"
            and request.get_data(cache=True).count(b"&") >= MAX_FIELDS):
        abort(413, description=f"webhook bodies have at most {MAX_FIELDS} fields")


def _check_signature() -> None:
    settings = services().settings
    token = settings.twilio.auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        abort(403)
    url = settings.public_url + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    if not RequestValidator(token).validate(url, request.form, signature):
        log.warning("refused a webhook with a bad signature on %s", request.path)
        abort(403)


# What Twilio sends fits these; anything longer is not Twilio.
MAX_LENGTHS = {"From": 20, "To": 20, "MessageSid": 64, "MessageStatus": 32, "Body": 1600}


def _required(*names: str) -> dict[str, str]:
    values = {name: request.form.get(name, "").strip() for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        abort(400, description=f"missing form field {missing[0]}")
    too_long = [name for name in (*names, "Body")
                if len(request.form.get(name, "")) > MAX_LENGTHS.get(name, 64)]
    if too_long:
        abort(400, description=f"form field {too_long[0]} is too long")
    # NUL is in no real text and most databases refuse to store it.
    if any("\x00" in request.form.get(name, "") for name in (*names, "Body")):
        abort(400, description="form fields must not contain NUL characters")
    return values


@bp.post("/inbound")
def inbound() -> Response:
    _check_signature()
    fields = _required("From", "To", "MessageSid")
    svc = services()
    session = db()
    outcome = handle_inbound(
        session, from_number=fields["From"], to_number=fields["To"],
        body=request.form.get("Body", ""), sid=fields["MessageSid"], now=svc.clock.now(),
        rulebook=svc.rulebook,
    )
    session.commit()
    twiml = MessagingResponse()
    if outcome.reply:
        twiml.message(outcome.reply)
    return Response(str(twiml), mimetype="application/xml")


@bp.post("/status")
def status() -> Response:
    _check_signature()
    fields = _required("MessageSid", "MessageStatus")
    error_code = request.form.get("ErrorCode", "")
    session = db()
    record_status(session, sid=fields["MessageSid"], status=fields["MessageStatus"],
                  error_code=int(error_code) if error_code.isdigit() else None,
                  now=services().clock.now())
    session.commit()
    return Response(status=204)
