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

from sqlalchemy.orm import Session

from followup import validation as v
from followup.config import Settings
from followup.enrollment import FIELDS, EnrollmentRequest, enroll, parse_request
from followup.models import Clinic, CsvImport
from followup.validation import ValidationError

COLUMNS = FIELDS
REQUIRED_COLUMNS = ("phone", "first_name", "infusion_at")
MAX_ROWS = 5000
CHUNK_ROWS = 25
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0", ""}
EXTRA = "(row)"  # marks a row with more values than the header has columns
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

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


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
    names = [h.strip().lower() for h in header]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise CsvFileError(f"Unknown column {unknown[0]!r} in the header line. The columns "
                           f"are: {', '.join(COLUMNS)}.")
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


def check_row(line: int, raw: dict[str, str], clinic: Clinic,
              now: datetime) -> tuple[EnrollmentRequest | None, list[RowError]]:
    if EXTRA in raw:
        return None, [RowError(line, "(row)", "more values than columns in the header")]
    try:
        return parse_request(row_data(raw), clinic, now), []
    except ValidationError as exc:
        return None, [RowError(line, name, why) for name, why in exc.fields.items()]


def preview(content: str, clinic: Clinic, now: datetime) -> Preview:
    rows = read_rows(content)
    result = Preview(total=len(rows))
    for line, raw in rows:
        request, errors = check_row(line, raw, clinic, now)
        if request is not None:
            result.valid.append((line, request))
        result.errors.extend(errors)
    return result


def imported_count(imp: CsvImport) -> int:
    """Rows enrolled so far: rows done minus those that were refused."""
    bad = {e["line"] for e in (imp.errors or []) if e.get("skipped")}
    return max(0, imp.done_rows - len(bad))


def run_chunk(session: Session, imp: CsvImport, clinic: Clinic, *, settings: Settings,
              now: datetime, size: int = CHUNK_ROWS) -> int:
    """Import the next ``size`` rows of an upload; returns how many were enrolled.

    Each row is validated again (time has passed since the preview); a row
    that fails is recorded with its line and skipped. Whether a file with
    errors may be imported at all is the caller's decision. The caller commits."""
    if imp.status == "done" or imp.content is None:
        return 0
    rows = read_rows(imp.content)
    errors = list(imp.errors or [])
    enrolled = 0
    for line, raw in rows[imp.done_rows:imp.done_rows + size]:
        request, row_errors = check_row(line, raw, clinic, now)
        if request is None:
            errors.extend({**e.to_dict(), "skipped": True} for e in row_errors)
            continue
        enroll(session, clinic, request, settings=settings, now=now)
        enrolled += 1
    imp.done_rows = min(imp.done_rows + size, len(rows))
    imp.total_rows = len(rows)
    imp.errors = errors
    imp.status = "running"
    if imp.done_rows >= len(rows):
        imp.status = "done"
        imp.finished_at = now
        imp.content = None  # patients' details need not stay in the upload table
    return enrolled
