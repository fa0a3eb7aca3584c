"""Flags back into the chart: the outbox pass, the FHIR client and its credentials.

Each flag opening and resolution becomes a FHIR ``Communication`` about the
patient (referred to by the EHR's MRN identifier), sent from the scheduler's
pass, never from the request that opened the flag. Why Communication, not
Flag + DocumentReference: what we write is a message to the care team at one
moment ("the patient reported chest pain", then "resolved: called, went to
the ED"); a FHIR Flag is a standing warning shown whenever the chart is
opened, which a two-day follow-up finding is not, and US Core's
DocumentReference is for clinical notes (a signed document with a LOINC
type), which a triage alert is not. Communication carries the priority
(stat/asap/routine), links the resolution to the opening (``inResponseTo``)
and is accepted for write by the EHRs that take alerts from apps.

Delivery is at least once: rows are claimed like check-ins (a conditional
UPDATE, SKIP LOCKED on PostgreSQL), retried with back-off, and every create
carries ``If-None-Exist`` on its identifier, so a retry after a lost answer
does not make a second resource on a server that honours conditional create.
Failures stay on the admin page (``/admin/ehr``).

Auth: a fixed bearer token, or SMART Backend Services (client credentials
with a JWT client assertion signed by the clinic's key, RS384 or ES384; the
access token is cached until a minute before it expires).
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import requests
from fhir.resources.R4B.communication import Communication
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from followup.clock import Clock
from followup.config import Settings
from followup.db import claim_due, write_transaction
from followup.ehr.outbox import WritebackSummary
from followup.ehr.settings import EhrSettings
from followup.models import EhrOutbox, Flag, FlagLevel, OutboxEvent, OutboxStatus, Patient, table

log = logging.getLogger(__name__)
PRIORITY = {FlagLevel.EMERGENCY: "stat", FlagLevel.URGENT: "asap", FlagLevel.ROUTINE: "routine"}
CATEGORY = "http://terminology.hl7.org/CodeSystem/communication-category"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
CLAIM_LEASE = timedelta(minutes=10)


class TransientError(Exception):
    """Worth trying again later: timeouts, 5xx, 429, an expired token."""


class PermanentError(Exception):
    """The server refused the resource itself: retrying will not help."""


# -- the resource ------------------------------------------------------------------------
def identifier_system(settings: Settings) -> str:
    return f"{settings.public_url}/fhir/flag-events"


def communication(settings: Settings, flag: Flag, patient: Patient, event: str,
                  now: datetime) -> dict[str, Any]:
    """The Communication for one flag event, checked by the FHIR model library."""
    system = identifier_system(settings)
    subject: dict[str, Any] = {"value": patient.external_id}
    if settings.ehr.mrn_system:
        subject["system"] = settings.ehr.mrn_system
    what = flag.reason.replace("_", " ")
    if event == OutboxEvent.OPENED:
        lines = [f"IVIG follow-up: {flag.level} flag ({what}) opened "
                 f"{flag.created_at.isoformat()}."]
        if flag.message is not None and flag.message.body:
            lines.append(f"Patient's reply: \"{flag.message.body}\"")
        if flag.findings:
            labels = [str(f.get("label") or f.get("finding") or f.get("id") or "")
                      for f in flag.findings]
            lines.append("Findings: " + ", ".join(x for x in labels if x) + ".")
        if flag.detail:
            lines.append(flag.detail)
    else:
        lines = [f"IVIG follow-up: {flag.level} flag ({what}) resolved "
                 f"{(flag.resolved_at or now).isoformat()}.",
                 f"What was done: {flag.note or '(no note)'}"]
    body: dict[str, Any] = {
        "resourceType": "Communication",
        "identifier": [{"system": system, "value": f"flag-{flag.id}-{event}"}],
        "status": "completed",
        "category": [{"coding": [{"system": CATEGORY, "code": (
                                      "alert" if event == OutboxEvent.OPENED else "notification")}],
                      "text": "Post-infusion follow-up"}],
        "priority": PRIORITY.get(flag.level, "routine"),
        "subject": {"identifier": subject},
        "sent": now.isoformat(),
        "payload": [{"contentString": "\n".join(lines)}],
    }
    if event == OutboxEvent.RESOLVED:
        body["inResponseTo"] = [{"identifier": {"system": system,
                                                "value": f"flag-{flag.id}-opened"}}]
    Communication.model_validate(body)
    return body


# -- the client ---------------------------------------------------------------------------
class FhirClient:
    """POSTs resources to the EHR's FHIR endpoint with the configured credentials."""

    def __init__(self, ehr: EhrSettings, clock: Clock,
                 http: requests.Session | None = None) -> None:
        self.ehr = ehr
        self.clock = clock
        self.http = http or requests.Session()
        self._token: str | None = None
        self._token_until: datetime | None = None

    def create(self, resource: dict[str, Any], if_none_exist: str) -> str | None:
        """Create the resource; its Location (or None). Raises Transient/PermanentError."""
        url = f"{self.ehr.writeback_url}/{resource['resourceType']}"
        headers = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json",
                   "If-None-Exist": if_none_exist,
                   "Authorization": f"Bearer {self.access_token()}"}
        try:
            response = self.http.post(url, json=resource, headers=headers,
                                      timeout=self.ehr.timeout_seconds)
        except requests.RequestException as exc:
            raise TransientError(f"FHIR server not reached: {type(exc).__name__}") from None
        if response.status_code in (200, 201):
            return response.headers.get("Location") or response.headers.get("Content-Location")
        why = f"FHIR server answered {response.status_code}: {_diagnostics(response)}"
        if response.status_code == 401:
            self._token = None  # expired or revoked: a fresh one next time
            raise TransientError(why)
        if response.status_code in (408, 429) or response.status_code >= 500:
            raise TransientError(why)
        raise PermanentError(why)

    def access_token(self) -> str:
        if self.ehr.writeback_auth == "bearer":
            return self.ehr.bearer_token
        now = self.clock.now()
        if self._token and self._token_until and now < self._token_until:
            return self._token
        self._token, lifetime = self._fetch_token()
        self._token_until = now + timedelta(seconds=max(lifetime - 60, 0))
        return self._token

    def client_assertion(self) -> str:
        """The signed JWT of SMART Backend Services (hl7.org/fhir/smart-app-launch).

        Its expiry is wall-clock time, not the injected clock: the EHR's token
        endpoint judges it by its own clock, and at most 5 minutes ahead."""
        key = Path(self.ehr.smart_private_key_file).read_text()
        claims = {"iss": self.ehr.smart_client_id, "sub": self.ehr.smart_client_id,
                  "aud": self.ehr.smart_token_url, "jti": uuid.uuid4().hex,
                  "exp": int(time.time()) + 240}
        headers = {"typ": "JWT"}
        if self.ehr.smart_key_id:
            headers["kid"] = self.ehr.smart_key_id
        return jwt.encode(claims, key, algorithm=self.ehr.smart_algorithm, headers=headers)

    def _fetch_token(self) -> tuple[str, int]:
        form = {"grant_type": "client_credentials", "scope": self.ehr.smart_scope,
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": self.client_assertion()}
        try:
            response = self.http.post(self.ehr.smart_token_url, data=form,
                                      timeout=self.ehr.timeout_seconds)
        except requests.RequestException as exc:
            raise TransientError(f"token endpoint not reached: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise TransientError(f"token endpoint answered {response.status_code}: "
                                 f"{response.text[:120]}")
        try:
            data = response.json()
            return str(data["access_token"]), int(data.get("expires_in", 300))
        except (ValueError, KeyError, TypeError):
            raise TransientError("token endpoint gave no access_token") from None


def _diagnostics(response: requests.Response) -> str:
    try:
        data = response.json()
        issues = data.get("issue") or []
        text = "; ".join(str(i.get("diagnostics") or (i.get("details") or {}).get("text")
                             or i.get("code")) for i in issues)
        return text[:150] or response.reason or ""
    except (ValueError, AttributeError):
        return (response.text or response.reason or "")[:150]


# -- the pass -------------------------------------------------------------------------------
class WriteBack:
    """One scheduler pass: claim due outbox rows, send each, record the outcome."""

    def __init__(self, *, settings: Settings, sessions: sessionmaker[Session], clock: Clock,
                 client: FhirClient | None = None) -> None:
        self.settings = settings
        self.sessions = sessions
        self.clock = clock
        self.client = client or FhirClient(settings.ehr, clock)

    def run_once(self, now: datetime | None = None) -> WritebackSummary:
        summary = WritebackSummary()
        if not self.settings.ehr.writeback_enabled:
            return summary
        now = now or self.clock.now()
        token, ids = self._claim(now)
        # The passes share one tick: an EHR that is down or slow must not hold
        # back the check-ins of the next one. After a failure worth retrying,
        # or past half an interval, the rest wait for the next pass.
        deadline = time.monotonic() + max(self.settings.scheduler_interval_seconds / 2, 5)
        for i, outbox_id in enumerate(ids):
            error = self._send(outbox_id, token, now, summary)
            rest = ids[i + 1:]
            if rest and (isinstance(error, TransientError) or time.monotonic() > deadline):
                self._release(rest, token)
                summary.deferred += len(rest)
                break
        return summary

    def _release(self, ids: list[int], token: str) -> None:
        """Give claimed rows back untried: no attempt is counted."""
        with write_transaction(self.sessions) as session:
            session.execute(update(EhrOutbox)
                            .where(EhrOutbox.id.in_(ids), EhrOutbox.claim_token == token)
                            .values(status=OutboxStatus.PENDING, claim_token=None))

    def _claim(self, now: datetime) -> tuple[str, list[int]]:
        token = uuid.uuid4().hex
        with write_transaction(self.sessions) as session:
            # A claim left by a worker that died is due again after the lease.
            session.execute(update(EhrOutbox)
                            .where(EhrOutbox.status == OutboxStatus.SENDING,
                                   EhrOutbox.claimed_at < now - CLAIM_LEASE)
                            .values(status=OutboxStatus.PENDING, claim_token=None))
            ids = claim_due(session, table(EhrOutbox), now=now, token=token,
                            limit=self.settings.ehr.batch_size)
        return token, ids

    def _send(self, outbox_id: int, token: str, now: datetime,
              summary: WritebackSummary) -> Exception | None:
        """Send one claimed row and record how it went; the error, if any."""
        with self.sessions() as session:
            row = session.get(EhrOutbox, outbox_id)
            if row is None or row.claim_token != token:
                return None
            flag = session.get(Flag, row.flag_id)
            assert flag is not None
            patient = session.get(Patient, flag.patient_id)
            assert patient is not None
            event = row.event
            resource = (communication(self.settings, flag, patient, event, now)
                        if patient.external_id else None)
        error: Exception | None = None
        location = None
        if resource is None:
            error = PermanentError("the patient has no MRN on file any more")
        else:
            system = identifier_system(self.settings)
            try:
                location = self.client.create(
                    resource, f"identifier={system}|flag-{row.flag_id}-{event}")
            except (TransientError, PermanentError) as exc:
                error = exc
        with write_transaction(self.sessions) as session:
            row = session.get(EhrOutbox, outbox_id)
            if row is None or row.claim_token != token:
                return error
            row.attempts += 1
            row.claim_token = None
            if error is None:
                row.status, row.sent_at, row.last_error = OutboxStatus.SENT, now, None
                row.location = (location or "")[:255] or None
                summary.sent += 1
                return None
            row.last_error = str(error)[:255]
            if isinstance(error, TransientError) and row.attempts < self.settings.ehr.max_attempts:
                row.status = OutboxStatus.PENDING
                row.next_attempt_at = now + self.backoff(row.attempts)
                summary.retrying += 1
            else:
                row.status = OutboxStatus.FAILED
                summary.failed += 1
                log.warning("chart write-back %d failed for good after %d attempts",
                            row.id, row.attempts)
        return error

    def backoff(self, attempts: int) -> timedelta:
        ehr = self.settings.ehr
        seconds = min(ehr.retry_base_seconds * 2 ** (attempts - 1), ehr.retry_max_seconds)
        return timedelta(seconds=seconds * random.uniform(0.8, 1.0))

