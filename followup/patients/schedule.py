"""When to text: the check-in plan for an infusion, and quiet hours.

All arithmetic on wall-clock times goes through ``zoneinfo`` so a check-in
planned across a DST change lands at the intended local time, and quiet hours
are judged in the patient's own time zone, not the server's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from followup.config import CheckinSpec


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time.

    With fold=0, zoneinfo reads a wall time that does not exist (02:30 on the
    spring-forward night) with the offset from before the gap, which lands
    after it (03:30): late rather than early. A repeated wall time (the
    fall-back night) is its first occurrence."""
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC)


def next_allowed(instant: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """``instant`` itself if texting is allowed then, else the end of quiet hours."""
    local = instant.astimezone(tz)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return instant.astimezone(UTC)
    end_day = local.date()
    if quiet.start > quiet.end and local.time().replace(tzinfo=None) >= quiet.start:
        end_day += timedelta(days=1)
    return local_moment(end_day, quiet.end, tz)


def half_day(instant: datetime, tz: ZoneInfo) -> tuple[date, int]:
    """Morning or afternoon of a local day: at most one check-in in each."""
    local = instant.astimezone(tz)
    return local.date(), 0 if local.hour < 12 else 1


@dataclass(frozen=True)
class PlannedCheckin:
    kind: str
    template: str
    rank: int  # position in the schedule: later ones ask about later risks
    due_at: datetime  # the nominal moment (UTC)
    send_at: datetime  # the first moment outside quiet hours (UTC)


def plan(
    ended_at: datetime,
    tz: ZoneInfo,
    *,
    first_infusion: bool,
    specs: Sequence[CheckinSpec],
    quiet: QuietHours,
) -> list[PlannedCheckin]:
    """The check-ins for one infusion, in time order (before any merging)."""
    local_end = ended_at.astimezone(tz)
    planned: list[PlannedCheckin] = []
    for rank, spec in enumerate(specs):
        if spec.first_infusion_only and not first_infusion:
            continue
        if spec.after_hours is not None:
            due = ended_at.astimezone(UTC) + timedelta(hours=spec.after_hours)
        else:
            assert spec.day is not None and spec.at is not None
            due = local_moment(local_end.date() + timedelta(days=spec.day), spec.at, tz)
            if due <= ended_at:
                continue  # "day 0 at 10:00" for an infusion ending at noon
        send_at = next_allowed(due, tz, quiet)
        planned.append(PlannedCheckin(spec.kind, spec.template, rank, due, send_at))
    planned.sort(key=lambda p: p.send_at)
    return planned


@dataclass
class Slot:
    """A check-in holding a half-day: an existing row (id set) or a new plan."""

    send_at: datetime
    rank: int
    template: str
    id: int | None = None
    plan: PlannedCheckin | None = None


@dataclass(frozen=True)
class MergeDecision:
    keep: list[PlannedCheckin]
    merged: list[PlannedCheckin]  # dropped: their half-day already has a check-in
    upgrades: dict[int, str]  # existing check-in id -> template it now uses


def merge(
    planned: Iterable[PlannedCheckin], existing: Iterable[Slot], tz: ZoneInfo
) -> MergeDecision:
    """At most one check-in per patient per half-day.

    Two infusions on consecutive days (a divided dose) would otherwise text
    twice in a morning. The check-in already holding the half-day is kept; it
    takes the questions of the later-stage one (clots and kidneys outrank
    how-do-you-feel), so no topic is lost by merging."""
    taken: dict[tuple[date, int], Slot] = {}
    for slot in existing:
        taken.setdefault(half_day(slot.send_at, tz), slot)
    new_slots: list[Slot] = []
    merged: list[PlannedCheckin] = []
    upgrades: dict[int, str] = {}
    for item in planned:
        key = half_day(item.send_at, tz)
        holder = taken.get(key)
        if holder is None:
            slot = Slot(item.send_at, item.rank, item.template, plan=item)
            taken[key] = slot
            new_slots.append(slot)
            continue
        merged.append(item)
        if item.rank > holder.rank:
            holder.rank, holder.template = item.rank, item.template
            if holder.id is not None:
                upgrades[holder.id] = item.template
    keep = [
        PlannedCheckin(s.plan.kind, s.template, s.rank, s.plan.due_at, s.plan.send_at)
        for s in new_slots
        if s.plan is not None
    ]
    return MergeDecision(keep, merged, upgrades)
