"""Templates, shipped inside the package as ``followup.templates`` (see followup/resources.py).

This file only makes the folder a package, so the build can map it under ``followup``.
"""
