"""Kill the dispatcher (SIGKILL) at random moments mid-batch, many times, while
it sends through a fake Twilio: no check-in may be lost, and a text sent twice
is possible only when the kill fell between Twilio accepting it and our commit
-- and then it must have been detected and recorded on the check-in.

Marked slow (about a minute: real processes, real kills); `make test` and CI
run it, `make test-quick` leaves it out. Deterministic in what it checks: a
request cut short by the kill never reaches the fake as a request (Twilio
never sees half a request either), and the kills land wherever they land --
every outcome of a kill must pass."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import T0, make_clinic
from factories import enrol
from fake_twilio import FakeTwilio
from sqlalchemy import select

from followup.app import create_app
from followup.clock import FixedClock
from followup.models import Checkin, Message

PATIENTS = 500
CRASHES = 20
LEASE = 1  # seconds: each run's --as-of moves past the previous run's claims
# The last pass is a healthy dispatcher taking up what the crashes left. With the crash
# runs' 1 s lease, a one-second stall of a loaded machine (a slow commit, a late answer)
# made it give back a chunk unsent, due after its own instant: "lost" to the test,
# though the next pass would have sent it. It gets the lease a real deployment has.
FINAL_LEASE = 600


def config_text(database_url: str, fake: FakeTwilio, lease: int = LEASE) -> str:
    # Twilio's timeout is generous: on a loaded machine a 5 s read timeout turned the
    # fake's late answers into retries scheduled after the final pass (check-ins "lost").
    return f"""
[database]
url = "{database_url}"
[server]
secret_key = "x"
public_url = "https://followup.example.org"
[sms]
backend = "twilio"
[twilio]
account_sid = "{fake.account_sid}"
auth_token = "{fake.auth_token}"
from_number = "+13125550100"
api_base_url = "{fake.base_url}"
timeout_seconds = 30
[scheduler]
enabled = false
batch_size = 50
[dispatch]
claim_lease_seconds = {lease}
[rate_limit]
default_per_second = 100000
[api]
enrollments_per_minute = 1000000
[logging]
level = "WARNING"
[[schedule.checkins]]
kind = "same_day"
after_hours = 1
template = "checkin_early"
"""


def dispatch(config: Path, as_of: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "FOLLOWUP_CONFIG"}
    return subprocess.Popen(
        [sys.executable, "-c", "from followup.cli import main; main()", "--config", str(config),
         "dispatch", "--as-of", as_of],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


@pytest.mark.slow
def test_sigkill_mid_batch_loses_nothing_and_records_every_duplicate(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(20261124)
    with FakeTwilio() as fake:
        config = tmp_path / "crash.toml"
        config.write_text(config_text(database_url, fake))
        app = create_app(config_path=str(config), clock=FixedClock(T0))
        svc = app.extensions["followup"]
        clinic = make_clinic(svc, "north", "+13125550199")
        client = app.test_client()
        for i in range(PATIENTS):
            enrol(client, clinic, phone=f"+1312555{4000 + i}", first_name="P",
                  infusion_at=(T0 - timedelta(hours=2)).isoformat())

        crashes = 0
        for run in range(CRASHES):
            as_of = (T0 + timedelta(seconds=run * (LEASE + 1))).isoformat()
            sent_before = fake.arrived
            proc = dispatch(config, as_of)
            # The interpreter takes 1-3 s to start, more on a loaded machine: kill it a
            # random moment after its first request, so that it dies mid-send.
            fake.wait_for_requests(sent_before + 1, timeout=30)
            deadline = time.monotonic() + rng.uniform(0.0, 0.6)
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)  # waiting on a real subprocess, not on time itself
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                crashes += 1
            _, err = proc.communicate()
            assert proc.returncode in (0, -signal.SIGKILL), err.decode()[-2000:]
        final_as_of = (T0 + timedelta(seconds=CRASHES * (LEASE + 1) + 5)).isoformat()
        final_config = tmp_path / "final.toml"
        final_config.write_text(config_text(database_url, fake, FINAL_LEASE))
        final = dispatch(final_config, final_as_of)
        out, err = final.communicate(timeout=300)
        assert final.returncode == 0, err.decode()
        assert b"given back unsent" not in err, err.decode()[-2000:]

        with svc.sessions() as s:
            checkins = s.scalars(select(Checkin)).all()
            phones = {c.id: c.patient.phone for c in checkins}
            lost = [c.id for c in checkins if c.status != "sent"]
            flagged = {phones[c.id] for c in checkins if c.possible_duplicate}
            stored = Counter(s.scalars(select(Message.to_number)
                                       .where(Message.direction == "out")))
        delivered = Counter(str(m["To"]) for m in fake.messages)
        duplicates = {to for to, n in delivered.items() if n > 1}
        with capsys.disabled():  # the figures belong in the run's output
            print(f"\ncrash safety: {crashes} crashes ({fake.cut_requests} requests cut), "
                  f"{len(checkins)} check-ins, "
                  f"{len(lost)} lost, {sum(n - 1 for n in delivered.values())} duplicate texts "
                  f"({len(duplicates)} patients), {len(flagged)} recorded as possible duplicates")
        assert crashes >= 5, "the dispatcher finished before it could be killed"
        assert lost == []
        assert set(delivered) == set(phones.values())  # everyone got their text
        assert duplicates <= flagged  # every duplicate was detected and recorded
        assert all(n == 1 for n in stored.values())  # our record holds one text each
        assert fake.errors == []
        svc.dispose()
