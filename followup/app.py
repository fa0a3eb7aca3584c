"""The application factory.

Everything a request or a CLI command needs (settings, database, SMS backend,
clock) is built here once and hung on ``app.extensions["followup"]`` so
tests can swap the clock or the SMS backend without monkeypatching. The
services are looked up through ``followup.extensions``: this module is the
wiring only, imported by the entry points (CLI, WSGI), never by the code it wires.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from followup.clock import Clock, SystemClock
from followup.config import ConfigError, Settings, load_settings
from followup.db import make_engine, make_sessionmaker
from followup.extensions import EXTENSION_KEY, Services, close_db
from followup.messaging.sms.base import SmsBackend
from followup.resources import templates_dir
from followup.triage import Rulebook, load_rulebook, second_reader
from followup.triage.rulebook import DEFAULT_PATH as DEFAULT_RULEBOOK


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    config_path: str | None = None,
    clock: Clock | None = None,
    sms: SmsBackend | None = None,
    rulebook: Rulebook | None = None,
    warm_up: bool = True,
) -> Flask:
    """Build the app. ``clock``, ``sms`` and ``rulebook`` may be passed in (tests share one
    loaded rulebook across apps: loading and compiling it takes a third of a second); a
    rulebook passed in is used only when the settings name no rulebook file of their own.
    ``warm_up`` fits the second reader in the background for the first patient's reply;
    commands that read no replies (``dispatch``, ``worker``) pass False, as the fit's
    pure-Python feature cutting would take the interpreter from their sending for
    seconds (with a short claim lease, long enough to lose the lease mid-pass)."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(templates_dir()))
    os.makedirs(app.instance_path, exist_ok=True)
    settings = load_settings(instance_path=app.instance_path, config_path=config_path,
                             overrides=test_config)
    _check_templates(settings)
    _configure_logging(settings)
    app.config.update(
        SECRET_KEY=settings.secret_key or _instance_secret(app.instance_path),
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
    )
    engine = make_engine(settings.database_url)
    app.extensions[EXTENSION_KEY] = services = Services(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        clock=clock or SystemClock(),
        sms=sms or _make_backend(settings),
        # Loaded (and validated) now: a broken rulebook stops start-up with
        # the file, the entry and the problem, not the first patient's reply.
        rulebook=(rulebook if rulebook is not None and not settings.triage_rulebook
                  else load_rulebook(settings.triage_rulebook or None)),
    )
    if warm_up and services.rulebook.path == DEFAULT_RULEBOOK:
        second_reader.warm_up()  # beside the bundled rulebook it was validated with
    app.teardown_appcontext(close_db)
    if settings.proxy_hops:
        # Behind nginx: the client's address (login throttling) and scheme come
        # from the proxy. Twilio signatures do not depend on this: they are
        # checked against server.public_url.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    from followup.web import register_blueprints

    register_blueprints(app)
    return app


def _check_templates(settings: Settings) -> None:
    """A check-in whose wording is missing would fail at send time, at night,
    for every patient: refuse to start instead."""
    from followup.messaging.texts import LANGUAGES, TEMPLATE_DIR

    for i, spec in enumerate(settings.checkins):
        for lang in LANGUAGES:
            if not (TEMPLATE_DIR / lang / f"{spec.template}.txt").is_file():
                raise ConfigError(
                    f"schedule.checkins[{i}].template: no template {spec.template!r} for "
                    f"language {lang!r} (expected templates/sms/{lang}/{spec.template}.txt)")


def _make_backend(settings: Settings) -> SmsBackend:
    if settings.sms_backend == "twilio":
        from followup.messaging.sms.twilio import TwilioBackend

        return TwilioBackend(settings.twilio)
    from followup.messaging.sms.console import ConsoleBackend

    return ConsoleBackend()


def _instance_secret(instance_path: str) -> str:
    """A development secret kept in the instance folder, made once."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("followup").setLevel(settings.log_level)
    # The Twilio SDK logs request bodies (numbers, texts) at DEBUG/INFO: PHI.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    # One line per 30-second tick is noise; the dispatcher logs what it did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
