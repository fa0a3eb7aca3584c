"""The `followup` command line, as an operator uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from followup.cli import cli
from followup.models import ApiToken, Clinic, User
from followup.staff.tokens import hash_token


@pytest.fixture
def config_file(tmp_path: Path, database_url: str) -> Path:
    path = tmp_path / "followup.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n[scheduler]\nenabled = false\n'
                    '[server]\nsecret_key = "x"\n')
    return path


@pytest.fixture
def run(config_file: Path):  # type: ignore[no-untyped-def]
    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--config", str(config_file), *args], input=input)

    return invoke


@pytest.fixture
def db(database_url: str):  # type: ignore[no-untyped-def]
    engine = create_engine(database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def clinic_args(slug: str = "north") -> list[str]:
    return ["create-clinic", "--slug", slug, "--name", "North Infusion", "--phone",
            "312-555-0100", "--timezone", "America/Chicago", "--sms-number", "+13125550199"]


def test_create_clinic_user_and_token(run, db) -> None:
    result = run(*clinic_args())
    assert result.exit_code == 0, result.output
    clinic = db.scalar(select(Clinic))
    assert (clinic.slug, clinic.phone, clinic.emergency_number) == ("north", "+13125550100", "911")
    result = run("create-user", "--email", "Nurse@North.example", "--role", "nurse",
                 "--clinic", "north", "--password-stdin", input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    user = db.scalar(select(User))
    assert user.email == "nurse@north.example"
    assert "correct horse" not in user.password_hash
    result = run("create-token", "--clinic", "north", "--name", "EHR")
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    stored = db.scalar(select(ApiToken))
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash


@pytest.mark.parametrize(("args", "message"), [
    (["--slug", "North Clinic"], "--slug"),
    (["--phone", "12"], "--phone"),
    (["--timezone", "Mars/Base"], "--timezone"),
    (["--sms-number", "abc"], "--sms-number"),
    (["--emergency-number", "call"], "--emergency-number"),
])
def test_bad_clinic_input_is_one_line_and_changes_nothing(run, db, args, message) -> None:
    base = clinic_args()
    if args[0] in base:
        base[base.index(args[0]) + 1] = args[1]
    else:
        base += args
    result = run(*base)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert db.scalar(select(Clinic)) is None


def test_duplicate_clinic_and_unknown_clinic_are_refused(run) -> None:
    assert run(*clinic_args()).exit_code == 0
    again = run(*clinic_args())
    assert again.exit_code != 0 and "already exists" in again.output
    result = run("create-token", "--clinic", "nowhere", "--name", "x")
    assert result.exit_code != 0 and "no clinic" in result.output


def test_short_password_is_refused(run, db) -> None:
    run(*clinic_args())
    result = run("create-user", "--email", "a@b.example", "--role", "admin", "--clinic", "north",
                 "--password-stdin", input="short\n")
    assert result.exit_code != 0 and "password" in result.output
    assert db.scalar(select(User)) is None


def test_dispatch_as_of_sends_what_is_due_then(run, db) -> None:
    run("demo")
    result = run("dispatch", "--as-of", "2099-01-01T12:00:00+00:00")
    assert result.exit_code == 0
    assert result.output.startswith("dispatch at 2099-01-01T12:00:00+00:00: sent 0")
    bad = run("dispatch", "--as-of", "tomorrow")
    assert bad.exit_code != 0 and "--as-of" in bad.output


def test_only_the_server_fits_the_second_reader_ahead(run, db, config_file: Path,
                                                      monkeypatch) -> None:
    """`dispatch` reads no replies: fitting the reader beside it would take the
    interpreter from its sending for seconds (enough to lose a short claim lease)."""
    import followup.app

    warmed: list[bool] = []
    monkeypatch.setattr(followup.app.second_reader, "warm_up", lambda: warmed.append(True))
    assert run("dispatch", "--as-of", "2099-01-01T12:00:00+00:00").exit_code == 0
    assert warmed == []
    followup.app.create_app(config_path=str(config_file))  # gunicorn's way in
    assert warmed == [True]


def test_demo_prints_a_login_once_then_how_to_get_back_in(run, db) -> None:
    first = run("demo", "--port", "5055")
    assert first.exit_code == 0 and "password:" in first.output
    assert "http://127.0.0.1:5055/login" in first.output
    second = run("demo")
    assert second.exit_code == 0 and "password:" not in second.output
    command = next(line.strip() for line in second.output.splitlines()
                   if "reset-password" in line)
    assert command == "followup user reset-password admin@demo.example"
    reset = run(*command.split()[1:])
    assert reset.exit_code == 0, reset.output
    new_password = reset.output.strip().splitlines()[-1]
    user = db.scalar(select(User).where(User.email == "admin@demo.example"))
    assert check_password_hash(user.password_hash, new_password)


def test_triage_reads_lines_and_writes_json(run) -> None:
    result = run("triage", input="chest pain\nI feel fine\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["level"] for r in rows] == ["emergency", "ok"]
    assert [r["text"] for r in rows] == ["chest pain", "I feel fine"]
    assert all(set(r) == {"text", "level", "findings", "reply"} for r in rows)
    assert "911" in rows[0]["reply"]


def test_bad_config_is_one_line_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sms]\nbackend = "pigeon"\n')
    result = CliRunner().invoke(cli, ["--config", str(bad), "dispatch"])
    assert result.exit_code != 0
    assert "sms.backend" in result.output and "Traceback" not in result.output


def test_db_upgrade_is_idempotent(run) -> None:
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "latest schema" in result.output


# -- followup user ... -----------------------------------------------------------------
def _nurse(run) -> None:  # type: ignore[no-untyped-def]
    assert run(*clinic_args()).exit_code == 0
    result = run("create-user", "--email", "nurse@north.example", "--role", "nurse",
                 "--clinic", "north", "--password-stdin", input="correct horse battery\n")
    assert result.exit_code == 0, result.output


def _user(db, email: str = "nurse@north.example") -> User:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.scalar(select(User).where(User.email == email))


def _audited(db) -> list[tuple[str, str, int | None]]:  # type: ignore[no-untyped-def]
    from followup.models import AuditEvent

    return [(e.actor, e.action, e.target_id) for e in db.scalars(
        select(AuditEvent).where(AuditEvent.action.like("user.%")).order_by(AuditEvent.id))]


def test_user_disable_enable_and_set_role(run, db) -> None:
    _nurse(run)
    version = _user(db).session_version
    result = run("user", "disable", "Nurse@North.example")
    assert result.exit_code == 0, result.output
    assert _user(db).disabled_at is not None
    assert _user(db).session_version == version + 1  # open sessions end
    assert "already disabled" in run("user", "disable", "nurse@north.example").output
    assert run("user", "enable", "nurse@north.example").exit_code == 0
    assert _user(db).disabled_at is None
    assert run("user", "set-role", "nurse@north.example", "admin").exit_code == 0
    assert _user(db).role == "admin"
    uid = _user(db).id
    assert _audited(db)[-3:] == [("cli", "user.disable", uid), ("cli", "user.enable", uid),
                                 ("cli", "user.set_role", uid)]


def test_user_reset_password_prints_a_working_password_once(run, db) -> None:
    from werkzeug.security import check_password_hash

    _nurse(run)
    result = run("user", "reset-password", "nurse@north.example")
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1]
    assert len(password) == 19 and check_password_hash(_user(db).password_hash, password)
    assert not check_password_hash(_user(db).password_hash, "correct horse battery")
    assert _audited(db)[-1] == ("cli", "user.reset_password", _user(db).id)


def test_user_commands_refuse_clearly(run, db) -> None:
    _nurse(run)
    result = run("user", "disable", "nobody@north.example")
    assert result.exit_code != 0 and "no login 'nobody@north.example'" in result.output
    assert run("user", "set-role", "nurse@north.example", "boss").exit_code != 0
    run("user", "set-role", "nurse@north.example", "admin")
    refused = run("user", "disable", "nurse@north.example")  # the only admin
    assert refused.exit_code != 0 and "only active administrator" in refused.output
    assert _user(db).disabled_at is None
