"""Bring a store's schema up to the newest Alembic revision, backing the file up first."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from db.engine import Store, backup_copy

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(store: Store) -> str | None:
    with store.engine.execution_options(ycw_read=True).connect() as conn:  # reading: no write lock
        revision = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
        return revision


def upgrade_store(store: Store, target: str = "head") -> Path | None:
    """Upgrade to ``target``. Returns the backup written beside an existing file, if any."""
    current = current_revision(store)
    want = head_revision() if target == "head" else target
    if current == want:
        return None
    if store.read_only:  # never half-migrate (or back up beside) a file the user made read-only
        from db.engine import ReadOnlyDatabase

        raise ReadOnlyDatabase(store.read_only)
    store._check_writable()
    backup = None
    if current is not None and not store.created:
        backup = backup_copy(store, f"pre-migrate-{current}")
    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    return backup
