"""Flags into the chart: a real FHIR server (Medplum's router, in memory) receives them.

The server (tests/fhir_server/server.mjs) validates every resource with Medplum's
own validator and issues SMART Backend Services tokens against a key made here;
what it stored is read back and checked again with fhir.resources.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import ClinicHandle
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from factories import enrol, text_in, text_in_ok
from fhir.resources.R4B.communication import Communication
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_ehr_fhir import MRN_SYSTEM, example
from web.staffkit import login, make_user
from web.staffkit import post as form_post

from followup.extensions import Services
from followup.models import EhrOutbox, Flag
from followup.scheduler import run_passes

SERVER_DIR = Path(__file__).resolve().parent / "fhir_server"
BEARER = "test-bearer-7f3a"
CLIENT_ID = "followup-tests"


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the FHIR server under test cannot run under CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An RSA and an EC key pair, as a clinic registers with its EHR."""
    folder = tmp_path_factory.mktemp("keys")
    out: dict[str, Path] = {}
    for name, key in (("rsa", rsa.generate_private_key(65537, 2048)),
                      ("ec", ec.generate_private_key(ec.SECP384R1()))):
        private = folder / f"{name}.pem"
        private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                              serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
        public = folder / f"{name}.pub.pem"
        public.write_bytes(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        out[name], out[f"{name}.pub"] = private, public
    return out


def _start(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed")
    if not (SERVER_DIR / "node_modules" / "@medplum" / "fhir-router").is_dir():
        _unavailable("run `npm ci` in tests/fhir_server")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    # Medplum needs a global WebSocket: built in from Node 22, behind a flag in 20.
    flags = ["--experimental-websocket"] if int(version.lstrip("v").split(".")[0]) < 22 else []
    process = subprocess.Popen([node, *flags, "server.mjs"], cwd=SERVER_DIR, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PORT": "0", **env})
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the definitions are indexed
    if not line.startswith("listening on "):
        process.kill()
        _, err = process.communicate(timeout=10)  # and closes the pipes
        pytest.fail(f"FHIR server did not start: {line}{err[:2000]}")
    return process, f"http://127.0.0.1:{int(line.split()[-1])}"


@pytest.fixture(scope="session")
def fhir_server(keys: dict[str, Path]) -> Iterator[str]:
    process, base = _start({"BEARER": BEARER, "SMART_PUBLIC_KEY": str(keys["rsa.pub"]),
                            "SMART_CLIENT_ID": CLIENT_ID})
    yield base
    process.terminate()
    process.communicate(timeout=10)  # waits, and closes the pipes


@pytest.fixture
def app_config(app_config: dict[str, Any], fhir_server: str) -> dict[str, Any]:
    return {**app_config, "ehr": {"mrn_system": MRN_SYSTEM,
                                  "writeback_url": f"{fhir_server}/fhir/R4",
                                  "bearer_token": BEARER}}


def stored(base: str, flag_id: int, event: str) -> list[Communication]:
    """What the FHIR server holds for this flag event, read back as a client would."""
    response = requests.get(
        f"{base}/fhir/R4/Communication",
        params={"identifier": f"https://followup.example.org/fhir/flag-events|"
                              f"flag-{flag_id}-{event}"},
        headers={"Authorization": f"Bearer {BEARER}"}, timeout=10)
    assert response.status_code == 200, response.text
    return [Communication.model_validate(e["resource"])
            for e in response.json().get("entry", [])]


def rows(svc: Services, model: Any, *where: Any) -> list[Any]:
    """Read in a short transaction of its own (on SQLite a held one blocks the worker)."""
    with svc.sessions() as s:
        return list(s.scalars(select(model).where(*where)))


def enrol_and_flag(client: FlaskClient, clinic: ClinicHandle, svc: Services) -> Flag:
    """Enrol Ana from the EHR, then she texts back an emergency."""
    response = client.post("/fhir/r4", json=example(), headers=clinic.auth)
    assert response.status_code == 200, response.get_json()
    text_in_ok(client, "tengo dolor de pecho y no puedo respirar", "SM" + "a" * 32,
               to=clinic.clinic.sms_number)
    [flag] = rows(svc, Flag)
    return flag


def test_an_emergency_reply_and_its_resolution_reach_the_chart(
        client: FlaskClient, north: ClinicHandle, svc: Services,
        fhir_server: str, clock: Any) -> None:
    flag = enrol_and_flag(client, north, svc)
    assert flag.level == "emergency"
    # Nothing went out inside Twilio's request: the outbox holds it.
    assert stored(fhir_server, flag.id, "opened") == []
    [row] = rows(svc, EhrOutbox)
    assert (row.status, row.event, row.attempts) == ("pending", "opened", 0)

    summary = run_passes(svc, clock.now())
    assert summary.ehr is not None and summary.ehr.sent == 1, summary
    assert "chart write-backs 1" in summary.line(clock.now())
    [opened] = stored(fhir_server, flag.id, "opened")
    assert opened.priority == "stat" and opened.status == "completed"
    assert opened.subject.identifier.system == MRN_SYSTEM
    assert opened.subject.identifier.value == "E123456"
    assert "dolor de pecho" in opened.payload[0].contentString
    assert rows(svc, EhrOutbox)[0].location.startswith(f"{fhir_server}/fhir/R4/"
                                                              "Communication/")

    clock.advance(minutes=20)
    response = client.post(f"/api/flags/{flag.id}/resolve", headers=north.auth,
                           json={"note": "Called her; she went to the ED."})
    assert response.status_code == 200
    assert run_passes(svc, clock.now()).ehr.sent == 1  # type: ignore[union-attr]
    [resolved] = stored(fhir_server, flag.id, "resolved")
    assert "went to the ED" in resolved.payload[0].contentString
    assert resolved.inResponseTo[0].identifier.value == f"flag-{flag.id}-opened"
    # A later pass sends nothing twice.
    assert run_passes(svc, clock.now()).ehr.sent == 0  # type: ignore[union-attr]
    assert len(stored(fhir_server, flag.id, "opened")) == 1


def test_a_server_that_is_down_is_retried_with_back_off(
        client: FlaskClient, north: ClinicHandle, svc: Services,
        fhir_server: str, clock: Any) -> None:
    flag = enrol_and_flag(client, north, svc)
    requests.post(f"{fhir_server}/_test/fail", params={"count": 1}, timeout=5)
    first = run_passes(svc, clock.now()).ehr
    assert first is not None and (first.sent, first.retrying) == (0, 1)
    [row] = rows(svc, EhrOutbox)
    assert row.status == "pending" and "503" in (row.last_error or "")
    assert row.next_attempt_at > clock.now()
    assert run_passes(svc, clock.now()).ehr.sent == 0  # type: ignore[union-attr]
    clock.advance(minutes=2)
    assert run_passes(svc, clock.now()).ehr.sent == 1  # type: ignore[union-attr]
    assert len(stored(fhir_server, flag.id, "opened")) == 1


def test_a_refused_write_back_is_shown_on_the_admin_page_and_can_be_retried(
        app: Flask, client: FlaskClient, north: ClinicHandle, svc: Services,
        fhir_server: str, clock: Any) -> None:
    flag = enrol_and_flag(client, north, svc)
    wrong = app.extensions["followup"]
    # A write-back URL that the server does not serve: 404, which no retry mends.
    from dataclasses import replace

    good = wrong.settings
    wrong.settings = replace(good, ehr=replace(good.ehr, writeback_url=f"{fhir_server}/nope"))
    wrong._writeback = None
    assert run_passes(svc, clock.now()).ehr.failed == 1  # type: ignore[union-attr]
    admin = make_user(svc, north.clinic, "admin@north.example", "admin")
    assert login(client, admin.email).status_code == 302
    page = client.get("/admin/ehr").get_data(as_text=True)
    assert f"flag #{flag.id}" in page and "failed" in page and "404" in page
    wrong.settings, wrong._writeback = good, None
    response = form_post(client, f"/admin/ehr/{rows(svc, EhrOutbox)[0].id}/retry")
    assert response.status_code == 302
    assert run_passes(svc, clock.now()).ehr.sent == 1  # type: ignore[union-attr]
    assert len(stored(fhir_server, flag.id, "opened")) == 1
    assert "Nothing: every flag event has reached the chart" in client.get(
        "/admin/ehr").get_data(as_text=True)


@pytest.mark.parametrize("auth", ["bearer", "smart"])
def test_patients_without_an_mrn_stay_out_of_the_chart(
        client: FlaskClient, north: ClinicHandle, svc: Services, auth: str) -> None:
    enrol(client, north, phone="+13125550124", first_name="Sam")
    text_in(client, "chest pain", "SM" + "b" * 32, from_="+13125550124",
            to=north.clinic.sms_number)
    assert rows(svc, Flag)[0].level == "emergency"
    assert rows(svc, EhrOutbox) == []


class TestSmartBackendServices:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any], fhir_server: str,
                   keys: dict[str, Path]) -> dict[str, Any]:
        return {**app_config, "ehr": {
            "mrn_system": MRN_SYSTEM, "writeback_url": f"{fhir_server}/fhir/R4",
            "writeback_auth": "smart", "smart_token_url": f"{fhir_server}/oauth2/token",
            "smart_client_id": CLIENT_ID, "smart_private_key_file": str(keys["rsa"]),
            "smart_key_id": "k1"}}

    def test_a_signed_assertion_gets_a_token_that_is_reused_until_it_expires(
            self, client: FlaskClient, north: ClinicHandle, svc: Services,
            fhir_server: str, clock: Any) -> None:
        def tokens() -> int:
            return int(requests.get(f"{fhir_server}/_test/stats", timeout=5)
                       .json()["tokensIssued"])

        before = tokens()
        flag = enrol_and_flag(client, north, svc)
        assert run_passes(svc, clock.now()).ehr.sent == 1  # type: ignore[union-attr]
        assert len(stored(fhir_server, flag.id, "opened")) == 1
        client.post(f"/api/flags/{flag.id}/resolve", headers=north.auth,
                    json={"note": "Spoke with her."})
        assert run_passes(svc, clock.now()).ehr.sent == 1  # type: ignore[union-attr]
        assert tokens() == before + 1  # cached for the second write
        # The token lives 300 s; a write after it expired asks for a fresh one.
        [row] = rows(svc, EhrOutbox, EhrOutbox.event == "resolved")
        clock.advance(minutes=10)
        row_again = svc.writeback().client.access_token()
        assert row_again and tokens() == before + 2
        assert row.status == "sent"

    def test_a_key_the_ehr_does_not_know_is_refused_and_retried(
            self, app: Flask, client: FlaskClient, north: ClinicHandle, svc: Services,
            keys: dict[str, Path], clock: Any) -> None:
        from dataclasses import replace

        flag = enrol_and_flag(client, north, svc)
        ehr = svc.settings.ehr
        svc.settings = replace(svc.settings, ehr=replace(
            ehr, smart_private_key_file=str(keys["ec"]), smart_algorithm="ES384"))
        svc._writeback = None
        summary = run_passes(svc, clock.now()).ehr
        assert summary is not None and summary.retrying == 1
        [row] = rows(svc, EhrOutbox)
        assert "token endpoint answered 401" in (row.last_error or "")
        assert flag.id == row.flag_id


def test_an_ehr_that_is_down_holds_back_one_row_not_the_tick(
        client: FlaskClient, north: ClinicHandle, svc: Services, clock: Any) -> None:
    from dataclasses import replace

    flag = enrol_and_flag(client, north, svc)
    client.post(f"/api/flags/{flag.id}/resolve", headers=north.auth, json={"note": "Called."})
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    svc.settings = replace(svc.settings, ehr=replace(
        svc.settings.ehr, writeback_url=f"http://127.0.0.1:{closed}/fhir/R4"))
    svc._writeback = None
    summary = run_passes(svc, clock.now())
    assert summary.ehr is not None and (summary.ehr.retrying, summary.ehr.deferred) == (1, 1)
    assert "1 retrying, 1 deferred" in summary.line(clock.now())
    tried, waiting = sorted(rows(svc, EhrOutbox), key=lambda r: r.attempts, reverse=True)
    assert tried.attempts == 1 and "not reached" in (tried.last_error or "")
    assert (waiting.status, waiting.attempts, waiting.last_error) == ("pending", 0, None)
