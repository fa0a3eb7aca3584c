"""Configuration: defaults, the TOML file, the environment, and clear errors."""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import time
from pathlib import Path
from typing import get_type_hints

import pytest

from followup.config import ConfigError, Settings, load_settings
from followup.config_loader import env_overrides, known_keys, load_section, setting


def load(tmp_path: Path, toml: str = "", env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "c.toml"
    path.write_text(toml)
    return load_settings(instance_path=str(tmp_path), config_path=str(path), environ=env or {})


def test_defaults_are_embedded_sqlite_and_console(tmp_path: Path) -> None:
    settings = load_settings(instance_path=str(tmp_path), environ={})
    assert settings.database_url == f"sqlite:///{tmp_path / 'followup.db'}"
    assert settings.sms_backend == "console"
    assert settings.twilio.api_base_url == "https://api.twilio.com"
    assert [c.kind for c in settings.checkins] == ["same_day", "day1", "day2", "day3", "day7"]
    assert (settings.quiet_start.hour, settings.quiet_end.hour) == (21, 8)


def test_the_example_config_is_valid_and_documents_the_defaults(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    settings = load_settings(instance_path=str(tmp_path), config_path=str(example), environ={})
    defaults = load_settings(instance_path=str(tmp_path), environ={})
    assert settings.checkins == defaults.checkins
    assert settings.quiet_start == defaults.quiet_start


def test_config_file_found_through_environment(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[quiet_hours]\nstart = "22:00"\nend = "07:30"\n')
    settings = load_settings(instance_path=str(tmp_path), environ={"FOLLOWUP_CONFIG": str(path)})
    assert (settings.quiet_start.hour, settings.quiet_end.minute) == (22, 30)


def test_secrets_from_the_environment_override_the_file(tmp_path: Path) -> None:
    settings = load(tmp_path, '[twilio]\nauth_token = "from-file"\n', {
        "TWILIO_AUTH_TOKEN": "from-env", "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "FOLLOWUP_SECRET_KEY": "k", "FOLLOWUP_DATABASE_URL": "sqlite:////tmp/x.db"})
    assert settings.twilio.auth_token == "from-env"
    assert settings.twilio.account_sid == "AC" + "0" * 32
    assert settings.secret_key == "k" and settings.database_url == "sqlite:////tmp/x.db"


@pytest.mark.parametrize(("toml", "key"), [
    ('[sms]\nbackend = "pigeon"', "sms.backend"),
    ('[sms]\nbackend = "twilio"', "twilio.account_sid"),
    ('[sms]\nbackend = "twilio"\n[twilio]\naccount_sid = "AC1"\nauth_token = "t"',
     "twilio.from_number"),
    ('[quiet_hours]\nstart = "9pm"', "quiet_hours.start"),
    ('[scheduler]\nenabled = "yes"', "scheduler.enabled"),
    ('[server]\npublic_url = "example.org"', "server.public_url"),
    ('[twilio]\nvalidity_period_seconds = 99999', "twilio.validity_period_seconds"),
    ('[schedule]\ncheckins = []', "schedule.checkins"),
    ('[[schedule.checkins]]\nkind = "d1"\nday = -1\nat = "10:00"', "schedule.checkins[0].day"),
    ('[[schedule.checkins]]\nkind = "d1"\nafter_hours = 3\nday = 1', "schedule.checkins[0]"),
    ('[[schedule.checkins]]\nkind = "d1"\nafter_hours = 3\n[[schedule.checkins]]\n'
     'kind = "d1"\nafter_hours = 4', "schedule.checkins[1].kind"),
    ("this is not toml", "not valid TOML"),
    ('[ehr]\nwriteback_url = "https://ehr.example/fhir"', "ehr.bearer_token"),
    ('[ehr]\nwriteback_url = "ehr.example"', "ehr.writeback_url"),
    ('[ehr]\nwriteback_auth = "basic"', "ehr.writeback_auth"),
    ('[ehr]\nwriteback_url = "https://e.example"\nwriteback_auth = "smart"',
     "ehr.smart_token_url"),
    ('[ehr]\nsmart_algorithm = "HS256"', "ehr.smart_algorithm"),
    ('[ehr]\ncodes_file = "/nonexistent/codes.toml"', "ehr.codes_file"),
])
def test_bad_values_name_the_key(tmp_path: Path, toml: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        load(tmp_path, toml)


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(instance_path=str(tmp_path), config_path=str(tmp_path / "nope.toml"),
                      environ={})


def test_schedule_is_configurable(tmp_path: Path) -> None:
    settings = load(tmp_path, '[[schedule.checkins]]\nkind = "day5"\nday = 5\nat = "11:30"\n'
                    'template = "checkin_late"\n')
    assert [(c.kind, c.day, c.at.hour, c.template) for c in settings.checkins] == [
        ("day5", 5, 11, "checkin_late")]


def test_a_checkin_template_missing_in_a_language_stops_start_up(tmp_path: Path) -> None:
    from followup.app import create_app

    path = tmp_path / "c.toml"
    path.write_text('[[schedule.checkins]]\nkind = "day5"\nday = 5\nat = "10:00"\n')
    with pytest.raises(ConfigError, match=r"schedule.checkins\[0\].template: no template "
                                          r"'checkin_day5'"):
        create_app(config_path=str(path))


@pytest.mark.parametrize(("toml", "key"), [
    ('[quiet_hour]\nstart = "22:00"', "quiet_hour"),
    ('[twilio]\nauth_tokn = "x"', "twilio.auth_tokn"),
    ('sms = "console"', "sms: must be a table"),
])
def test_misspelt_settings_are_refused_not_ignored(tmp_path: Path, toml: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        load(tmp_path, toml)


def test_a_broken_rulebook_stops_start_up_naming_file_and_entry(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from followup.cli import cli

    rulebook = tmp_path / "rules.toml"
    source = (Path(__file__).resolve().parents[1] / "followup" / "triage" / "rulebook.toml")
    text = source.read_text(encoding="utf-8")
    rulebook.write_text(text.replace('level = "emergency"', 'level = "panic"', 1),
                        encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text(f'[triage]\nrulebook = "{rulebook}"\n[database]\n'
                      f'url = "sqlite:///{tmp_path}/x.db"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "dispatch"])
    assert result.exit_code != 0
    assert str(rulebook) in result.output and "panic" in result.output
    assert "Traceback" not in result.output


def test_a_clinicians_rulebook_is_used(tmp_path: Path, app_config) -> None:  # type: ignore[no-untyped-def]
    from followup.app import create_app

    source = (Path(__file__).resolve().parents[1] / "followup" / "triage" / "rulebook.toml")
    rulebook = tmp_path / "rules.toml"
    rulebook.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    side = source.with_name("common_words.toml")  # the lexicon's side file, beside it
    (tmp_path / side.name).write_text(side.read_text(encoding="utf-8"), encoding="utf-8")
    app = create_app({**app_config, "triage": {"rulebook": str(rulebook)}})
    assert app.extensions["followup"].rulebook is not None
    app.extensions["followup"].dispose()


# -- one declaration per key: the loader walks the dataclasses ------------------------------
@dataclass(frozen=True)
class _Inner:
    depth: int = setting(3, minimum=1, maximum=9, note="nine is deep enough")


@dataclass(frozen=True)
class _NewSection:
    """A section the loader was never told about: only its fields say what it holds."""

    name: str = setting("north", choices=("north", "south"))
    rate: float = setting(1.5, key="limits.rate", minimum=0.5)
    on: bool = setting(False, env="DEMO_ON")
    kinds: tuple[str, ...] = ("a",)
    at: time = time(7, 30)
    inner: _Inner = setting(default_factory=_Inner)


def test_a_new_field_is_read_checked_and_defaulted_from_its_declaration_alone() -> None:
    assert load_section(_NewSection, {}) == _NewSection()
    got = load_section(_NewSection, {"name": "south", "limits": {"rate": 2}, "kinds": ["x", "y"],
                                     "at": "06:15", "inner": {"depth": 9}})
    assert got == _NewSection("south", 2.0, False, ("x", "y"), time(6, 15), _Inner(9))
    assert isinstance(got.rate, float)
    env = env_overrides(_NewSection, {"DEMO_ON": "yes"})
    assert load_section(_NewSection, env).on is True


@pytest.mark.parametrize(("raw", "message"), [
    ({"name": "east"}, "name: must be \"north\" or \"south\", got 'east'"),
    ({"limits": {"rate": 0.1}}, "limits.rate: must be at least 0.5"),
    ({"limits": {"rate": "fast"}}, "limits.rate: must be a number"),
    ({"limits": 3}, r"limits: must be a table \(\[limits\]\)"),
    ({"limits": {"rte": 1}}, r"limits.rte: unknown setting \(see config.example.toml\)"),
    ({"inner": {"depth": 10}}, r"inner.depth: must be at most 9 \(nine is deep enough\)"),
    ({"inner": {"depth": 2.5}}, "inner.depth: must be a whole number, got 2.5"),
    ({"on": "yes"}, "on: must be true or false"),
    ({"kinds": ["a", 1]}, "kinds: must be a list of strings"),
    ({"at": "7h"}, "at: must be a time like \"21:00\", got '7h'"),
    ({"colour": "red"}, "colour: unknown setting"),
])
def test_a_new_fields_bad_values_are_refused_with_its_key(raw: dict[str, object],
                                                          message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_section(_NewSection, raw, prefix="")


def test_a_bad_environment_flag_names_the_variable_and_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"FOLLOWUP_DEV: must be 1 or 0 \(server.dev\)"):
        load(tmp_path, env={"FOLLOWUP_DEV": "maybe"})
    assert load(tmp_path, env={"FOLLOWUP_DEV": "1"}).dev is True


def test_every_declared_default_has_its_declared_type() -> None:
    """A default written 15 for a float field would print "15", not "15.0", and pass
    no check: the declarations themselves are checked here."""
    def walk(cls: type, where: str) -> list[str]:
        wrong = []
        hints = get_type_hints(cls)
        for f in fields(cls):
            value = f.default_factory() if f.default is MISSING else f.default  # type: ignore[misc]
            hint = hints[f.name]
            if isinstance(hint, type) and is_dataclass(hint):
                wrong += walk(hint, f"{where}{f.name}.")
            elif isinstance(hint, type) and not isinstance(value, hint):
                wrong.append(f"{where}{f.name}")
        return wrong

    assert walk(Settings, "") == []


def test_settings_keep_no_copy_of_the_raw_file() -> None:
    assert "raw" not in {f.name for f in fields(Settings)}


def test_every_declared_key_is_documented_in_the_example() -> None:
    """The operator's reference: a key declared in code appears in
    config.example.toml, set or commented out (a table of their own as a header)."""
    text = (Path(__file__).resolve().parents[1] / "config.example.toml").read_text()

    def keys(tree: dict[str, object], prefix: str = "") -> list[str]:
        out: list[str] = []
        for name, sub in tree.items():
            out += keys(sub, f"{prefix}{name}.") if isinstance(sub, dict) else [prefix + name]
        return out

    undocumented = [
        key for key in keys(known_keys(Settings))
        if not re.search(rf"^#?\s*{re.escape(key.rpartition('.')[2])}\s*=", text, re.M)
        and not re.search(rf"^\[+{re.escape(key)}\]+", text, re.M)]
    assert undocumented == []
