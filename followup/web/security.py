"""What every response and every request goes through: security headers
out, control characters refused in.

Headers: a Content-Security-Policy with no inline script or style (the
staff pages' script and CSS are files in ``followup/static``, charts are
SVG elements), no framing (clickjacking), no MIME sniffing, no referrer
leaving the site, and ``Cache-Control: no-store`` on everything but static
assets, since staff pages and API answers show patient details.

Input: every text field (query string, form fields and file names, JSON
strings and keys) is checked once, here, for control characters, and a
request holding one is refused with 400 naming the field. Twilio's webhooks
are exempt: a patient's text is never refused for an odd character (they
refuse NUL themselves, the one a database cannot store).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, abort, request

from followup.validation import CONTROL_CHARS, control_character

CSP = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
EXEMPT_BLUEPRINTS = {"twilio"}


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters)
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    endpoint = request.endpoint or ""
    if endpoint != "static" and not endpoint.endswith(".static"):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _texts(value: Any) -> Iterator[tuple[str, str]]:
    """(field name, text) for every string in a JSON value, keys included.
    A loop, not recursion: any depth the JSON parser accepted is walked."""
    stack: list[tuple[str, Any]] = [("body", value)]
    while stack:
        name, item = stack.pop()
        if isinstance(item, str):
            yield name, item
        elif isinstance(item, dict):
            for key, inner in item.items():
                yield name, str(key)
                stack.append((str(key), inner))
        elif isinstance(item, list):
            stack.extend((name, inner) for inner in item)


def _fields() -> Iterator[tuple[str, str]]:
    for source in (request.args, request.form):
        for key, values in source.lists():
            yield key, key
            for value in values:
                yield key, value
    for key, file in request.files.items(multi=True):
        yield key, key
        yield f"{key} (file name)", file.filename or ""
    if request.is_json:
        try:
            data = request.get_json(silent=True)
        except RecursionError:  # Python's parser gives up around 1,000 levels deep
            abort(400, description="The JSON body is nested too deeply.")
        yield from _texts(data)


def refuse_control_characters() -> None:
    """400 for a control character in any text field of the request."""
    if request.blueprint in EXEMPT_BLUEPRINTS or request.endpoint is None:
        return
    for name, text in _fields():
        char = control_character(text)
        if char:
            shown = CONTROL_CHARS.sub("?", name)[:60] or "body"
            abort(400, description=(
                f"The field \u201c{shown}\u201d contains a control character ({char}), "
                "which no text may hold. Remove it (it often comes from copying and "
                "pasting) and send again; nothing was changed."))
