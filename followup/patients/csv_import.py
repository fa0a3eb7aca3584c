"""Enrolling many patients from a CSV file: the columns are the API's fields.

Every row goes through ``enrollment.parse_request``, the very validation the
API and the web form use, so a row is refused with the same words in every
channel. Rows are numbered by the file's own line numbers (the header is
line 1) so staff can find them in their spreadsheet.

The upload is kept in ``csv_imports.content`` and imported in chunks: each
chunk is one short request and one transaction, so a large file neither
times out a request nor holds the database for long, the page can show
progress, and a dropped connection resumes where it stopped (``done_rows``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from followup import validation as v
from followup.config import Settings
from followup.models import Clinic, CsvImport, ImportStatus
from followup.patients.enrollment import (
    FIELDS,
    EnrollmentRequest,
    IdentityChoice,
    IdentityConflict,
    enroll,
    find_conflict,
    parse_request,
)
from followup.validation import FieldError, ValidationError, local_datetime, region_of

COLUMNS = FIELDS
REQUIRED_COLUMNS = ("phone", "first_name", "infusion_at")
MAX_ROWS = 5000
CHUNK_ROWS = 25
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0", ""}
EXTRA = "(row)"  # marks a row with more values than the header has columns
# Headers as spreadsheets and EHR exports write them ("First Name", "MRN").
ALIASES = {
    "first": "first_name", "firstname": "first_name", "given_name": "first_name",
    "phone_number": "phone", "mobile": "phone", "cell": "phone",
    "cell_phone": "phone", "mobile_phone": "phone", "infusion": "infusion_at",
    "infusion_end": "infusion_at", "infusion_ended": "infusion_at",
    "infusion_ended_at": "infusion_at", "infusion_date": "infusion_at",
    "infusion_time": "infusion_at", "time_zone": "timezone", "tz": "timezone",
    "lang": "language", "lot_number": "lot", "lot_no": "lot", "first_infusion?": "first_infusion",
    "mrn": "external_id", "patient_id": "external_id", "medical_record_number": "external_id",
    "external": "external_id", "clinic_id": "external_id",
}


def column_name(header: str) -> str:
    """A header cell as a field name: "First Name" -> first_name, "MRN" -> external_id."""
    key = "_".join(header.strip().lower().replace("-", " ").replace("_", " ").split())
    return ALIASES.get(key, key)
SAMPLE = (
    ",".join(COLUMNS) + "\r\n"
    "+13125550123,Maria,2026-03-01T14:30:00-06:00,America/Chicago,en,Privigen,P100234,"
    "yes,MRN-1001\r\n"
    "(312) 555-0188,Sam,2026-03-01T15:10:00-06:00,,es,Gammagard Liquid,LE12F045,no,\r\n"
)


class CsvFileError(ValueError):
    """The file as a whole cannot be read (encoding, header, size)."""


@dataclass
class RowError:
    line: int
    field: str
    message: str
    # The patients already on the row's phone, when the row names someone else:
    # the row waits for a person's choice (same person / different person).
    conflict: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"line": self.line, "field": self.field, "message": self.message}
        if self.conflict is not None:
            row["conflict"] = self.conflict
        return row


def conflict_error(line: int, conflict: IdentityConflict) -> RowError:
    return RowError(line, "phone", f"{conflict.describe()}: same person? / different person",
                    [{"id": p.id, "first_name": p.first_name} for p in conflict.existing])


def is_open_error(error: dict[str, Any]) -> bool:
    """A row error that still stops the import: a conflict someone has answered does not."""
    return not (error.get("conflict") and error.get("choice"))


def choice_of(error: dict[str, Any]) -> IdentityChoice | None:
    value = str(error.get("choice") or "")
    if value == "new":
        return IdentityChoice(new_person=True)
    if value.startswith("same:") and value[5:].isdigit():
        return IdentityChoice(same_as=int(value[5:]))
    return None


@dataclass
class Preview:
    total: int
    valid: list[tuple[int, EnrollmentRequest]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def bad_lines(self) -> set[int]:
        return {e.line for e in self.errors}


def decode(raw: bytes) -> str:
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError("The file is not UTF-8 text. In your spreadsheet, save it as "
                           "\"CSV UTF-8\" and upload it again.") from None
    found = v.CONTROL_CHARS.search(content)
    if found:
        line = content.count("\n", 0, found.start()) + 1
        raise CsvFileError(f"Line {line} of the file contains a control character "
                           f"({v.control_character(found.group())}), which no text may hold. "
                           "Save it again as \"CSV UTF-8\" from your spreadsheet and upload it.")
    return content


def read_rows(content: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, raw row) for every non-blank row; raise CsvFileError for the file."""
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFileError("The file is empty: it needs a header line and one row per "
                           "patient.") from None
    except csv.Error as exc:
        raise CsvFileError(f"The file is not valid CSV ({exc}).") from None
    names = [column_name(h) for h in header]
    unknown = [h.strip() for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    if unknown:
        raise CsvFileError(f"Unknown column {unknown[0]!r} in the header line. The columns "
                           f"are: {', '.join(COLUMNS)} (or headers such as First Name, "
                           "Phone Number, MRN).")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise CsvFileError(f"The header line has no {missing[0]!r} column. Required: "
                           f"{', '.join(REQUIRED_COLUMNS)}.")
    if len(set(names)) != len(names):
        raise CsvFileError("A column appears twice in the header line.")
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                rows.append((line, {EXTRA: "1"}))
            else:
                rows.append((line, dict(zip(names, values, strict=False))))
            if len(rows) > MAX_ROWS:
                raise CsvFileError(f"More than {MAX_ROWS} rows: split the file.")
    except csv.Error as exc:
        raise CsvFileError(f"Line {reader.line_num}: not valid CSV ({exc}).") from None
    return rows


def row_data(raw: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the API would receive it: blanks left out, yes/no as booleans."""
    data: dict[str, Any] = {}
    for name, value in raw.items():
        value = (value or "").strip()
        if name == "first_infusion":
            word = value.lower()
            data[name] = True if word in TRUE_WORDS else False if word in FALSE_WORDS else value
        elif value:
            data[name] = value
    return data


def _with_offset(data: dict[str, Any], clinic: Clinic) -> tuple[dict[str, Any], RowError | None]:
    """A spreadsheet's "11/30/2026 11:00" (no offset) read in the row's time
    zone, or the clinic's: the API itself insists on an offset."""
    value = data.get("infusion_at")
    if not isinstance(value, str):
        return data, None
    tz = data.get("timezone") or clinic.timezone
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return data, None  # parse_request names the bad time zone
    try:
        when = local_datetime(value, tz, region=region_of(clinic.phone))
    except FieldError as exc:
        return data, RowError(0, "infusion_at", str(exc))
    return {**data, "infusion_at": when.isoformat()}, None


def check_row(line: int, raw: dict[str, str], clinic: Clinic,
              now: datetime) -> tuple[EnrollmentRequest | None, list[RowError]]:
    if EXTRA in raw:
        return None, [RowError(line, "(row)", "more values than columns in the header")]
    data, when_error = _with_offset(row_data(raw), clinic)
    try:
        request = parse_request(data, clinic, now)
    except ValidationError as exc:
        fields = dict(exc.fields)
        if when_error is not None:
            fields["infusion_at"] = when_error.message
        return None, [RowError(line, name, why) for name, why in fields.items()]
    if when_error is not None:
        return None, [RowError(line, when_error.field, when_error.message)]
    return request, []


def _same_infusion_key(request: EnrollmentRequest) -> tuple[str, datetime]:
    return request.phone, request.infusion_at


def preview(content: str, clinic: Clinic, now: datetime,
            session: Session | None = None) -> Preview:
    """Every row checked; each wrong row listed once, with all its problems.
    A row repeating an earlier one (same phone and infusion time) is an error
    too: enrolling it would do nothing, and counting it would overstate. With a
    session, also whether a row's phone belongs to someone else already on file
    (an identity conflict to be answered)."""
    rows = read_rows(content)
    result = Preview(total=len(rows))
    seen: dict[tuple[str, datetime], int] = {}
    for line, raw in rows:
        request, errors = check_row(line, raw, clinic, now)
        if request is not None:
            first = seen.setdefault(_same_infusion_key(request), line)
            conflict = (find_conflict(session, clinic, request)
                        if first == line and session is not None else None)
            if first != line:
                errors = [RowError(line, "(row)", f"repeats line {first} (same phone and "
                                                  "infusion time): it would be enrolled once")]
            elif conflict is not None:
                errors.append(conflict_error(line, conflict))
            else:
                result.valid.append((line, request))
        result.errors.extend(errors)
    return result


def imported_count(imp: CsvImport) -> int:
    """Rows enrolled so far: rows done minus those refused or already enrolled."""
    bad = {e["line"] for e in (imp.errors or []) if e.get("skipped")}
    return max(0, imp.done_rows - len(bad))


def finished(imp: CsvImport) -> bool:
    """Whether every row of the upload has been through the import."""
    return imp.status == ImportStatus.DONE


def run_chunk(session: Session, imp: CsvImport, clinic: Clinic, *, settings: Settings,
              now: datetime, size: int = CHUNK_ROWS) -> int:
    """Import the next ``size`` rows of an upload; returns how many were enrolled.

    Each row is validated again (time has passed since the preview); a row
    that fails is recorded with its line and skipped. Whether a file with
    errors may be imported at all is the caller's decision. The caller commits."""
    if imp.status == ImportStatus.DONE or imp.content is None:
        return 0
    rows = read_rows(imp.content)
    errors = list(imp.errors or [])
    choices = {e["line"]: choice_of(e) for e in errors if e.get("conflict")}
    # Lines already refused (at preview) are listed once and not tried again.
    refused = {e["line"] for e in errors if e.get("skipped")}
    enrolled = 0
    for line, raw in rows[imp.done_rows:imp.done_rows + size]:
        if line in refused:
            continue
        request, row_errors = check_row(line, raw, clinic, now)
        if request is None:
            errors.extend({**e.to_dict(), "skipped": True} for e in row_errors)
            continue
        try:
            with session.begin_nested():
                outcome = enroll(session, clinic, request, settings=settings, now=now,
                                 choice=choices.get(line), actor=imp.created_by)
        except (IdentityConflict, ValidationError) as exc:
            # Unanswered at preview (only the valid rows were asked for), or an
            # earlier row of this file put someone else on the phone.
            error = (RowError(line, "phone", f"{exc.describe()} (found while importing, "
                              "after an earlier row): not enrolled; enrol this row with the "
                              "form to choose same or different person")
                     if isinstance(exc, IdentityConflict) else RowError(line, "phone", str(exc)))
            if any(e["line"] == line for e in errors):  # listed at preview: now skipped
                errors = [{**e, "skipped": True} if e["line"] == line else e for e in errors]
            else:
                errors.append({**error.to_dict(), "skipped": True})
            continue
        if not outcome.created:
            errors.append({"line": line, "field": "(row)", "skipped": True,
                           "message": "already enrolled (same phone and infusion time): "
                                      "nothing new"})
            continue
        enrolled += 1
    imp.done_rows = min(imp.done_rows + size, len(rows))
    imp.total_rows = len(rows)
    imp.errors = errors
    imp.status = ImportStatus.RUNNING
    if imp.done_rows >= len(rows):
        imp.status = ImportStatus.DONE
        imp.finished_at = now
        imp.content = None  # patients' details need not stay in the upload table
    return enrolled
