"""FHIR R4 endpoints for the EHR's interface engine, behind the API's bearer tokens.

Views only translate: the domain (followup/ehr/fhir_in.py) returns a result
or raises ``FhirError``; both become FHIR JSON here, and a refusal stores
nothing. The domain is imported on first use: the FHIR models take about
two seconds to load, which every CLI command would otherwise pay.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, request

from followup.extensions import db, services
from followup.web.api import token_required

bp = Blueprint("fhir", __name__, url_prefix="/fhir/r4")
FHIR_JSON = "application/fhir+json"


def fhir_response(status: int, body: dict[str, Any], location: str | None = None) -> Response:
    response = Response(json.dumps(body), status=status, content_type=FHIR_JSON)
    if location:
        response.headers["Location"] = location
    return response


def outcome_response(status: int, severity: str, code: str, text: str) -> Response:
    """One issue as an OperationOutcome (the app's error handlers for /fhir/)."""
    from followup.ehr import fhir_in

    return fhir_response(status, fhir_in.operation_outcome([fhir_in.Issue(severity, code,
                                                                          text)]))


def _handle(apply: Callable[[Any], Callable[..., Any]]) -> Response:
    from followup.ehr import fhir_in

    svc = services()
    session = db()
    data = request.get_json(force=True, silent=True)
    try:
        if data is None:
            raise fhir_in.FhirError(400, [fhir_in.Issue(
                "error", "structure", "the body must be FHIR JSON (Content-Type: "
                "application/fhir+json)")])
        result = apply(fhir_in)(session, g.clinic, data, settings=svc.settings, actor=g.actor,
                                now=svc.clock.now(),
                                base_url=request.host_url.rstrip("/") + (bp.url_prefix or ""))
    except fhir_in.FhirError as exc:
        session.rollback()
        return fhir_response(exc.status, fhir_in.operation_outcome(exc.issues))
    session.commit()
    return fhir_response(result.status, result.body, result.location)


@bp.post("/MedicationAdministration")
@token_required
def medication_administration() -> Response:
    return _handle(lambda domain: domain.administration)


@bp.post("")
@token_required
def transaction() -> Response:
    return _handle(lambda domain: domain.bundle)


@bp.get("/metadata")
def capability_statement() -> Response:
    """What this endpoint accepts, for the interface team's tools."""
    return fhir_response(200, {
        "resourceType": "CapabilityStatement", "status": "active", "kind": "instance",
        "date": "2026-12-01", "fhirVersion": "4.0.1", "format": ["json"],
        "rest": [{"mode": "server", "interaction": [{"code": "transaction"}, {"code": "batch"}],
                  "resource": [{"type": "MedicationAdministration",
                                "interaction": [{"code": "create"}]}]}],
    })
