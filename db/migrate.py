"""The schema's Alembic revisions: which is newest, which a file is at, and running the upgrade.

Alembic only, on an engine handed in: this module knows nothing of the store's file, key or
backups, so it imports nothing from ``db.engine``. ``db.engine.upgrade_store`` (which backs the
file up first and refuses a read-only file) is the one that calls ``upgrade_engine``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")


class HasEngine(Protocol):
    """Anything holding the SQLAlchemy engine of an open store (``db.engine.Store``)."""

    @property
    def engine(self) -> sa.Engine: ...


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "db/migrations holds no revision"
    return head


def current_revision(store: HasEngine) -> str | None:
    with store.engine.execution_options(ycw_read=True).connect() as conn:  # reading: no write lock
        revision = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
        return revision


def wanted_revision(target: str = "head") -> str:
    return head_revision() if target == "head" else target


def upgrade_engine(engine: sa.Engine, target: str = "head") -> None:
    """Run the Alembic upgrade to ``target`` in one transaction on ``engine``."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
