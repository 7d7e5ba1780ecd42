"""Alembic environment: always run from code (db.migrate) with a connection handed in."""

from alembic import context
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables for autogenerate)

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic revision --autogenerate` by hand
    raise SystemExit("Run migrations through db.engine.upgrade_store (they need the key).")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
