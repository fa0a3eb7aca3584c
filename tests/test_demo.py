"""`followup demo`: the first screen a newcomer sees shows the product at work."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from followup.app import create_app
from followup.clock import FixedClock
from followup.demo import seed, try_it
from followup.models import Flag, Message
from followup.triage import Rulebook

# The demo runs on the wall clock, so its check-ins fall at different local times of day
# (quiet hours move them): the open flags must not depend on when `make run` is typed.
INSTANTS = [
    datetime(2026, 11, 10, 21, 0, tzinfo=UTC),   # 15:00 in Chicago
    datetime(2026, 11, 11, 9, 0, tzinfo=UTC),    # 03:00, in quiet hours
    datetime(2026, 11, 11, 14, 5, tzinfo=UTC),   # 08:05, just after quiet hours
    datetime(2026, 11, 12, 3, 30, tzinfo=UTC),   # 21:30, just into quiet hours
]


@pytest.mark.parametrize("now", INSTANTS, ids=lambda t: t.strftime("%H:%M UTC"))
def test_demo_leaves_open_flags_of_each_level_from_real_replies(
    app_config: dict[str, Any], rulebook: Rulebook, now: datetime
) -> None:
    app = create_app(app_config, clock=FixedClock(now), rulebook=rulebook)
    svc = app.extensions["followup"]
    try:
        with svc.sessions() as s:
            assert seed(s, svc) is not None
            s.commit()
            flags = s.scalars(select(Flag).where(Flag.status == "open")).all()
            by_level = {f.level: f for f in flags}
            assert sorted(by_level) == ["emergency", "routine", "urgent"], flags
            assert by_level["emergency"].patient.first_name == "Dan"
            assert by_level["urgent"].patient.first_name == "Elena"
            assert by_level["routine"].patient.first_name == "Cara"
            for flag in flags:  # each opened by a text that went through the inbound path
                message = s.get(Message, flag.message_id)
                assert message is not None and message.direction == "in"
                # recent: the queue is live, escalation still to come
                assert now - timedelta(hours=1) <= message.created_at <= now
                reply = s.scalar(select(Message).where(
                    Message.patient_id == flag.patient_id, Message.direction == "out",
                    Message.created_at >= message.created_at))
                assert reply is not None, "the patient got no answer"
    finally:
        svc.dispose()


def test_the_printed_enrolment_command_enrols_a_patient(client, svc, clock) -> None:
    with svc.sessions() as s:
        _email, _password, token = seed(s, svc)
        s.commit()
    command = try_it("http://127.0.0.1:5055", token, clock.now())
    assert "date -d" not in command and "http://127.0.0.1:5055/api/enrollments" in command
    body = json.loads(re.search(r"-d '(.*)'$", command).group(1))
    headers = dict(re.findall(r"-H '([^:]+): ([^']+)'", command))
    response = client.post("/api/enrollments", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["checkins"], response.get_json()
