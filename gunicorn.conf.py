"""gunicorn reads this file from the directory it starts in: a checkout's settings are
the package's (see followup/gunicorn_conf.py)."""

from followup.gunicorn_conf import post_fork, pre_fork, preload_app

__all__ = ["post_fork", "pre_fork", "preload_app"]
