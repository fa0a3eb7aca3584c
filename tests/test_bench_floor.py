"""The webhook benchmark's durable floor is what it claims to be: it refuses a
bad signature and stores nothing then, and stores a signed message exactly once,
answering a retry the same way. Otherwise "what any durable webhook reaches"
would compare against something that skips the work."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, func, select
from twilio.request_validator import RequestValidator

from bench.bare_app import FLOOR_TABLE, create_durable_app, create_floor_table

TOKEN = "floor-token"
PUBLIC = "https://floor.example"


def test_floor_checks_signatures_and_stores_each_message_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'floor.db'}"
    engine = create_engine(url)
    create_floor_table(engine)
    app = create_durable_app({"database": {"url": url}, "twilio": {"auth_token": TOKEN},
                              "server": {"public_url": PUBLIC}})
    client = app.test_client()
    form = {"MessageSid": "SM" + "1" * 32, "From": "+13125550123", "Body": "headache"}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/inbound", form)

    def stored() -> int:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(FLOOR_TABLE)).scalar_one())

    forged = client.post("/twilio/inbound", data=form, headers={"X-Twilio-Signature": "x"})
    assert forged.status_code == 403 and stored() == 0
    first = client.post("/twilio/inbound", data=form, headers={"X-Twilio-Signature": signature})
    retry = client.post("/twilio/inbound", data=form, headers={"X-Twilio-Signature": signature})
    assert first.status_code == retry.status_code == 200
    assert first.data == retry.data and b"<Message>" in first.data
    assert stored() == 1
