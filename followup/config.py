"""Configuration: built-in defaults, then a TOML file, then the environment.

Validated once at start-up into typed settings so a typo in the file stops the
service with a message naming the key, instead of failing at 3 a.m. when the
first check-in of the night is due.
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from followup.ehr.settings import DEFAULTS as EHR_DEFAULTS
from followup.ehr.settings import EhrSettings, build_ehr_settings

TWILIO_API_BASE_URL = "https://api.twilio.com"


class ConfigError(ValueError):
    """A configuration value is missing or wrong; the message names the key."""


DEFAULTS: dict[str, Any] = {
    "server": {
        "public_url": "http://127.0.0.1:5000",
        "secret_key": "",
        # Reverse proxies in front (nginx: 1). Their X-Forwarded-* headers are
        # trusted for the client address and scheme; 0 trusts none.
        "proxy_hops": 0,
        # Development only: the dev phone (/dev/phone, console backend, requests
        # from this machine). Refused with an https public_url or a proxy.
        "dev": False,
    },
    "database": {"url": ""},
    "sms": {"backend": "console"},
    "twilio": {
        "account_sid": "",
        "auth_token": "",
        "from_number": "",
        "messaging_service_sid": "",
        "api_base_url": TWILIO_API_BASE_URL,
        "timeout_seconds": 10.0,
        "validity_period_seconds": 3600,
    },
    "scheduler": {"enabled": True, "interval_seconds": 30, "batch_size": 200},
    "schedule": {
        "stale_after_hours": 12,
        "checkins": [
            # Immediate reactions: a few hours after the infusion ends.
            {"kind": "same_day", "after_hours": 3, "template": "checkin_early"},
            # Headache, aches, rash; aseptic meningitis shows within ~48 h.
            {"kind": "day1", "day": 1, "at": "10:00", "template": "checkin_early"},
            # Side effects peak on day 2 of a first infusion.
            {
                "kind": "day2",
                "day": 2,
                "at": "10:00",
                "template": "checkin_early",
                "first_infusion_only": True,
            },
            # Kidneys: creatinine rises days 2-4; less urine is the common sign.
            {"kind": "day3", "day": 3, "at": "10:00", "template": "checkin_late"},
            # Clots (days 1-7) and hemolysis (days 5-10).
            {"kind": "day7", "day": 7, "at": "10:00", "template": "checkin_late"},
        ],
    },
    "quiet_hours": {"start": "21:00", "end": "08:00"},
    "dispatch": {
        "retry_base_seconds": 60,
        "retry_max_seconds": 1800,
        "max_attempts": 8,
        "claim_lease_seconds": 600,
    },
    "logging": {"level": "INFO"},
    "web": {
        # Staff sessions end after this long idle, and after max_hours in any case.
        "session_idle_minutes": 15,
        "session_max_hours": 12,
        # The queue warns this long before an idle sign-out, with a "stay signed in" button.
        "idle_warning_minutes": 2,
        # After an idle sign-out the queue page keeps showing how many flags wait
        # (counts only) for this long, with a pager token it was given while signed in.
        "pager_hours": 12,
        # Failed logins allowed per (account, address), and per address, within the window.
        "login_max_failures": 5,
        "login_window_minutes": 15,
    },
    "followthrough": {
        # No answer within this many waking hours (outside quiet hours): one reminder.
        "reminder_after_waking_hours": 4,
        # Still nothing by the end of this many waking days after the reminder: a flag.
        "flag_after_waking_days": 1,
        # Check-ins about clots and kidneys (day 3 and later) follow up sooner.
        "late_kinds": ["day3", "day7"],
        "late_reminder_after_waking_hours": 2,
        "late_flag_after_waking_hours": 6,
    },
    "escalation": {
        # An unacknowledged flag texts the clinic's on-call ladder after this long...
        "emergency_minutes": 5,
        "urgent_minutes": 60,
        # ... and the next rung of the ladder every this many minutes until acknowledged.
        "repeat_minutes": 10,
    },
    "digest": {
        "default_time": "07:30",
        "smtp_host": "",
        "smtp_port": 25,
        "smtp_from": "followup@localhost",
    },
    "triage": {
        # The clinical rulebook (findings, phrasings, levels). Empty: the one
        # shipped in followup/triage/rulebook.toml. Checked at start-up.
        "rulebook": "",
    },
    "retention": {
        # Message texts older than this many days are removed (0: kept). The
        # record that a message was sent or received, its triage level and the
        # audit trail stay.
        "message_body_days": 0,
    },
    "api": {
        # Enrolments one API token may make per minute (429 with Retry-After
        # beyond): a leaked token cannot pump texts to thousands of numbers.
        "enrollments_per_minute": 60,
    },
    # EHR integration (followup/ehr/settings.py, docs/ehr-integration.md).
    "ehr": EHR_DEFAULTS,
    "rate_limit": {
        # Messages per second per sending number (Twilio: 1 long code, 3 toll-free,
        # up to 100 short code); per-number overrides in [rate_limit.senders].
        "default_per_second": 1.0,
        "senders": {},
    },
}


@dataclass(frozen=True)
class CheckinSpec:
    """One entry of the check-in schedule."""

    kind: str
    template: str
    after_hours: float | None = None  # relative to the end of the infusion
    day: int | None = None  # or: on local day N after the infusion ...
    at: time | None = None  # ... at this local time
    first_infusion_only: bool = False


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    from_number: str
    messaging_service_sid: str
    api_base_url: str
    timeout_seconds: float
    validity_period_seconds: int


@dataclass(frozen=True)
class WebSettings:
    session_idle_minutes: float
    session_max_hours: float
    idle_warning_minutes: float
    pager_hours: float
    login_max_failures: int
    login_window_minutes: float


@dataclass(frozen=True)
class FollowThroughSettings:
    reminder_after_waking_hours: float
    flag_after_waking_days: int
    late_kinds: tuple[str, ...]
    late_reminder_after_waking_hours: float
    late_flag_after_waking_hours: float


@dataclass(frozen=True)
class EscalationSettings:
    emergency_minutes: float
    urgent_minutes: float
    repeat_minutes: float


@dataclass(frozen=True)
class DigestSettings:
    default_time: time
    smtp_host: str
    smtp_port: int
    smtp_from: str


@dataclass(frozen=True)
class RateLimitSettings:
    default_per_second: float
    senders: dict[str, float]

    def per_second(self, sender: str | None) -> float:
        return self.senders.get(sender or "", self.default_per_second)


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    public_url: str
    proxy_hops: int
    dev: bool
    sms_backend: str
    twilio: TwilioSettings
    scheduler_enabled: bool
    scheduler_interval_seconds: int
    batch_size: int
    checkins: tuple[CheckinSpec, ...]
    stale_after_hours: float
    quiet_start: time
    quiet_end: time
    retry_base_seconds: float
    retry_max_seconds: float
    max_attempts: int
    claim_lease_seconds: int
    log_level: str
    web: WebSettings
    followthrough: FollowThroughSettings
    escalation: EscalationSettings
    digest: DigestSettings
    rate_limit: RateLimitSettings
    retention_message_body_days: int
    triage_rulebook: str
    ehr: EhrSettings
    api_enrollments_per_minute: int = 60
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


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


def env_overrides(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Secrets may come from the environment rather than the file."""
    out: dict[str, Any] = {}
    mapping = {
        "FOLLOWUP_SECRET_KEY": ("server", "secret_key"),
        "FOLLOWUP_DATABASE_URL": ("database", "url"),
        "TWILIO_ACCOUNT_SID": ("twilio", "account_sid"),
        "TWILIO_AUTH_TOKEN": ("twilio", "auth_token"),
    }
    for var, (section, key) in mapping.items():
        if environ.get(var):
            out.setdefault(section, {})[key] = environ[var]
    dev = environ.get("FOLLOWUP_DEV", "").strip().lower()
    if dev:
        if dev not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ConfigError("FOLLOWUP_DEV: must be 1 or 0 (server.dev)")
        out.setdefault("server", {})["dev"] = dev in ("1", "true", "yes", "on")
    return out


def _get(raw: dict[str, Any], dotted: str) -> Any:
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"{dotted}: missing")
        node = node[part]
    return node


def _str(raw: dict[str, Any], dotted: str) -> str:
    value = _get(raw, dotted)
    if not isinstance(value, str):
        raise ConfigError(f"{dotted}: must be a string, got {type(value).__name__}")
    return value


def _bool(raw: dict[str, Any], dotted: str) -> bool:
    value = _get(raw, dotted)
    if not isinstance(value, bool):
        raise ConfigError(f"{dotted}: must be true or false")
    return value


def _number(raw: dict[str, Any], dotted: str, *, minimum: float = 0) -> float:
    value = _get(raw, dotted)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{dotted}: must be a number")
    if value < minimum:
        raise ConfigError(f"{dotted}: must be at least {minimum}")
    return float(value)


def parse_hhmm(value: Any, where: str) -> time:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: must be a time like \"21:00\"")
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"{where}: must be a time like \"21:00\", got {value!r}") from None


def _checkins(raw: dict[str, Any]) -> tuple[CheckinSpec, ...]:
    entries = _get(raw, "schedule.checkins")
    if not isinstance(entries, list) or not entries:
        raise ConfigError("schedule.checkins: must be a non-empty list of check-ins")
    specs: list[CheckinSpec] = []
    seen: set[str] = set()
    allowed = {"kind", "template", "after_hours", "day", "at", "first_infusion_only"}
    for i, entry in enumerate(entries):
        where = f"schedule.checkins[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: must be a table")
        unknown = set(entry) - allowed
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
            specs.append(CheckinSpec(kind, template, after_hours=float(hours),
                                     first_infusion_only=first_only))
        else:
            day = entry.get("day")
            if isinstance(day, bool) or not isinstance(day, int) or day < 0:
                raise ConfigError(f"{where}.day: must be a whole number of days >= 0")
            at = parse_hhmm(entry.get("at"), f"{where}.at")
            specs.append(CheckinSpec(kind, template, day=day, at=at,
                                     first_infusion_only=first_only))
    return tuple(specs)


# Tables whose keys are the operator's own (numbers, check-in entries).
FREE_FORM = {"rate_limit.senders", "schedule.checkins"}


def check_known_keys(raw: dict[str, Any], defaults: dict[str, Any] = DEFAULTS,
                     prefix: str = "") -> None:
    """A misspelt key ("[quiet_hour]") would silently keep the default: refuse it."""
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if key not in defaults:
            raise ConfigError(f"{dotted}: unknown setting (see config.example.toml)")
        if dotted in FREE_FORM:
            continue
        if isinstance(defaults[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{dotted}: must be a table ([{dotted}])")
            check_known_keys(value, defaults[key], f"{dotted}.")


def build_settings(raw: dict[str, Any], *, instance_path: str) -> Settings:
    check_known_keys(raw)
    backend = _str(raw, "sms.backend")
    if backend not in ("console", "twilio"):
        raise ConfigError(f"sms.backend: must be \"console\" or \"twilio\", got {backend!r}")
    url = _str(raw, "database.url") or f"sqlite:///{Path(instance_path) / 'followup.db'}"
    public_url = _str(raw, "server.public_url").rstrip("/")
    if not public_url.startswith(("http://", "https://")):
        raise ConfigError("server.public_url: must start with http:// or https://")
    twilio = TwilioSettings(
        account_sid=_str(raw, "twilio.account_sid"),
        auth_token=_str(raw, "twilio.auth_token"),
        from_number=_str(raw, "twilio.from_number"),
        messaging_service_sid=_str(raw, "twilio.messaging_service_sid"),
        api_base_url=_str(raw, "twilio.api_base_url").rstrip("/"),
        timeout_seconds=_number(raw, "twilio.timeout_seconds", minimum=0.1),
        validity_period_seconds=int(_number(raw, "twilio.validity_period_seconds", minimum=1)),
    )
    if twilio.validity_period_seconds > 36000:
        raise ConfigError("twilio.validity_period_seconds: Twilio accepts at most 36000")
    if backend == "twilio":
        if not twilio.account_sid:
            raise ConfigError("twilio.account_sid: required when sms.backend is \"twilio\"")
        if not twilio.auth_token:
            raise ConfigError("twilio.auth_token: required when sms.backend is \"twilio\"")
        if not (twilio.from_number or twilio.messaging_service_sid):
            raise ConfigError(
                "twilio.from_number: required (or twilio.messaging_service_sid) "
                "when sms.backend is \"twilio\""
            )
    proxy_hops = int(_number(raw, "server.proxy_hops", minimum=0))
    dev = _bool(raw, "server.dev")
    if dev and public_url.startswith("https://"):
        raise ConfigError("server.dev: must be false when server.public_url is https "
                          "(the dev phone is for a developer's own machine, never a deployment)")
    if dev and proxy_hops:
        raise ConfigError("server.dev: must be false when server.proxy_hops is above 0 "
                          "(behind a proxy every request would look local)")
    log_level = _str(raw, "logging.level").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("logging.level: must be DEBUG, INFO, WARNING or ERROR")
    return Settings(
        database_url=url,
        secret_key=_str(raw, "server.secret_key"),
        public_url=public_url,
        proxy_hops=proxy_hops,
        dev=dev,
        sms_backend=backend,
        twilio=twilio,
        scheduler_enabled=_bool(raw, "scheduler.enabled"),
        scheduler_interval_seconds=int(_number(raw, "scheduler.interval_seconds", minimum=1)),
        batch_size=int(_number(raw, "scheduler.batch_size", minimum=1)),
        checkins=_checkins(raw),
        stale_after_hours=_number(raw, "schedule.stale_after_hours", minimum=0),
        quiet_start=parse_hhmm(_get(raw, "quiet_hours.start"), "quiet_hours.start"),
        quiet_end=parse_hhmm(_get(raw, "quiet_hours.end"), "quiet_hours.end"),
        retry_base_seconds=_number(raw, "dispatch.retry_base_seconds", minimum=0),
        retry_max_seconds=_number(raw, "dispatch.retry_max_seconds", minimum=0),
        max_attempts=int(_number(raw, "dispatch.max_attempts", minimum=1)),
        claim_lease_seconds=int(_number(raw, "dispatch.claim_lease_seconds", minimum=1)),
        log_level=log_level,
        web=_web(raw),
        followthrough=_followthrough(raw),
        escalation=EscalationSettings(
            emergency_minutes=_number(raw, "escalation.emergency_minutes", minimum=0),
            urgent_minutes=_number(raw, "escalation.urgent_minutes", minimum=0),
            repeat_minutes=_number(raw, "escalation.repeat_minutes", minimum=1),
        ),
        digest=DigestSettings(
            default_time=parse_hhmm(_get(raw, "digest.default_time"), "digest.default_time"),
            smtp_host=_str(raw, "digest.smtp_host"),
            smtp_port=int(_number(raw, "digest.smtp_port", minimum=1)),
            smtp_from=_str(raw, "digest.smtp_from"),
        ),
        rate_limit=_rate_limit(raw),
        retention_message_body_days=int(_number(raw, "retention.message_body_days", minimum=0)),
        triage_rulebook=_str(raw, "triage.rulebook"),
        api_enrollments_per_minute=int(_number(raw, "api.enrollments_per_minute", minimum=1)),
        ehr=build_ehr_settings(raw),
        raw=raw,
    )


def _web(raw: dict[str, Any]) -> WebSettings:
    return WebSettings(
        session_idle_minutes=_number(raw, "web.session_idle_minutes", minimum=1),
        session_max_hours=_number(raw, "web.session_max_hours", minimum=0.1),
        idle_warning_minutes=_number(raw, "web.idle_warning_minutes", minimum=0.1),
        pager_hours=_number(raw, "web.pager_hours", minimum=0.1),
        login_max_failures=int(_number(raw, "web.login_max_failures", minimum=1)),
        login_window_minutes=_number(raw, "web.login_window_minutes", minimum=1),
    )


def _followthrough(raw: dict[str, Any]) -> FollowThroughSettings:
    kinds = _get(raw, "followthrough.late_kinds")
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise ConfigError("followthrough.late_kinds: must be a list of check-in kinds")
    return FollowThroughSettings(
        reminder_after_waking_hours=_number(
            raw, "followthrough.reminder_after_waking_hours", minimum=0.1),
        flag_after_waking_days=int(_number(raw, "followthrough.flag_after_waking_days",
                                           minimum=1)),
        late_kinds=tuple(kinds),
        late_reminder_after_waking_hours=_number(
            raw, "followthrough.late_reminder_after_waking_hours", minimum=0.1),
        late_flag_after_waking_hours=_number(
            raw, "followthrough.late_flag_after_waking_hours", minimum=0.1),
    )


def _rate_limit(raw: dict[str, Any]) -> RateLimitSettings:
    senders = _get(raw, "rate_limit.senders")
    if not isinstance(senders, dict):
        raise ConfigError("rate_limit.senders: must be a table of number = messages per second")
    for number, rate in senders.items():
        if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
            raise ConfigError(f"rate_limit.senders.{number}: must be a positive number")
    return RateLimitSettings(
        default_per_second=_number(raw, "rate_limit.default_per_second", minimum=0.01),
        senders={str(k): float(v) for k, v in senders.items()},
    )


def load_settings(
    *,
    instance_path: str,
    config_path: str | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Defaults < TOML file < environment secrets < explicit overrides (tests)."""
    env = dict(os.environ) if environ is None else environ
    raw = copy.deepcopy(DEFAULTS)
    path = config_path or env.get("FOLLOWUP_CONFIG")
    if path:
        raw = deep_merge(raw, read_toml(path))
    raw = deep_merge(raw, env_overrides(env))
    if overrides:
        raw = deep_merge(raw, overrides)
    return build_settings(raw, instance_path=instance_path)

