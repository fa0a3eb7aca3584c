"""Configuration: built-in defaults, then a TOML file, then the environment.

Validated once at start-up into typed settings so a typo in the file stops the
service with a message naming the key, instead of failing at 3 a.m. when the
first check-in of the night is due.

Each key is declared once, as a field of the dataclasses below: its default,
its place in the file (``key``), its bounds and choices, and the environment
variable that may set it. ``followup.config_loader`` walks the fields to read,
check and refuse unknown keys; a new key is a new field and nothing else.
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass, replace
from datetime import time
from pathlib import Path
from typing import Any

from followup.config_loader import (
    ConfigError,
    env_overrides,
    load_section,
    parse_hhmm,
    setting,
)
from followup.ehr.settings import EhrSettings

__all__ = ["ConfigError", "Settings", "load_settings", "parse_hhmm"]

TWILIO_API_BASE_URL = "https://api.twilio.com"


def _http_url(value: str) -> str | None:
    return None if value.startswith(("http://", "https://")) else \
        "must start with http:// or https://"


def _strip_slash(value: str) -> str:
    return value.rstrip("/")


@dataclass(frozen=True)
class CheckinSpec:
    """One entry of the check-in schedule."""

    kind: str
    template: str
    after_hours: float | None = None  # relative to the end of the infusion
    day: int | None = None  # or: on local day N after the infusion ...
    at: time | None = None  # ... at this local time
    first_infusion_only: bool = False


DEFAULT_CHECKINS = (
    # Immediate reactions: a few hours after the infusion ends.
    CheckinSpec("same_day", "checkin_early", after_hours=3),
    # Headache, aches, rash; aseptic meningitis shows within ~48 h.
    CheckinSpec("day1", "checkin_early", day=1, at=time(10)),
    # Side effects peak on day 2 of a first infusion.
    CheckinSpec("day2", "checkin_early", day=2, at=time(10), first_infusion_only=True),
    # Kidneys: creatinine rises days 2-4; less urine is the common sign.
    CheckinSpec("day3", "checkin_late", day=3, at=time(10)),
    # Clots (days 1-7) and hemolysis (days 5-10).
    CheckinSpec("day7", "checkin_late", day=7, at=time(10)),
)
CHECKIN_KEYS = {"kind", "template", "after_hours", "day", "at", "first_infusion_only"}


def parse_checkins(entries: Any, key: str) -> tuple[CheckinSpec, ...]:
    """``[[schedule.checkins]]``: the operator's own list, checked entry by entry."""
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{key}: must be a non-empty list of check-ins")
    seen: set[str] = set()
    return tuple(_checkin(entry, f"{key}[{i}]", seen) for i, entry in enumerate(entries))


def _checkin(entry: Any, where: str, seen: set[str]) -> CheckinSpec:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table")
    unknown = set(entry) - CHECKIN_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    kind = entry.get("kind")
    if not isinstance(kind, str) or not kind.replace("_", "").isalnum():
        raise ConfigError(f"{where}.kind: must be a short name like \"day3\"")
    if kind in seen:
        raise ConfigError(f"{where}.kind: {kind!r} appears twice")
    seen.add(kind)
    template = entry.get("template", f"checkin_{kind}")
    if not isinstance(template, str) or not template:
        raise ConfigError(f"{where}.template: must be a template name")
    first_only = entry.get("first_infusion_only", False)
    if not isinstance(first_only, bool):
        raise ConfigError(f"{where}.first_infusion_only: must be true or false")
    if "after_hours" in entry:
        if "day" in entry or "at" in entry:
            raise ConfigError(f"{where}: give either after_hours or day and at, not both")
        hours = entry["after_hours"]
        if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
            raise ConfigError(f"{where}.after_hours: must be a number of hours >= 0")
        return CheckinSpec(kind, template, after_hours=float(hours),
                           first_infusion_only=first_only)
    day = entry.get("day")
    if isinstance(day, bool) or not isinstance(day, int) or day < 0:
        raise ConfigError(f"{where}.day: must be a whole number of days >= 0")
    return CheckinSpec(kind, template, day=day, at=parse_hhmm(entry.get("at"), f"{where}.at"),
                       first_infusion_only=first_only)


def parse_senders(senders: Any, key: str) -> dict[str, float]:
    """``[rate_limit.senders]``: the operator's own numbers, each a positive rate."""
    if not isinstance(senders, dict):
        raise ConfigError(f"{key}: must be a table of number = messages per second")
    for number, rate in senders.items():
        if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
            raise ConfigError(f"{key}.{number}: must be a positive number")
    return {str(k): float(v) for k, v in senders.items()}


@dataclass(frozen=True)
class TwilioSettings:
    """``[twilio]``."""

    account_sid: str = setting("", env="TWILIO_ACCOUNT_SID")
    auth_token: str = setting("", env="TWILIO_AUTH_TOKEN")
    from_number: str = ""
    messaging_service_sid: str = ""
    api_base_url: str = setting(TWILIO_API_BASE_URL, normalize=_strip_slash)
    timeout_seconds: float = setting(10.0, minimum=0.1)
    validity_period_seconds: int = setting(3600, minimum=1, maximum=36000,
                                           note="Twilio accepts at most 36000")


@dataclass(frozen=True)
class WebSettings:
    """``[web]``: staff sessions and login throttling."""

    session_idle_minutes: float = setting(
        15.0, minimum=1, description="Staff sessions end after this long idle ...")
    session_max_hours: float = setting(12.0, minimum=0.1, description="... and after this long "
                                                                    "in any case.")
    idle_warning_minutes: float = setting(
        2.0, minimum=0.1, description="The queue warns this long before an idle sign-out, with "
                                    "a \"stay signed in\" button.")
    pager_hours: float = setting(
        12.0, minimum=0.1, description="After an idle sign-out the queue page keeps showing how "
        "many flags wait (counts only) for this long, with a pager token given while signed in.")
    login_max_failures: int = setting(
        5, minimum=1, description="Failed logins allowed per (account, address), and per "
                                  "address, within the window.")
    login_window_minutes: float = setting(15.0, minimum=1)


@dataclass(frozen=True)
class FollowThroughSettings:
    """``[followthrough]``: reminders and no-response flags."""

    reminder_after_waking_hours: float = setting(
        4.0, minimum=0.1, description="No answer within this many waking hours (outside quiet "
                                    "hours): one reminder.")
    flag_after_waking_days: int = setting(
        1, minimum=1, description="Still nothing by the end of this many waking days after the "
                                  "reminder: a flag.")
    late_kinds: tuple[str, ...] = setting(
        ("day3", "day7"), expect="check-in kinds",
        description="Check-ins about clots and kidneys (day 3 and later) follow up sooner.")
    late_reminder_after_waking_hours: float = setting(2.0, minimum=0.1)
    late_flag_after_waking_hours: float = setting(6.0, minimum=0.1)


@dataclass(frozen=True)
class EscalationSettings:
    """``[escalation]``: on-call texts about unacknowledged flags."""

    emergency_minutes: float = setting(
        5.0, minimum=0, description="An unacknowledged flag texts the clinic's on-call ladder "
                                  "after this long ...")
    urgent_minutes: float = setting(60.0, minimum=0)
    repeat_minutes: float = setting(
        10.0, minimum=1, description="... and the next rung every this many minutes until "
                                   "acknowledged.")


@dataclass(frozen=True)
class DigestSettings:
    """``[digest]``: the daily summary to a clinic."""

    default_time: time = time(7, 30)
    smtp_host: str = ""
    smtp_port: int = setting(25, minimum=1)
    smtp_from: str = "followup@localhost"


@dataclass(frozen=True)
class RateLimitSettings:
    """``[rate_limit]``: messages per second per sending number (Twilio: 1 long code,
    3 toll-free, up to 100 short code); per-number overrides in ``[rate_limit.senders]``."""

    default_per_second: float = setting(1.0, minimum=0.01)
    senders: dict[str, float] = setting(default_factory=dict, parse=parse_senders)

    def per_second(self, sender: str | None) -> float:
        return self.senders.get(sender or "", self.default_per_second)


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its configuration.

    Top-level fields name their place in the file (``key``); the classes above
    and ``EhrSettings`` are tables of their own."""

    database_url: str = setting("", key="database.url", env="FOLLOWUP_DATABASE_URL",
                                description="Empty: SQLite in the instance folder.")
    secret_key: str = setting("", key="server.secret_key", env="FOLLOWUP_SECRET_KEY")
    public_url: str = setting("http://127.0.0.1:5000", key="server.public_url",
                              normalize=_strip_slash, check=_http_url)
    proxy_hops: int = setting(
        0, key="server.proxy_hops", minimum=0,
        description="Reverse proxies in front (nginx: 1). Their X-Forwarded-* headers are "
                    "trusted for the client address and scheme; 0 trusts none.")
    dev: bool = setting(
        False, key="server.dev", env="FOLLOWUP_DEV",
        description="Development only: the dev phone (/dev/phone, console backend, requests "
                    "from this machine). Refused with an https public_url or a proxy.")
    sms_backend: str = setting("console", key="sms.backend", choices=("console", "twilio"))
    twilio: TwilioSettings = setting(default_factory=TwilioSettings)
    scheduler_enabled: bool = setting(True, key="scheduler.enabled")
    scheduler_interval_seconds: int = setting(30, key="scheduler.interval_seconds", minimum=1)
    batch_size: int = setting(200, key="scheduler.batch_size", minimum=1)
    checkins: tuple[CheckinSpec, ...] = setting(DEFAULT_CHECKINS, key="schedule.checkins",
                                                parse=parse_checkins)
    stale_after_hours: float = setting(12.0, key="schedule.stale_after_hours", minimum=0)
    quiet_start: time = setting(time(21), key="quiet_hours.start")
    quiet_end: time = setting(time(8), key="quiet_hours.end")
    retry_base_seconds: float = setting(60.0, key="dispatch.retry_base_seconds", minimum=0)
    retry_max_seconds: float = setting(1800.0, key="dispatch.retry_max_seconds", minimum=0)
    max_attempts: int = setting(8, key="dispatch.max_attempts", minimum=1)
    claim_lease_seconds: int = setting(600, key="dispatch.claim_lease_seconds", minimum=1)
    log_level: str = setting("INFO", key="logging.level", normalize=str.upper,
                             choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    web: WebSettings = setting(default_factory=WebSettings)
    followthrough: FollowThroughSettings = setting(default_factory=FollowThroughSettings)
    escalation: EscalationSettings = setting(default_factory=EscalationSettings)
    digest: DigestSettings = setting(default_factory=DigestSettings)
    rate_limit: RateLimitSettings = setting(default_factory=RateLimitSettings)
    retention_message_body_days: int = setting(
        0, key="retention.message_body_days", minimum=0,
        description="Message texts older than this many days are removed (0: kept). The record "
                    "that a message was sent or received, its triage level and the audit "
                    "trail stay.")
    triage_rulebook: str = setting(
        "", key="triage.rulebook",
        description="The clinical rulebook (findings, phrasings, levels). Empty: the one "
                    "shipped in followup/triage/rulebook.toml. Checked at start-up.")
    ehr: EhrSettings = setting(default_factory=EhrSettings)
    api_enrollments_per_minute: int = setting(
        60, key="api.enrollments_per_minute", minimum=1,
        description="Enrolments one API token may make per minute (429 with Retry-After "
                    "beyond): a leaked token cannot pump texts to thousands of numbers.")

    def cross_check(self) -> None:
        """Rules between keys (the loader calls it once every value is checked)."""
        if self.sms_backend == "twilio":
            if not self.twilio.account_sid:
                raise ConfigError("twilio.account_sid: required when sms.backend is \"twilio\"")
            if not self.twilio.auth_token:
                raise ConfigError("twilio.auth_token: required when sms.backend is \"twilio\"")
            if not (self.twilio.from_number or self.twilio.messaging_service_sid):
                raise ConfigError(
                    "twilio.from_number: required (or twilio.messaging_service_sid) "
                    "when sms.backend is \"twilio\"")
        if self.dev and self.public_url.startswith("https://"):
            raise ConfigError(
                "server.dev: must be false when server.public_url is https "
                "(the dev phone is for a developer's own machine, never a deployment)")
        if self.dev and self.proxy_hops:
            raise ConfigError("server.dev: must be false when server.proxy_hops is above 0 "
                              "(behind a proxy every request would look local)")


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {p}: not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {p}: not valid TOML ({exc})") from None


def load_settings(
    *,
    instance_path: str,
    config_path: str | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Defaults < TOML file < environment < explicit overrides (tests)."""
    env = dict(os.environ) if environ is None else environ
    raw: dict[str, Any] = {}
    path = config_path or env.get("FOLLOWUP_CONFIG")
    if path:
        raw = read_toml(path)
    raw = deep_merge(raw, env_overrides(Settings, env))
    if overrides:
        raw = deep_merge(raw, overrides)
    settings = load_section(Settings, raw)
    if not settings.database_url:
        settings = replace(settings,
                           database_url=f"sqlite:///{Path(instance_path) / 'followup.db'}")
    return settings
