"""Alembic migrations, shipped inside the package as ``followup.migrations``
(see followup/resources.py). This file only makes the folder a package."""
