"""The repository stands alone: nothing it runs reads a path outside the checkout.

A user's clone has nothing beside it. Our machines and CI happen to have a read-only
folder of shared notes next to the checkout; a test or script that reads from it passes
here and fails for everyone else. CI also runs the suite in a clone with nothing beside it
(`.ci/run`), which catches reads this scan cannot see; this scan names the file and line.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# What is run, imported or read by a build: code, tests, scripts, build and CI files.
SCANNED_SUFFIXES = {".py", ".toml", ".cfg", ".ini", ".sh", ".mako", ".yaml", ".yml", ".js"}
SCANNED_NAMES = {"Makefile"}
# Written so that this file does not match itself: [/] is a slash, [k] is a k.
OUTSIDE = re.compile(
    r"""\.\.[/]shared          # the sibling folder itself
      | ["']shared["']\s*[/)]  # Path(...) / 'shared' / ...
      | [/]wor[k][/]           # this workplace's absolute paths
    """,
    re.VERBOSE,
)
SIBLING, WORKPLACE = "..", "work"


def _tracked_files() -> list[Path]:
    """The files a clone has: git's list when this is a checkout, else the tree."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                             check=True).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "build", "node_modules"}
        names = [str(p.relative_to(REPO)) for p in REPO.rglob("*")
                 if p.is_file() and not skip & set(p.relative_to(REPO).parts)]
    return [REPO / n for n in names]


def _scanned(path: Path) -> bool:
    return (path.suffix in SCANNED_SUFFIXES or path.name in SCANNED_NAMES
            or ".ci" in path.relative_to(REPO).parts)


def test_no_code_test_or_script_reads_outside_the_checkout() -> None:
    this = Path(__file__).resolve()
    hits = []
    for path in _tracked_files():
        if path == this or not path.is_file() or not _scanned(path):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not hits, "reaches outside the checkout:\n" + "\n".join(hits)


def test_the_scan_recognises_each_way_out() -> None:
    """The patterns above are the check: make sure each still matches what it is for."""
    quote = '"'
    for line in (f"SPEC = REPO.parent / {quote}shared{quote} / {quote}twilio{quote}",
                 f"cat {SIBLING}/shared/triage/POLICY.md",
                 f"open('/{WORKPLACE}/shared/triage/dev_cases.jsonl')"):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search('"""Lookups shared by the API and the staff pages."""')


def test_the_vendored_data_is_in_the_tree_with_its_licence() -> None:
    data = REPO / "tests" / "data"
    for name in ("twilio/twilio_api_v2010.json", "twilio/LICENSE-twilio-oai",
                 "triage/dev_cases.jsonl", "triage/POLICY.md", "README.md"):
        assert (data / name).is_file(), name
    assert "MIT" in (data / "twilio" / "LICENSE-twilio-oai").read_text()


def test_resources_are_found_as_package_resources_not_beside_the_source() -> None:
    from followup.resources import ResourceError, migrations_dir, resource_dir, templates_dir

    assert (templates_dir() / "sms" / "en" / "checkin_early.txt").is_file()
    assert (migrations_dir() / "env.py").is_file()
    try:
        resource_dir("followup.no_such_resources")
    except ResourceError as exc:
        assert "followup.no_such_resources is missing" in str(exc)
    else:
        raise AssertionError("a missing resource folder must be named")


def test_every_package_of_the_tree_ships_in_the_wheel() -> None:
    """The wheel holds only the packages pyproject names: a new sub-package left off the
    list imports from the source tree and fails only once installed (it did, once)."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())
                 ["tool"]["setuptools"]["packages"])
    in_tree = {".".join(init.parent.relative_to(REPO).parts)
               for init in (REPO / "followup").rglob("__init__.py")}
    assert in_tree - listed == set(), "packages missing from pyproject.toml"
