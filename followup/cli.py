"""The `followup` command: every operator action, registered in one place.

Each command validates its input up front and exits non-zero with one line
naming what is wrong; no traceback reaches an operator for bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import generate_password_hash

from followup import validation as v
from followup.app import create_app
from followup.config import ConfigError
from followup.extensions import services
from followup.models import Clinic, Role, User
from followup.staff.accounts import password_problem
from followup.staff.audit import audit
from followup.staff.tokens import issue_token
from followup.triage import RulebookError

# The commands that serve patients' replies: only they fit the second reader ahead of
# the first reply (see create_app's warm_up).
_SERVING = frozenset({"run"})


def _app_factory(config_path: str | None) -> Any:
    def factory() -> Flask:
        ctx = click.get_current_context(silent=True)
        try:
            return create_app(config_path=config_path,
                              warm_up=ctx is None or ctx.info_name in _SERVING)
        except (ConfigError, RulebookError) as exc:
            raise click.ClickException(f"configuration: {exc}") from None

    return factory


def _use_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    info = ctx.ensure_object(ScriptInfo)
    info.create_app = _app_factory(value)


@click.group(cls=FlaskGroup, add_default_commands=False, add_version_option=False,
             load_dotenv=False, set_debug_flag=False, create_app=_app_factory(None))
@click.option("--config", type=click.Path(dir_okay=False), envvar="FOLLOWUP_CONFIG",
              expose_value=False, is_eager=True, callback=_use_config,
              help="TOML configuration file (or FOLLOWUP_CONFIG).")
def cli() -> None:
    """Post-infusion SMS follow-up for IVIG patients."""


def main() -> None:
    cli.main(prog_name="followup")


def _fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def _session() -> Any:
    return services().sessions()


def _clinic(session: Any, slug: str) -> Clinic:
    clinic = session.scalar(select(Clinic).where(Clinic.slug == slug))
    if clinic is None:
        _fail(f"--clinic: no clinic with slug {slug!r}")
    return clinic  # type: ignore[no-any-return]


def _add_audited(session: Any, row: Any, *, clinic_id: int | None, action: str,
                 now: Any) -> None:
    """Store a new row and the audit event saying the operator created it."""
    session.add(row)
    session.flush()
    audit(session, clinic_id=clinic_id if clinic_id is not None else row.id, actor="cli",
          action=action, target_type=row.__tablename__.rstrip("s"), target_id=row.id, now=now)


def _field(option: str, parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except v.FieldError as exc:
        _fail(f"{option}: {exc}")


# -- serving -------------------------------------------------------------------
@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@with_appcontext
def serve(host: str, port: int) -> None:
    """Web app and scheduler in one process."""
    from flask import current_app
    from werkzeug.serving import run_simple

    from followup.scheduler import start_background
    from followup.web.devphone import is_loopback

    settings = services().settings
    if settings.dev and not is_loopback(host):
        _fail(f"--host {host}: server.dev (the dev phone) is on, so the server only listens "
              "on loopback (127.0.0.1 or ::1); turn server.dev off to serve elsewhere")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if settings.scheduler_enabled:
        start_background(app)
    click.echo(f"serving on http://{host}:{port} (dev phone: /dev/phone)"
               if settings.dev and settings.sms_backend == "console"
               else f"serving on http://{host}:{port}")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@cli.command("hl7-listen")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=2575, show_default=True, type=click.IntRange(1, 65535))
@click.option("--clinic", "clinic_slug", required=True,
              help="The clinic whose EHR sends to this port.")
@with_appcontext
def hl7_listen(host: str, port: int, clinic_slug: str) -> None:
    """HL7 v2 RAS^O17 over MLLP: enrol from the EHR (run beside serve and the worker)."""
    import asyncio

    from followup.ehr.hl7_in import Listener

    with _session() as session:
        _clinic(session, clinic_slug)
    listener = Listener(services(), clinic_slug, host, port)
    try:
        asyncio.run(_listen(listener))
    except OSError as exc:
        _fail(f"--port: cannot listen on {host}:{port} ({exc.strerror})")
    except KeyboardInterrupt:
        click.echo("HL7 listener stopped")


async def _listen(listener: Any) -> None:
    port = await listener.start()
    click.echo(f"HL7 MLLP listener on {listener.host}:{port} for {listener.handler.clinic_slug}")
    await listener.serve_forever()


@cli.command()
@with_appcontext
def worker() -> None:
    """Scheduler only (run beside gunicorn serving the web app)."""
    from flask import current_app

    from followup.scheduler import run_blocking

    run_blocking(current_app._get_current_object())  # type: ignore[attr-defined]


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply Alembic migrations up to head."""
    from followup.migrate import upgrade

    try:
        upgrade(services().settings.database_url)
    except SQLAlchemyError as exc:
        _fail(f"database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    click.echo("database is at the latest schema")


# -- clinics, staff, tokens ---------------------------------------------------------
@cli.command("create-clinic")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--phone", required=True, help="The clinic's number for patients to call.")
@click.option("--timezone", "tz", required=True, help="IANA name, e.g. America/Chicago.")
@click.option("--sms-number", default=None, help="The number patients text (E.164).")
@click.option("--emergency-number", default="911", show_default=True)
@click.option("--show-product/--no-show-product", default=False,
              help="Name the IVIG product in texts (off: lock screens show texts).")
@with_appcontext
def create_clinic(slug: str, name: str, phone: str, tz: str, sms_number: str | None,
                  emergency_number: str, show_product: bool) -> None:
    """Create a clinic."""
    slug = _field("--slug", v.slug, slug)
    name = _field("--name", lambda x: v.text(x, max_length=200, required=True), name)
    phone = _field("--phone", v.phone, phone)
    tz = _field("--timezone", v.timezone, tz)
    if sms_number is not None:
        sms_number = _field("--sms-number", lambda x: v.phone(x, region=v.region_of(phone)),
                            sms_number)
    if not emergency_number.isdigit() or not 2 <= len(emergency_number) <= 6:
        _fail("--emergency-number: must be a short number such as 911 or 112")
    with _session() as session:
        if session.scalar(select(Clinic).where(Clinic.slug == slug)):
            _fail(f"--slug: a clinic {slug!r} already exists")
        if sms_number and session.scalar(select(Clinic).where(Clinic.sms_number == sms_number)):
            _fail("--sms-number: another clinic already uses this number")
        now = services().clock.now()
        clinic = Clinic(slug=slug, name=name, phone=phone, timezone=tz, sms_number=sms_number,
                        emergency_number=emergency_number, show_product_in_texts=show_product,
                        created_at=now)
        _add_audited(session, clinic, clinic_id=None, action="clinic.create", now=now)
        session.commit()
        click.echo(f"created clinic {slug} (id {clinic.id})")


@cli.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--clinic", "clinic_slug", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(email: str, role: str, clinic_slug: str, password_stdin: bool) -> None:
    """Create a staff login."""
    email = email.strip().lower()
    if "@" not in email or " " in email or len(email) > 254:
        _fail("--email: not an email address")
    with _session() as session:
        clinic = _clinic(session, clinic_slug)
        if session.scalar(select(User).where(User.email == email)):
            _fail(f"--email: a user {email} already exists")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        problem = password_problem(password)
        if problem:
            _fail(f"password: {problem}")
        now = services().clock.now()
        user = User(clinic_id=clinic.id, email=email, role=role,
                    password_hash=generate_password_hash(password), created_at=now)
        _add_audited(session, user, clinic_id=clinic.id, action="user.create", now=now)
        session.commit()
        click.echo(f"created {role} {email} at {clinic.slug}")


@cli.command("create-token")
@click.option("--clinic", "clinic_slug", required=True)
@click.option("--name", required=True, help="What the token is for, e.g. 'EHR integration'.")
@with_appcontext
def create_token(clinic_slug: str, name: str) -> None:
    """Create an API token; it is printed once, alone on the last line."""
    name = _field("--name", lambda x: v.text(x, max_length=100, required=True), name)
    with _session() as session:
        clinic = _clinic(session, clinic_slug)
        token = issue_token(session, clinic, name, actor="cli", now=services().clock.now())
        session.commit()
    click.echo(f"API token for {clinic_slug} ({name}); it will not be shown again:")
    click.echo(token)


# -- what an administrator does to a login ---------------------------------------------
@cli.group()
def user() -> None:
    """Disable, enable, reset or change a staff login (audited as "cli")."""


def _act_on_user(email: str, act: Any) -> Any:
    """Run ``act(session, user, now)`` on the login with this email and commit."""
    from followup.staff.accounts import StaffError

    with _session() as session:
        row = session.scalar(select(User).where(User.email == email.strip().lower()))
        if row is None:
            _fail(f"EMAIL: no login {email.strip().lower()!r}")
        try:
            result = act(session, row, services().clock.now())
        except StaffError as exc:
            _fail(str(exc))
        session.commit()
        return result


@user.command("disable")
@click.argument("email")
@with_appcontext
def user_disable(email: str) -> None:
    """Lock a login out; its open sessions end at once."""
    from followup.staff.accounts import disable_user

    changed = _act_on_user(email, lambda s, u, now: disable_user(s, u, actor="cli", now=now))
    click.echo(f"disabled {email}; their sessions have ended" if changed
               else f"{email} was already disabled")


@user.command("enable")
@click.argument("email")
@with_appcontext
def user_enable(email: str) -> None:
    """Let a disabled login sign in again."""
    from followup.staff.accounts import enable_user

    changed = _act_on_user(email, lambda s, u, now: enable_user(s, u, actor="cli", now=now))
    click.echo(f"enabled {email}" if changed else f"{email} was not disabled")


@user.command("reset-password")
@click.argument("email")
@with_appcontext
def user_reset_password(email: str) -> None:
    """Give a login a new random password, printed once on the last line."""
    from followup.staff.accounts import reset_password

    password = _act_on_user(email, lambda s, u, now: reset_password(s, u, actor="cli",
                                                                        now=now))
    click.echo(f"new password for {email}; it will not be shown again "
               "(their sessions have ended):")
    click.echo(password)


@user.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@with_appcontext
def user_set_role(email: str, role: str) -> None:
    """Change a login's role; its sessions end so the new rights apply at once."""
    from followup.staff.accounts import set_role

    changed = _act_on_user(email, lambda s, u, now: set_role(s, u, role, actor="cli", now=now))
    click.echo(f"{email} is now {role}" if changed else f"{email} was already {role}")


@user.command("set-name")
@click.argument("email")
@click.argument("name")
@with_appcontext
def user_set_name(email: str, name: str) -> None:
    """Set how colleagues see this person ("" shows the email)."""
    from followup.staff.accounts import set_display_name

    _act_on_user(email, lambda s, u, now: set_display_name(s, u, name, actor="cli", now=now))
    click.echo(f"name saved for {email}")


# -- dispatch and triage -------------------------------------------------------------
@cli.command()
@click.option("--as-of", "as_of", default=None, help="ISO 8601 instant (default: now).")
@with_appcontext
def dispatch(as_of: str | None) -> None:
    """One pass of everything the scheduler runs: send, follow through, escalate, digest."""
    from followup.scheduler import run_passes

    svc = services()
    instant = _field("--as-of", v.aware_datetime, as_of) if as_of else svc.clock.now()
    summary = run_passes(svc, instant)
    click.echo(summary.line(instant))
    if summary.errors:
        raise SystemExit(1)  # the line above names the failed passes; the log says why


@cli.command("triage")
@click.option("--eval", "eval_path", type=click.Path(exists=True, dir_okay=False),
              help="Score a labelled JSONL file instead of reading stdin.")
@click.option("--lang", type=click.Choice(["en", "es"]), default=None,
              help="The patient's language, for replies (default: detected).")
@click.option("--question", default=None, metavar="TEMPLATE",
              help="Read short answers against this check-in (e.g. checkin_late).")
@click.option("--lobo", is_flag=True,
              help="Leave-one-batch-out figures of the second reader and the combined reading.")
@click.option("--export-training", "export", is_flag=True,
              help="Rewrite the second reader's training file from tests/ (in a checkout).")
def triage_cmd(eval_path: str | None, lang: str | None, question: str | None, lobo: bool,
               export: bool) -> None:
    """Triage stdin lines; print one JSON object a line."""
    from followup.messaging.notify import patient_text
    from followup.triage import triage

    if eval_path:
        _evaluate(eval_path)
        return
    if lobo or export:
        _second_reader_tools(lobo, export)
        return
    for raw in sys.stdin:
        text = raw.rstrip("\r\n")
        result = triage(text, lang=lang, question=question)
        reply = patient_text(f"reply_{result.level}", lang or result.language, None)
        click.echo(json.dumps({
            "text": text, "level": result.level,
            "findings": [f.to_dict() for f in result.findings], "reply": reply,
        }, ensure_ascii=False))


def _second_reader_tools(lobo: bool, export: bool) -> None:
    from followup.triage import lobo as validation
    from followup.triage.second_reader import TRAINING_PATH

    if export:
        repo = Path.cwd()
        if not validation.labelled_files(repo)[0].exists():
            _fail("run --export-training from a checkout (tests/data/triage/ not found here)")
        count = validation.export_training(repo)
        click.echo(f"{count} labelled messages written to {TRAINING_PATH}")
    if lobo:
        click.echo(validation.run())


def _evaluate(path: str) -> None:
    from followup.triage.evaluate import evaluate, format_report

    cases = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
                if not isinstance(case, dict):
                    raise ValueError("not an object")
                if not isinstance(case.get("text"), str) or not isinstance(case.get("expect"), str):
                    raise ValueError("needs \"text\" and \"expect\"")
            except ValueError as exc:
                _fail(f"{path}:{number}: {exc}")
            cases.append(case)
    click.echo(format_report(evaluate(cases)))


# -- demo ---------------------------------------------------------------------------
@cli.command()
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="The port `followup serve` will listen on, for the addresses printed.")
@with_appcontext
def demo(port: int) -> None:
    """Create the demo clinic, an admin login and five demo patients (once)."""
    from followup.demo import DEMO_EMAIL, seed, try_it

    base = f"http://127.0.0.1:{port}"
    with _session() as session:
        created = seed(session, services())
        session.commit()
    if created is None:
        click.echo(f"The demo clinic is already set up. Sign in at {base}/login as {DEMO_EMAIL}"
                   " with the password printed when it was created; forgot it? This prints"
                   " a new one:")
        click.echo(f"  followup user reset-password {DEMO_EMAIL}")
        return
    email, password, token = created
    click.echo(f"Demo clinic created. Sign in at {base}/login with (shown once):")
    click.echo(f"  email:    {email}")
    click.echo(f"  password: {password}")
    click.echo(f"  API token: {token}")
    click.echo("The queue already holds three open flags.")
    if services().settings.dev:
        click.echo(f"Dev phone (signed in): {base}/dev/phone")
    click.echo("Enrol one more patient through the API (paste in another terminal):")
    click.echo(try_it(base, token, services().clock.now()))




# -- data lifecycle -------------------------------------------------------------------
@cli.command()
@click.option("--as-of", "as_of", default=None, help="ISO 8601 instant (default: now).")
@with_appcontext
def retention(as_of: str | None) -> None:
    """Remove message texts older than retention.message_body_days."""
    from followup.patients.retention import purge_message_bodies

    svc = services()
    instant = _field("--as-of", v.aware_datetime, as_of) if as_of else svc.clock.now()
    days = svc.settings.retention_message_body_days
    if days <= 0:
        click.echo("retention.message_body_days is 0: message texts are kept")
        return
    with _session() as session:
        count = purge_message_bodies(session, older_than_days=days, now=instant, actor="cli")
        session.commit()
    click.echo(f"removed the text of {count} messages older than {days} days")


@cli.command("export-patient")
@click.option("--clinic", "clinic_slug", required=True)
@click.option("--patient", "patient_id", required=True, type=int)
@with_appcontext
def export_patient_cmd(clinic_slug: str, patient_id: int) -> None:
    """Print everything held about one patient, as JSON (a records request)."""
    from followup.models import Patient
    from followup.patients.retention import export_patient

    with _session() as session:
        clinic = _clinic(session, clinic_slug)
        patient = session.get(Patient, patient_id) if 0 < patient_id < 2**31 else None
        if patient is None or patient.clinic_id != clinic.id:
            _fail(f"--patient: no patient {patient_id} at {clinic_slug}")
        data = export_patient(session, patient, actor="cli", now=services().clock.now())
        session.commit()
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
