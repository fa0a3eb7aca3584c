"""Staff sign-in, sessions, roles and CSRF for the server-rendered pages.

The session is Flask's signed cookie. It carries the user id, when the user
signed in and when they were last active, all read from the injected clock
so tests can move time instead of sleeping. Idle and maximum age are checked
on the server at every request: a stolen or kept-open cookie stops working
after ``web.session_idle_minutes`` idle or ``web.session_max_hours`` in all.
It also carries the user's ``session_version`` from sign-in; logout, a
password reset, a role change and disabling the login bump the version in
the database, so a cookie copied before any of them is refused afterwards.

CSRF: one random token per session, put in every form (``csrf_token()`` in
templates) or sent as ``X-CSRF-Token`` by scripts, and checked on every POST
of the staff blueprints. SameSite=Lax alone would leave older browsers and
same-site subdomains open.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast, overload
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from followup.extensions import db, services
from followup.models import Clinic, Patient, User
from followup.resources import static_dir
from followup.staff.accounts import attempt_login, end_sessions
from followup.staff.audit import audit

STATIC_DIR = static_dir()
F = TypeVar("F", bound=Callable[..., Any])
CSRF_MESSAGE = ("This form could not be accepted: its security token is missing or out of "
                "date (CSRF check). Go back, reload the page and try again.")


# -- CSRF ----------------------------------------------------------------------
def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def check_csrf() -> None:
    """``before_request`` of every staff blueprint: refuse a POST without the token."""
    if request.method != "POST":
        return
    expected = session.get("csrf")
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    if not expected or not hmac.compare_digest(str(expected), sent):
        abort(400, description=CSRF_MESSAGE)


def error_page(exc: Any) -> Any:
    """The staff blueprints' error pages: the same look, a clear sentence."""
    code = getattr(exc, "code", 500) or 500
    titles = {400: "Request refused", 403: "Not allowed", 404: "Not found"}
    return render_template("staff/error.html", code=code, title=titles.get(code, "Error"),
                           message=getattr(exc, "description", "")), code


def staff_blueprint(name: str, import_name: str, **options: Any) -> Blueprint:
    """A blueprint of staff pages: every POST carries the CSRF token, and
    refusals are the staff error page, not Flask's default."""
    blueprint = Blueprint(name, import_name, **options)
    blueprint.before_request(check_csrf)
    for code in (400, 403, 404):
        blueprint.register_error_handler(code, error_page)
    return blueprint


bp = staff_blueprint("auth", __name__, static_folder=str(STATIC_DIR), static_url_path="/assets")
# A global (not a context variable) so imported form macros can use it too.
bp.add_app_template_global(csrf_token, "csrf_token")


# -- flash messages without PHI ------------------------------------------------------
def flash_about(patient_id: int, text: str, category: str = "success") -> None:
    """Flash ``text`` with ``{patient}`` standing for the patient's first name.

    Flashed messages travel in the session cookie, which is signed but
    readable: only the patient's id goes into it, and the name is put in
    when the page is rendered (``notice_text``), for the signed-in clinic only."""
    # Flask's session serializer carries the dict (``notice_text`` reads it back);
    # only its type stub says str.
    flash(cast(str, {"text": text, "patient_id": patient_id}), category)


@bp.app_template_global("notice_text")
def notice_text(message: Any) -> str:
    if not isinstance(message, dict):
        return str(message)
    patient = db().get(Patient, int(message.get("patient_id") or 0))
    clinic = getattr(g, "clinic", None)
    name = (patient.first_name if patient is not None and clinic is not None
            and patient.clinic_id == clinic.id else "the patient")
    return str(message.get("text", "")).replace("{patient}", name)


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {"current_user": getattr(g, "user", None),
            "current_clinic": getattr(g, "clinic", None)}


# -- sessions ------------------------------------------------------------------
def _now_ts() -> float:
    return services().clock.now().timestamp()


def _session_problem() -> str | None:
    """Why the current session is not valid (a message for the sign-in page)."""
    if "uid" not in session:
        return "Please sign in."
    web = services().settings.web
    now = _now_ts()
    if now - float(session.get("seen", 0)) > web.session_idle_minutes * 60:
        return (f"You were signed out after {web.session_idle_minutes:g} minutes without "
                "activity. Please sign in again.")
    if now - float(session.get("since", 0)) > web.session_max_hours * 3600:
        return (f"Sessions last at most {web.session_max_hours:g} hours. "
                "Please sign in again.")
    return None


def idle_seconds_left() -> float:
    """How long the current session has before it ends for lack of activity
    (or for its maximum age, whichever comes first)."""
    web = services().settings.web
    now = _now_ts()
    idle = float(session.get("seen", 0)) + web.session_idle_minutes * 60 - now
    total = float(session.get("since", 0)) + web.session_max_hours * 3600 - now
    return max(0.0, min(idle, total))


def load_user(*, touch: bool = True) -> str | None:
    """Put the signed-in user and clinic on ``g``; return why not, if not.

    ``touch`` is False for the queue's background polling: a page left open
    on a screen is not a person being active, so it must not keep the
    session alive forever."""
    problem = _session_problem()
    user = db().get(User, int(session["uid"])) if problem is None else None
    if problem is None and user is None:
        problem = "Your account no longer exists."
    elif problem is None and user is not None and user.disabled_at is not None:
        problem = "This login has been disabled. Ask a clinic administrator."
    elif problem is None and user is not None and session.get("sv") != user.session_version:
        problem = ("Your session was ended (signed out, or your login changed). "
                   "Please sign in again.")
    if problem is not None or user is None:
        signed_in = "uid" in session
        session.pop("uid", None)
        return problem if signed_in else "Please sign in."
    g.user = user
    g.clinic = db().get(Clinic, user.clinic_id)
    g.actor = f"user:{user.id}"
    if touch:
        session["seen"] = _now_ts()
    return None


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would make a phishing link."""
    if not target:
        return url_for("dashboard.queue")
    # Control characters (a CR LF would split the Location header) and
    # backslashes (browsers read /\host as //host) never make a path of ours.
    if any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in target):
        return url_for("dashboard.queue")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard.queue")
    return target


@overload
def login_required(view: F, *, role: str | None = None, touch: bool = True) -> F: ...
@overload
def login_required(view: None = None, *, role: str | None = None,
                   touch: bool = True) -> Callable[[F], F]: ...
def login_required(view: F | None = None, *, role: str | None = None,
                   touch: bool = True) -> F | Callable[[F], F]:
    """Staff only; with ``role="admin"``, admins only (others get 403)."""

    def decorate(fn: F) -> F:
        @wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            problem = load_user(touch=touch)
            if problem is not None:
                if request.method == "GET" and not request.headers.get("X-Requested-With"):
                    flash(problem, "info")
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                if request.headers.get("X-Requested-With"):
                    return jsonify(error=problem, login=url_for("auth.login")), 401
                flash(problem, "info")
                return redirect(url_for("auth.login"))
            if role is not None and g.user.role != role:
                abort(403, description="This page is for clinic administrators.")
            return fn(*args, **kwargs)

        return cast(F, wrapped)

    return decorate(view) if view is not None else decorate


def staff_audit(action: str, target_type: str | None = None, target_id: int | None = None,
                detail: dict[str, Any] | None = None) -> None:
    """Record what the signed-in user did. The caller commits."""
    audit(db(), clinic_id=g.clinic.id, actor=g.actor, action=action, target_type=target_type,
          target_id=target_id, detail=detail, now=services().clock.now())


# -- routes --------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        if "uid" in session and load_user(touch=False) is None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("staff/login.html", email="", next=request.args.get("next", ""))
    svc = services()
    email = request.form.get("email", "")
    result = attempt_login(db(), email=email, password=request.form.get("password", ""),
                           address=request.remote_addr or "unknown",
                           now=svc.clock.now(), web=svc.settings.web)
    db().commit()
    if result.throttled:
        error = ("Too many failed sign-ins for this account or from this computer. "
                 f"Wait {result.retry_after_minutes} minutes and try again, or ask an "
                 "administrator.")
        return render_template("staff/login.html", email=email, error=error,
                               next=request.form.get("next", "")), 429, {
                                   "Retry-After": str(result.retry_after_minutes * 60)}
    if result.disabled:
        return render_template("staff/login.html", email=email,
                               error="This login has been disabled. Ask a clinic administrator.",
                               next=request.form.get("next", "")), 403
    if result.user is None:
        return render_template("staff/login.html", email=email,
                               error="Wrong email or password.",
                               next=request.form.get("next", "")), 401
    user = result.user
    # A fresh session (and CSRF token) at sign-in: nothing planted before survives.
    session.clear()
    now = _now_ts()
    session.update(uid=user.id, since=now, seen=now, sv=user.session_version)
    csrf_token()
    audit(db(), clinic_id=user.clinic_id, actor=f"user:{user.id}", action="user.login",
          target_type="user", target_id=user.id, now=svc.clock.now())
    db().commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/session/keepalive")
@login_required
def keepalive() -> Response:
    """The queue's "Stay signed in" button: a person pressed it, so it counts
    as activity (``login_required`` touches the session)."""
    return jsonify(idle_seconds_left=int(idle_seconds_left()))


@bp.post("/logout")
def logout() -> Response:
    if load_user(touch=False) is None:
        # Ends this session on the server too: a copy of the cookie is refused.
        end_sessions(g.user)
        staff_audit("user.logout", "user", g.user.id)
        db().commit()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))  # type: ignore[return-value]
