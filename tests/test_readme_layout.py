"""The README's "How it works" table is the map a newcomer reads first: it must name
every package and module under ``followup/``, and nothing that is no longer there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "followup"


def layout_table() -> list[tuple[str, str]]:
    """The rows of the table under "## How it works": (first cell, whole row)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it works", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and not set(cells[0]) <= {"-", " "}:
            rows.append((cells[0], line))
    return rows[1:]  # the header row


def modules() -> list[Path]:
    """Every Python module of the package, ``__init__`` and the package data aside."""
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p.name != "__init__.py" and "node_modules" not in p.parts)


def named(module: Path, rows: list[tuple[str, str]]) -> bool:
    """Named by its own path, or by its name in backticks in its package's row."""
    rel = module.relative_to(ROOT).as_posix()
    package = module.parent.relative_to(ROOT).as_posix() + "/"
    for first, row in rows:
        if f"`{rel}`" in row:
            return True
        if f"`{package}`" in first and f"`{module.stem}`" in row:
            return True
    return False


def test_every_module_is_in_the_table() -> None:
    rows = layout_table()
    missing = [m.relative_to(ROOT).as_posix() for m in modules() if not named(m, rows)]
    assert missing == [], f"README 'How it works' does not name: {missing}"


def test_every_package_has_a_row() -> None:
    firsts = " ".join(first for first, _ in layout_table())
    packages = sorted({p.parent.relative_to(ROOT).as_posix() + "/"
                       for p in PACKAGE.rglob("__init__.py")} - {"followup/"})
    missing = [p for p in packages if f"`{p}`" not in firsts]
    assert missing == [], f"README 'How it works' has no row for: {missing}"


def test_every_path_in_the_table_exists() -> None:
    paths = re.findall(r"`((?:followup|templates|migrations)/[^`]*)`",
                       "\n".join(row for _, row in layout_table()))
    stale = [p for p in paths if "<" not in p and not (ROOT / p).exists()]
    assert stale == [], f"README 'How it works' names what is not there: {stale}"
