"""The wiring (``followup.app``) is imported by the entry points only.

``app.py`` imports the web package to register its blueprints; a web module (or
any other) that imported ``followup.app`` back for ``db`` or ``services`` would
close a cycle that breaks the first time someone imports them in the other
order. They use ``followup.extensions`` instead.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "followup"
# The entry points: they build the app, nothing imports them back.
ENTRY_POINTS = {"app.py", "cli.py", "wsgi.py"}


def _imported_modules(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_nothing_but_the_entry_points_imports_the_wiring() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if str(relative) in ENTRY_POINTS:
            continue
        if "followup.app" in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(str(relative))
    assert offenders == []


def test_the_web_modules_import_first_in_a_fresh_interpreter_without_the_wiring() -> None:
    """Imported before anything else, each web module loads without ``followup.app``."""
    modules = sorted(f"followup.web.{p.stem}" for p in (PACKAGE / "web").glob("*.py")
                     if p.stem != "__init__")
    modules += ["followup.scheduler", "followup.demo", "followup.extensions"]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    assert 'followup.app' not in sys.modules, name\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
