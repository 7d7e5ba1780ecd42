"""Alembic environment of the team server: always run from code (db.server.migrate)."""

from alembic import context

from db.server.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover
    raise SystemExit("Run the team server's migrations through `ycworker team init`.")
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
