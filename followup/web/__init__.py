"""HTTP blueprints, one per area, and the error pages they share."""

from __future__ import annotations

import json
import logging
import traceback

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from followup.extensions import services_of

log = logging.getLogger(__name__)


def register_blueprints(app: Flask) -> None:
    from followup.web import (
        admin,
        api,
        auth,
        dashboard,
        devphone,
        fhir,
        health,
        imports,
        security,
        webhooks,
    )

    security.init_app(app)
    app.register_blueprint(health.bp)
    # The staff web app (server-rendered pages behind a login).
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(fhir.bp)
    app.register_blueprint(webhooks.bp)
    settings = services_of(app).settings
    if settings.dev and settings.sms_backend == "console":
        app.register_blueprint(devphone.bp)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith("/fhir/"):
            response = fhir.outcome_response(
                exc.code or 400, "error", "not-found" if exc.code == 404 else "processing",
                exc.description or exc.name)
            if "Allow" in exc.get_response().headers:  # a 405 says what is allowed
                response.headers["Allow"] = exc.get_response().headers["Allow"]
            return response
        if request.path.startswith("/api/"):
            # Keep the exception's own headers (Allow on a 405, ...).
            api_response = exc.get_response()
            api_response.set_data(json.dumps({"error": exc.description or exc.name}))
            api_response.content_type = "application/json"
            return api_response
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        # The path, the exception type and the stack only: the request, and
        # some exception messages, may hold PHI.
        log.error("unhandled %s on %s %s\n%s", type(exc).__name__, request.method, request.path,
                  "".join(traceback.format_tb(exc.__traceback__)))
        if request.path.startswith("/fhir/"):
            return fhir.outcome_response(500, "fatal", "exception",
                                         "internal error; the request was not applied")
        if request.path.startswith("/api/"):
            return jsonify(error="internal error; the request was not applied"), 500
        return "Internal error; the request was not applied.\n", 500
