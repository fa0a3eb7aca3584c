"""No PHI in logs: patient ids only, never names, numbers or message text."""

from __future__ import annotations

import logging

from conftest import post_twilio


def test_logs_carry_ids_not_names_numbers_or_texts(client, svc, north, clock, caplog):
    caplog.set_level(logging.DEBUG)
    client.post("/api/enrollments", headers=north.auth, json={
        "phone": "+13125550123", "first_name": "Zebulon",
        "infusion_at": "2026-11-10T14:00:00-06:00"})
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    post_twilio(client, "/twilio/inbound", {
        "From": "+13125550123", "To": "+13125550199", "Body": "chest pain since lunch",
        "MessageSid": "SM" + "e" * 32})
    post_twilio(client, "/twilio/inbound", {
        "From": "+13125557777", "To": "+13125550199", "Body": "who dis",
        "MessageSid": "SM" + "f" * 32})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "patient 1" in logged  # the log is useful...
    for phi in ("Zebulon", "3125550123", "555-0123", "chest pain since lunch", "who dis",
                "3125557777"):
        assert phi not in logged  # ...and holds no PHI

