"""The ceiling for the webhook benchmark: Flask with one route and nothing else.

It parses the same form and answers the same kind of TwiML as
``/twilio/inbound``, with no signature check, database or triage, served by
the same gunicorn settings: ``gunicorn 'bench.bare_app:create_app()'``.
"""

from __future__ import annotations

from flask import Flask, Response, request

TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
         'Thanks, {name}. We got your message.</Message></Response>')


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/twilio/inbound")
    def inbound() -> Response:
        sender = request.form.get("From", "")
        return Response(TWIML.format(name=sender[-4:]), mimetype="application/xml")

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok", mimetype="text/plain")

    return app
