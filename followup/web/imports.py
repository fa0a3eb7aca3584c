"""Enrolling patients from the web: one at a time with a form, or many from a CSV.

Both go through ``enrollment.parse_request`` (the API's validation) so the
form, the CSV and the API refuse the same things with the same words.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Response,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from followup.extensions import db, services
from followup.models import CheckinStatus, CsvImport, ImportStatus
from followup.patients import csv_import
from followup.patients.enrollment import (
    IdentityChoice,
    IdentityConflict,
    enroll,
    parse_request,
    record_conflict,
)
from followup.validation import ValidationError
from followup.validation import timezone as parse_timezone
from followup.web.auth import flash_about, login_required, staff_audit, staff_blueprint
from followup.web.scoping import owned

bp = staff_blueprint("imports", __name__)

# Who may enrol: any staff of the clinic. The nurse at the infusion chair
# enrols the patient; admins keep settings, staff and tokens.
ENROL_ROLE: str | None = None


def form_data(form: Any, clinic_timezone: str) -> dict[str, Any]:
    """The form as the API would receive it.

    A browser's date-time field has no UTC offset; it means the wall clock
    of the chosen time zone (the clinic's by default), so the offset is
    added here and everything else is left to ``parse_request``."""
    data: dict[str, Any] = {}
    for name in ("phone", "first_name", "timezone", "language", "product", "lot",
                 "external_id"):
        value = form.get(name, "").strip()
        if value:
            data[name] = value
    data["first_infusion"] = form.get("first_infusion") in ("on", "1", "true", "yes")
    when = form.get("infusion_at", "").strip()
    if when:
        try:
            zone = parse_timezone(data.get("timezone", clinic_timezone))
        except ValueError:
            zone = clinic_timezone
        # Unreadable: left as typed, and parse_request names the problem.
        with suppress(ValueError):
            naive = datetime.fromisoformat(when)
            if naive.tzinfo is None:
                when = naive.replace(tzinfo=ZoneInfo(zone)).isoformat()
        data["infusion_at"] = when
    return data


def parse_choice(value: str | None) -> IdentityChoice | None:
    """The button pressed on a conflict: ``same:<patient id>`` or ``new``."""
    value = (value or "").strip()
    if value == "new":
        return IdentityChoice(new_person=True)
    kind, _, ident = value.partition(":")
    if kind == "same" and ident.isdigit() and 0 < int(ident) < 2**31:
        return IdentityChoice(same_as=int(ident))
    return None


@bp.route("/enrol", methods=["GET", "POST"])
@login_required(role=ENROL_ROLE)
def enrol() -> Any:
    form = request.form if request.method == "POST" else {}
    if request.method == "GET":
        return render_template("staff/enrol.html", form={}, errors={})
    svc = services()
    now = svc.clock.now()
    try:
        req = parse_request(form_data(form, g.clinic.timezone), g.clinic, now)
        result = enroll(db(), g.clinic, req, settings=svc.settings, now=now,
                        choice=parse_choice(form.get("identity")), actor=g.actor)
    except ValidationError as exc:
        db().rollback()
        return render_template("staff/enrol.html", form=form, errors=exc.fields), 400
    except IdentityConflict as conflict:
        # Nothing changes until a person says who this is.
        db().rollback()
        record_conflict(db(), g.clinic.id, conflict, actor=g.actor, now=now, channel="form")
        db().commit()
        return render_template("staff/enrol.html", form=form, errors={},
                               conflict=conflict), 409
    staff_audit("enrollment.create" if result.created else "enrollment.replay", "infusion",
                result.infusion.id)
    db().commit()
    pending = sum(1 for c in result.checkins if c.status == CheckinStatus.PENDING)
    kept = (" The language on file was kept; change it on the patient page if needed."
            if result.language_kept else "")
    if result.created:
        flash_about(result.patient.id,
                    f"{{patient}} is enrolled: {pending} check-ins planned.{kept}")
    else:
        flash("This infusion was already enrolled; nothing changed.", "success")
    return redirect(url_for("dashboard.patient", patient_id=result.patient.id))


# -- CSV -------------------------------------------------------------------------
@bp.get("/enrol/sample.csv")
@login_required(role=ENROL_ROLE)
def sample() -> Response:
    return Response(csv_import.SAMPLE, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=followup-enrolment-sample.csv"})


@bp.route("/enrol/import", methods=["GET", "POST"])
@login_required(role=ENROL_ROLE)
def upload() -> Any:
    if request.method == "GET":
        return render_template("staff/import_upload.html", columns=csv_import.COLUMNS)
    file = request.files.get("file")
    error = None
    content = ""
    if file is None or not file.filename:
        error = "Choose a CSV file to upload."
    else:
        try:
            content = csv_import.decode(file.read())
            result = csv_import.preview(content, g.clinic, services().clock.now(), db())
        except csv_import.CsvFileError as exc:
            error = str(exc)
    if error:
        return render_template("staff/import_upload.html", columns=csv_import.COLUMNS,
                               error=error), 400
    now = services().clock.now()
    imp = CsvImport(clinic_id=g.clinic.id, created_by=g.actor,
                    filename=(file.filename or "")[:255] if file else None, content=content,
                    status=ImportStatus.PREVIEWED, total_rows=result.total, done_rows=0,
                    errors=[e.to_dict() for e in result.errors], created_at=now)
    db().add(imp)
    db().flush()
    staff_audit("csv_import.upload", "csv_import", imp.id,
                {"rows": result.total, "errors": len(result.errors)})
    for e in result.errors:
        if e.conflict:
            staff_audit("patient.identity_conflict", "patient", e.conflict[0]["id"],
                        {"channel": "csv", "csv_import": imp.id, "line": e.line,
                         "phone_holders": [p["id"] for p in e.conflict]})
    db().commit()
    return redirect(url_for(".show", import_id=imp.id))


def own_import(import_id: int) -> CsvImport:
    return owned(CsvImport, import_id, "import")


@bp.get("/enrol/import/<int:import_id>")
@login_required(role=ENROL_ROLE)
def show(import_id: int) -> Any:
    imp = own_import(import_id)
    rows: list[tuple[int, dict[str, str]]] = []
    if imp.content is not None:
        rows = csv_import.read_rows(imp.content)[:200]
    errors = imp.errors or []
    bad_lines = {e["line"] for e in errors if csv_import.is_open_error(e)}
    return render_template("staff/import_preview.html", imp=imp, rows=rows, errors=errors,
                           bad_lines=bad_lines, columns=csv_import.COLUMNS,
                           imported=csv_import.imported_count(imp),
                           valid_rows=imp.total_rows - len(bad_lines))


def _step(imp: CsvImport, valid_only: bool, size: int) -> tuple[bool, str | None]:
    """One chunk; (ok, why not)."""
    if imp.status == ImportStatus.DONE:
        return True, None
    preview_errors = [e for e in (imp.errors or [])
                      if not e.get("skipped") and csv_import.is_open_error(e)]
    if preview_errors and not valid_only:
        return False, ("Nothing was imported: some rows have errors. Correct the file and "
                       "upload it again, or choose to import only the valid rows.")
    svc = services()
    if imp.status == ImportStatus.PREVIEWED:
        staff_audit("csv_import.start", "csv_import", imp.id, {"valid_only": valid_only})
    # Rows refused at preview are not tried again (they were marked bad).
    bad = {e["line"] for e in preview_errors}
    if bad:
        imp.errors = [{**e, "skipped": True} if e["line"] in bad else e
                      for e in (imp.errors or [])]
    csv_import.run_chunk(db(), imp, g.clinic, settings=svc.settings, now=svc.clock.now(),
                         size=size)
    if csv_import.finished(imp):  # not ``imp.status``: mypy still holds it not DONE
        staff_audit("csv_import.finish", "csv_import", imp.id,
                    {"imported": csv_import.imported_count(imp)})
    return True, None


@bp.post("/enrol/import/<int:import_id>/identity")
@login_required(role=ENROL_ROLE)
def identity(import_id: int) -> Any:
    """Answer a row's identity conflict: same person as a patient on the phone,
    or a different person sharing it. Nothing is imported until the run."""
    imp = _locked_import(import_id)
    line = request.form.get("line", type=int)
    choice = parse_choice(request.form.get("identity"))
    entry = next((e for e in (imp.errors or []) if e.get("conflict") and e["line"] == line
                  and not e.get("skipped")), None)
    holders = {p["id"] for p in (entry or {}).get("conflict", [])}
    if imp.status != ImportStatus.PREVIEWED or entry is None or choice is None or (
            choice.same_as is not None and choice.same_as not in holders):
        db().rollback()
        flash("That choice does not match a row waiting for one; nothing changed.", "error")
        return redirect(url_for(".show", import_id=import_id))
    value = "new" if choice.new_person else f"same:{choice.same_as}"
    imp.errors = [{**e, "choice": value} if e is entry else e for e in (imp.errors or [])]
    staff_audit("csv_import.identity_choice", "csv_import", imp.id,
                {"line": line, "choice": choice.label})
    db().commit()
    flash(f"Line {line}: " + ("the same person as the patient on file."
                              if choice.same_as is not None
                              else "a different person on the same phone."), "success")
    return redirect(url_for(".show", import_id=import_id) + "#row-errors")


def _locked_import(import_id: int) -> CsvImport:
    """The import, locked for this transaction: two tabs must not run one chunk twice."""
    own_import(import_id)
    imp = db().get(CsvImport, import_id, with_for_update=True, populate_existing=True)
    assert imp is not None
    return imp


@bp.post("/enrol/import/<int:import_id>/chunk")
@login_required(role=ENROL_ROLE)
def chunk(import_id: int) -> Any:
    """One step of the import, called repeatedly by the page's script."""
    imp = _locked_import(import_id)
    ok, why = _step(imp, request.form.get("valid_only") == "1", csv_import.CHUNK_ROWS)
    if not ok:
        db().rollback()
        return jsonify(error=why), 409
    db().commit()
    return jsonify(status=imp.status, done=imp.done_rows, total=imp.total_rows,
                   imported=csv_import.imported_count(imp))


@bp.post("/enrol/import/<int:import_id>/run")
@login_required(role=ENROL_ROLE)
def run(import_id: int) -> Any:
    """Without JavaScript: the whole file in one request (chunk by chunk, one commit each)."""
    valid_only = request.form.get("valid_only") == "1"
    while True:
        imp = _locked_import(import_id)
        ok, why = _step(imp, valid_only, csv_import.CHUNK_ROWS)
        if not ok:
            db().rollback()
            flash(why or "Not imported.", "error")
            return redirect(url_for(".show", import_id=import_id))
        db().commit()
        if imp.status == ImportStatus.DONE:
            break
    n = csv_import.imported_count(imp)
    flash(f"Import finished: {n} patient{'' if n == 1 else 's'} enrolled.", "success")
    return redirect(url_for(".show", import_id=import_id))
