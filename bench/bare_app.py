"""The references for the webhook benchmark, served by the same gunicorn settings
as ``/twilio/inbound``:

* ``create_app()``, the ceiling: Flask with one route that parses the same form
  and answers the same kind of TwiML, with no signature check, database or
  triage: ``gunicorn 'bench.bare_app:create_app()'``.
* ``create_durable_app()``, the floor of any webhook that keeps the contract's
  promises: the Twilio signature checked, the message stored once under its
  MessageSid and committed before the answer (a retry must find it). No patient
  lookup, triage or reply logic. It reads the database and token from the same
  ``FOLLOWUP_CONFIG`` as followup; its table is made by ``create_floor_table``
  before gunicorn starts (workers must not race to create it).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, request
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, create_engine
from sqlalchemy.exc import IntegrityError

TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
         'Thanks, {name}. We got your message.</Message></Response>')

_META = MetaData()
FLOOR_TABLE = Table(
    "bench_floor_inbound", _META,
    Column("id", Integer, primary_key=True),
    Column("provider_sid", String(64), nullable=False, unique=True),
    Column("from_number", String(32), nullable=False),
    Column("body", Text, nullable=False),
)


def create_floor_table(engine: Engine) -> None:
    _META.create_all(engine)


def _healthz(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok", mimetype="text/plain")


def _reply(sender: str) -> Response:
    return Response(TWIML.format(name=sender[-4:]), mimetype="application/xml")


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/twilio/inbound")
    def inbound() -> Response:
        return _reply(request.form.get("From", ""))

    _healthz(app)
    return app


def create_durable_app(config: dict[str, Any] | None = None) -> Flask:
    from twilio.request_validator import RequestValidator

    if config is None:
        config = tomllib.loads(Path(os.environ["FOLLOWUP_CONFIG"]).read_text(encoding="utf-8"))
    engine = create_engine(config["database"]["url"], pool_pre_ping=True)
    validator = RequestValidator(config["twilio"]["auth_token"])
    signed_url = config["server"]["public_url"].rstrip("/") + "/twilio/inbound"
    insert = FLOOR_TABLE.insert()
    app = Flask(__name__)

    @app.post("/twilio/inbound")
    def inbound() -> Response:
        form = request.form
        if not validator.validate(signed_url, form.to_dict(),
                                  request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        sender = form.get("From", "")
        try:
            with engine.begin() as conn:
                conn.execute(insert, {"provider_sid": form.get("MessageSid", ""),
                                      "from_number": sender, "body": form.get("Body", "")})
        except IntegrityError:
            pass  # a retry: stored already, same answer
        return _reply(sender)

    _healthz(app)
    return app
