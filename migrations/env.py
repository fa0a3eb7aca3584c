"""Alembic environment: the models' metadata is the target."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, pool

from followup.db import make_engine
from followup.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a SQLite table (copy, drop, rename): with
            # foreign keys enforced, dropping a table that other rows point at
            # fails. They are off for the migration (the PRAGMA is ignored
            # inside a transaction, hence on the driver's connection before
            # ours begins) and checked before it commits.
            connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _check_foreign_keys(connection)


def _check_foreign_keys(connection: Connection) -> None:
    """Refuse to commit a SQLite migration that left rows pointing at nothing."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise RuntimeError(f"the migration left {len(broken)} rows whose foreign keys point"
                           f" at nothing, in {', '.join(tables)}; nothing was changed")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
