"""HTTP blueprints, one per area, and the error pages they share."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def register_blueprints(app: Flask) -> None:
    from followup.web import api, devphone, health, webhooks

    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(webhooks.bp)
    if app.extensions["followup"].settings.sms_backend == "console":
        app.register_blueprint(devphone.bp)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return jsonify(error=exc.description or exc.name), exc.code
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        # Logged with the path only: the request body may hold PHI.
        log.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith("/api/"):
            return jsonify(error="internal error; the request was not applied"), 500
        return "Internal error; the request was not applied.\n", 500
