"""HL7 v2 in: python-hl7's MLLP client sends RAS^O17 over a real socket to the listener."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import hl7
import pytest
from click.testing import CliRunner
from conftest import ClinicHandle
from hl7.client import MLLPClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from followup.cli import cli
from followup.ehr.hl7_in import ListenerThread
from followup.extensions import Services
from followup.models import AuditEvent, Checkin, Infusion, Patient


def ras(control_id: str = "MSG00001", *, code: str = "13533-0800-40^Gamunex-C 10 g^NDC",
        end: str = "20261110140000-0600", phone: str = "^PRN^CP^^1^312^5550123",
        action: str = "A", status: str = "CP", mrn: str = "E123456",
        message_type: str = "RAS^O17^RAS_O17", order: str = "FIL1") -> str:
    """A pharmacy administration message as an interface engine sends it."""
    return "\r".join([
        f"MSH|^~\\&|PHARM|GENHOSP|FOLLOWUP|NORTH|20261110140500||{message_type}|{control_id}"
        "|P|2.5",
        f"PID|1||{mrn}^^^GENHOSP^MR||Lopez^Ana^Maria||19700101|F|||||"
        f"{phone}~^PRN^PH^^1^312^5550100||SPA^Spanish^HL70296",
        f"ORC|RE|ORD1|{order}",
        f"RXA|0|1|20261110100500-0600|{end}|{code}|10|g||||||||A4BGK00123|||||{status}"
        f"|{action}",
    ]) + "\r"


@pytest.fixture
def listener(svc: Services, north: ClinicHandle) -> Iterator[int]:
    thread = ListenerThread(svc, "north")
    port = thread.start()
    yield port
    thread.stop()


def send(port: int, message: str | bytes) -> Any:
    with MLLPClient("127.0.0.1", port) as client:
        return hl7.parse(client.send_message(message).decode())


def msa(ack: Any) -> tuple[str, str, str]:
    seg = ack.segment("MSA")
    return str(seg(1)), str(seg(2)), str(seg(3))


def err_locations(ack: Any) -> list[str]:
    return [str(seg(2)) for seg in ack.segments("ERR")] if _has_err(ack) else []


def _has_err(ack: Any) -> bool:
    try:
        ack.segment("ERR")
    except KeyError:
        return False
    return True


def test_one_ras_o17_enrols_the_patient(listener: int, session: Session) -> None:
    ack = send(listener, ras())
    code, control, text = msa(ack)
    assert (code, control) == ("AA", "MSG00001"), text
    assert str(ack.segment("MSH")(9)) == "ACK^O17^ACK"
    patient = session.scalars(select(Patient)).one()
    assert (patient.phone, patient.first_name, patient.language, patient.external_id) == (
        "+13125550123", "Ana", "es", "E123456")
    infusion = session.scalars(select(Infusion)).one()
    assert infusion.lot == "A4BGK00123" and infusion.product == "Gamunex-C 10 g"
    assert infusion.ended_at.isoformat() == "2026-11-10T20:00:00+00:00"
    assert session.scalar(select(func.count()).select_from(Checkin)) == 5


def test_a_control_id_seen_before_is_acknowledged_not_applied(listener: int,
                                                              session: Session) -> None:
    assert msa(send(listener, ras()))[0] == "AA"
    # The same control ID, even with another dose in it, is not applied again.
    code, _, text = msa(send(listener, ras(end="20261110150000-0600", order="FIL2")))
    assert code == "AA" and "duplicate" in text
    assert session.scalar(select(func.count()).select_from(Infusion)) == 1


def test_a_delete_cancels_the_pending_checkins(listener: int, session: Session) -> None:
    assert msa(send(listener, ras()))[0] == "AA"
    code, _, text = msa(send(listener, ras("MSG00002", action="D")))
    assert code == "AA" and "cancelled" in text
    assert {c.status for c in session.scalars(select(Checkin))} == {"cancelled"}
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "ehr.cancel")) == 1


def test_a_dose_that_is_not_ivig_is_acknowledged_and_audited(listener: int,
                                                             session: Session) -> None:
    code, _, text = msa(send(listener, ras(code="0409-4888-10^Sodium chloride 0.9%^NDC")))
    assert code == "AA" and "ignored" in text
    assert session.scalar(select(func.count()).select_from(Patient)) == 0
    event = session.scalars(select(AuditEvent)
                            .where(AuditEvent.action == "ehr.dose_ignored")).one()
    assert event.detail["codes"] == ["NDC|0409-4888-10"] and event.actor == "hl7:north"


def test_a_bad_value_is_an_ae_naming_segment_and_field(listener: int,
                                                       session: Session) -> None:
    ack = send(listener, ras(phone="^PRN^CP^^^^12"))
    code, control, text = msa(ack)
    assert (code, control) == ("AE", "MSG00001") and "phone" in text
    assert err_locations(ack) == ["PID^1^13"]
    ack = send(listener, ras("MSG00003", end="20261001140000-0600"))
    assert msa(ack)[0] == "AE" and err_locations(ack) == ["RXA^1^4"]
    assert session.scalar(select(func.count()).select_from(Patient)) == 0


def test_wrong_types_garbage_and_huge_messages_never_stop_the_listener(
        listener: int, svc: Services, session: Session) -> None:
    ack = send(listener, ras(message_type="RDE^O11^RDE_O11"))
    assert msa(ack)[0] == "AR" and err_locations(ack) == ["MSH^1^9"]
    ack = send(listener, "this is not HL7 at all")
    assert msa(ack)[0] == "AR"
    ack = send(listener, b"\xff\xfe\x00garbage|||\r")
    assert msa(ack)[0] == "AR"
    huge = ras("MSG-HUGE") + "NTE|1||" + "x" * (svc.settings.ehr.hl7_max_message_bytes + 10)
    ack = send(listener, huge)
    assert msa(ack)[0] == "AR" and "larger than" in msa(ack)[2]
    # Bytes outside an MLLP block, then a half-sent message and a dropped connection.
    with socket.create_connection(("127.0.0.1", listener)) as raw:
        raw.sendall(b"hello\x1c\r")
        assert b"MSA|AR" in raw.recv(4096)
        raw.sendall(b"\x0bMSH|^~\\&|PHARM")
    # Still listening, and still enrolling.
    assert msa(send(listener, ras()))[0] == "AA"
    assert session.scalar(select(func.count()).select_from(Infusion)) == 1


def test_the_cli_refuses_an_unknown_clinic(tmp_path: Path, database_url: str) -> None:
    config = tmp_path / "followup.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[server]\nsecret_key = "x"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "hl7-listen",
                                      "--clinic", "nowhere", "--port", "2575"])
    assert result.exit_code != 0 and "no clinic with slug 'nowhere'" in result.output


def test_followup_hl7_listen_is_a_process_an_interface_engine_can_reach(
        tmp_path: Path, database_url: str, north: ClinicHandle) -> None:
    """The command itself, as systemd runs it, on a free port, on the wall clock."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "followup.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[server]\nsecret_key = "x"\n')
    command = [str(Path(sys.executable).parent / "followup"), "--config", str(config),
               "hl7-listen", "--clinic", "north", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"HL7 MLLP listener on 127.0.0.1:{port} for north"), (
            line + (process.stderr.read() if process.poll() is not None else ""))
        ended = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y%m%d%H%M%S+0000")
        code, _, text = msa(send(port, ras("MSG-LIVE-1", end=ended)))
        assert code == "AA" and "enrolled" in text
    finally:
        # stopped as systemd stops it (SIGTERM). After SIGINT it stopped in 0.3 s here,
        # but twice in CI's coverage run (2026-12-04) it had not stopped 30 s, then 120 s
        # later, for a cause not found; SIGTERM's default action ends it whatever runs
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=30)  # waits, and closes both pipes
        except subprocess.TimeoutExpired:
            # a listener that does not stop even then: never leave it running, nor its
            # pipes open for the next test's warnings to report
            process.kill()
            process.communicate()
            raise
