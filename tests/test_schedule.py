"""When check-ins are due: the plan, quiet hours (DST-correct) and merging."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from followup.config import load_settings
from followup.patients.schedule import QuietHours, Slot, local_moment, merge, next_allowed, plan

CHICAGO = ZoneInfo("America/Chicago")
QUIET = QuietHours(time(21, 0), time(8, 0))
SPECS = load_settings(instance_path="/tmp", environ={}).checkins


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def kinds(planned: list) -> list[str]:
    return [p.kind for p in planned]


def test_first_infusion_gets_same_day_day1_day2_day3_day7() -> None:
    planned = plan(at("2026-11-10T14:00-06:00"), CHICAGO, first_infusion=True, specs=SPECS,
                   quiet=QUIET)
    assert kinds(planned) == ["same_day", "day1", "day2", "day3", "day7"]
    assert planned[0].due_at == at("2026-11-10T17:00-06:00")  # ~3 h after the infusion
    assert planned[1].due_at == at("2026-11-11T10:00-06:00")
    assert planned[3].due_at == at("2026-11-13T10:00-06:00")
    assert planned[4].due_at == at("2026-11-17T10:00-06:00")


def test_repeat_infusion_skips_day2() -> None:
    planned = plan(at("2026-11-10T14:00-06:00"), CHICAGO, first_infusion=False, specs=SPECS,
                   quiet=QUIET)
    assert kinds(planned) == ["same_day", "day1", "day3", "day7"]


def test_day_checkins_keep_local_time_across_dst_end() -> None:
    # Infusion on Saturday 31 Oct (CDT, UTC-5); clocks go back on Sunday 1 Nov.
    planned = plan(at("2026-10-31T15:00-05:00"), CHICAGO, first_infusion=False, specs=SPECS,
                   quiet=QUIET)
    day1 = planned[1]
    assert day1.kind == "day1"
    assert day1.due_at == datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # 10:00 CST = UTC-6
    assert day1.due_at.astimezone(CHICAGO).hour == 10


def test_quiet_hours_defer_to_eight_in_the_patients_zone_across_dst() -> None:
    # 23:00 CDT on 31 Oct is night; the next allowed moment is 08:00 CST on 1 Nov.
    night = at("2026-10-31T23:00-05:00")
    allowed = next_allowed(night, CHICAGO, QUIET)
    assert allowed == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
    assert allowed.astimezone(CHICAGO).time() == time(8, 0)


def test_quiet_hours_after_midnight_end_the_same_morning() -> None:
    allowed = next_allowed(at("2026-11-11T03:30-06:00"), CHICAGO, QUIET)
    assert allowed == at("2026-11-11T08:00-06:00")


def test_daytime_is_not_deferred() -> None:
    noon = at("2026-11-11T12:00-06:00")
    assert next_allowed(noon, CHICAGO, QUIET) == noon
    assert next_allowed(at("2026-11-11T20:59-06:00"), CHICAGO, QUIET) == at(
        "2026-11-11T20:59-06:00")


def test_spring_forward_gap_moves_forward_not_back() -> None:
    # 02:30 on 8 March 2026 does not exist in Chicago.
    moment = local_moment(datetime(2026, 3, 8).date(), time(2, 30), CHICAGO)
    assert moment.astimezone(CHICAGO).strftime("%H:%M %Z") == "03:30 CDT"


def test_late_evening_infusion_texts_once_next_morning() -> None:
    # Ends 20:00: "same day" (23:00) falls in quiet hours and moves to 08:00,
    # the morning day-1 check-in then shares its half-day and is merged.
    planned = plan(at("2026-11-10T20:00-06:00"), CHICAGO, first_infusion=False, specs=SPECS,
                   quiet=QUIET)
    decision = merge(planned, [], CHICAGO)
    kept = [(p.kind, p.send_at.astimezone(CHICAGO).strftime("%a %H:%M")) for p in decision.keep]
    assert kept == [("same_day", "Wed 08:00"), ("day3", "Fri 10:00"), ("day7", "Tue 10:00")]
    assert [p.kind for p in decision.merged] == ["day1"]


def test_divided_dose_never_two_checkins_in_one_half_day() -> None:
    first = plan(at("2026-11-09T14:00-06:00"), CHICAGO, first_infusion=True, specs=SPECS,
                 quiet=QUIET)
    second = plan(at("2026-11-10T14:00-06:00"), CHICAGO, first_infusion=True, specs=SPECS,
                  quiet=QUIET)
    existing = [Slot(p.send_at, p.rank, p.template, id=i) for i, p in enumerate(first, 1)]
    decision = merge(second, existing, CHICAGO)
    all_sends = [s.send_at for s in existing] + [p.send_at for p in decision.keep]
    halves = [(t.astimezone(CHICAGO).date(), t.astimezone(CHICAGO).hour < 12) for t in all_sends]
    assert len(halves) == len(set(halves))
    # Wednesday: day 2 of the first dose meets day 1 of the second;
    # Thursday: day 3 of the first meets day 2 of the second.
    assert [p.kind for p in decision.merged] == ["day1", "day2"]


def test_merging_keeps_the_later_stage_questions() -> None:
    # Day 3 of one dose (clots, kidneys) meets day 2 of the next (how do you feel):
    # the kept text asks the later-stage questions.
    existing = [Slot(at("2026-11-12T10:00-06:00"), rank=2, template="checkin_early", id=7)]
    late = plan(at("2026-11-09T14:00-06:00"), CHICAGO, first_infusion=False, specs=SPECS,
                quiet=QUIET)
    decision = merge([p for p in late if p.kind == "day3"], existing, CHICAGO)
    assert decision.keep == []
    assert decision.upgrades == {7: "checkin_late"}
