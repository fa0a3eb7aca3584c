"""Where the files the service reads at run time are: found as package resources.

The message templates and the Alembic migrations sit at the repository's top level
(``templates/``, ``migrations/``), beside ``followup/``, where a clinician or a reviewer
looks for them; the build maps them into the package as ``followup.templates`` and
``followup.migrations`` (pyproject's ``package-dir``). Asking ``importlib.resources`` for
them, rather than walking up from this file, finds the same folders in a source checkout,
an editable install and an installed wheel, where nothing of the source tree exists.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


class ResourceError(RuntimeError):
    """The installed package lacks a folder it ships with (a broken or zipped install)."""


def resource_dir(package: str) -> Path:
    """The folder of a resource package, as a real path (Jinja and Alembic need one)."""
    try:
        root = files(package)
    except ModuleNotFoundError as exc:
        raise ResourceError(f"{package} is missing from this installation: reinstall "
                            "followup from its wheel or source") from exc
    if not isinstance(root, Path) or not root.is_dir():
        raise ResourceError(f"{package} is not a folder on disk ({root}): followup must be "
                            "installed unzipped")
    return root


def templates_dir() -> Path:
    """``templates/``: staff pages, the dev phone and every SMS (``sms/<lang>/``)."""
    return resource_dir("followup.templates")


def migrations_dir() -> Path:
    """``migrations/``: the Alembic environment and its versions."""
    return resource_dir("followup.migrations")


def static_dir() -> Path:
    """``followup/static/``: the staff pages' stylesheet and script."""
    return resource_dir("followup") / "static"
