"""Reactions and flags by product and lot: counted by the database, over a window.

The oracle below is the plain count the page used to make in Python (every
row loaded, each reaction walked to its infusion); the grouped SQL must give
the same numbers on a clinic with every awkward case in it."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup.care.metrics import REACTION_LEVELS, LotRow, lots
from followup.extensions import Services
from followup.models import Checkin, Flag, Infusion, Message, Patient
from tests.conftest import make_clinic

PRODUCTS = ["Privigen", "Gamunex-C", "", None]
LOTS = ["A1", "B2", "C3", "", None]
LEVELS = ["ok", "mild", "urgent", "emergency", None]
REASONS = ["triage", "triage", "no_response", "question"]


def _oracle(session: Session, clinic_id: int, since: datetime,
            until: datetime | None) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(infusions, reactions, flags) per (product, lot), counted row by row."""
    def window(at: datetime) -> bool:
        return at >= since and (until is None or at < until)

    infusions = [i for i in session.scalars(select(Infusion)).all()
                 if i.patient.clinic_id == clinic_id and window(i.ended_at)]
    by_id = {i.id: i for i in infusions}
    checkins = {c.id: c for c in session.scalars(select(Checkin)).all()
                if c.patient.clinic_id == clinic_id}

    def infusion_of(patient_id: int | None, checkin_id: int | None, at: datetime) -> int | None:
        if checkin_id is not None and checkin_id in checkins:
            return checkins[checkin_id].infusion_id
        before = sorted((i for i in infusions if i.patient_id == patient_id and i.ended_at <= at),
                        key=lambda i: (i.ended_at, i.id))
        return before[-1].id if before else None

    reactions: Counter[int | None] = Counter(
        infusion_of(m.patient_id, m.checkin_id, m.created_at)
        for m in session.scalars(select(Message)).all()
        if m.clinic_id == clinic_id and m.direction == "in" and m.level in REACTION_LEVELS
        and window(m.created_at))
    flags: Counter[int | None] = Counter(
        infusion_of(f.patient_id, f.checkin_id, f.created_at)
        for f in session.scalars(select(Flag)).all()
        if f.clinic_id == clinic_id and f.reason == "triage" and window(f.created_at))
    out: dict[tuple[str, str], tuple[int, int, int]] = {}
    for inf_id, inf in by_id.items():
        key = (inf.product or "(no product)", inf.lot or "(no lot)")
        n, r, f = out.get(key, (0, 0, 0))
        out[key] = (n + 1, r + reactions[inf_id], f + flags[inf_id])
    return out


def _populate(svc: Services, seed: int) -> tuple[int, datetime]:
    """Two clinics of patients with infusions, check-ins, answers and flags over 200 days."""
    rng = random.Random(seed)
    now = svc.clock.now()
    start = now - timedelta(days=200)
    clinics = [make_clinic(svc, "north", "+13125550199").clinic.id,
               make_clinic(svc, "south", "+13125550198").clinic.id]
    with svc.sessions() as s:
        for n in range(40):
            clinic_id = clinics[n % 2]
            p = Patient(clinic_id=clinic_id, phone=f"+1312555{n:04d}", first_name="P",
                        timezone="America/Chicago", created_at=start)
            s.add(p)
            s.flush()
            for _ in range(rng.randint(0, 4)):
                ended = start + timedelta(days=rng.uniform(0, 200))
                inf = Infusion(patient_id=p.id, ended_at=ended, timezone="America/Chicago",
                               product=rng.choice(PRODUCTS), lot=rng.choice(LOTS),
                               created_at=ended)
                s.add(inf)
                s.flush()
                checkin = Checkin(patient_id=p.id, infusion_id=inf.id, kind="day1",
                                  template="checkin_early", due_at=ended,
                                  next_attempt_at=ended, status="sent", sent_at=ended,
                                  created_at=ended)
                s.add(checkin)
                s.flush()
                for _ in range(rng.randint(0, 3)):
                    at = ended + timedelta(hours=rng.uniform(-48, 24 * 12))
                    answered = rng.random() < 0.6
                    s.add(Message(clinic_id=clinic_id, patient_id=p.id,
                                  checkin_id=checkin.id if answered else None,
                                  direction=rng.choice(["in", "in", "out"]), body="x",
                                  status="received", level=rng.choice(LEVELS),
                                  created_at=at))
                    if rng.random() < 0.5:
                        s.add(Flag(clinic_id=clinic_id, patient_id=p.id,
                                   checkin_id=checkin.id if answered else None,
                                   level="urgent", reason=rng.choice(REASONS),
                                   status="open", created_at=at))
        s.commit()
    return clinics[0], now


def _as_dict(rows: list[LotRow]) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(r.product, r.lot): (r.infusions, r.reactions, r.flags) for r in rows}


def test_grouped_counts_match_a_row_by_row_count(svc: Services) -> None:
    clinic_id, now = _populate(svc, seed=14)
    with svc.sessions() as s:
        for since, until in [(now - timedelta(days=90), None),
                             (now - timedelta(days=90), now - timedelta(days=30)),
                             (now - timedelta(days=400), now)]:
            got = _as_dict(lots(s, clinic_id, since, until))
            expected = _oracle(s, clinic_id, since, until)
            assert got == expected
            assert sum(n for n, _, _ in got.values()) > 5  # the fixture is not empty
            assert sum(r for _, r, _ in got.values()) > 0
            assert sum(f for _, _, f in got.values()) > 0


def test_nothing_outside_the_window_is_counted(svc: Services) -> None:
    clinic_id, now = _populate(svc, seed=7)
    with svc.sessions() as s:
        assert lots(s, clinic_id, now + timedelta(days=1)) == []
