"""The schema's Alembic revisions: which is newest, which a file is at, and running the upgrade.

Alembic only, on an engine handed in: this module knows nothing of the store's file, key or
backups, so it imports nothing from ``db.engine``. ``db.engine.upgrade_store`` (which backs the
file up first and refuses a read-only file) is the one that calls ``upgrade_engine``.

Every unlock asks whether the file is up to date, so that question is answered without Alembic
(importing it and loading every migration script cost 100-190 ms of each launch): the newest
revision is read from the scripts' ``revision``/``down_revision`` lines, the file's from its
``alembic_version`` table. Alembic itself is imported only when an upgrade runs, or when the
scripts are not one plain chain (then it is asked, as before).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import sqlalchemy as sa
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*['"]([^'"]+)['"]\s*$""", re.MULTILINE)
_DOWN = re.compile(r"""^down_revision\s*(?::[^=]*)?=\s*(?:None|['"]([^'"]+)['"])\s*$""", re.MULTILINE)


class HasEngine(Protocol):
    """Anything holding the SQLAlchemy engine of an open store (``db.engine.Store``)."""

    @property
    def engine(self) -> sa.Engine: ...


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "db/migrations holds no revision"
    return head


def _chain_head() -> str | None:
    """The head of a plain chain of scripts (one ``down_revision`` each), or None when the
    scripts are anything else (a merge, branches, a line this cannot read)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(text), _DOWN.search(text)
        if not revision and down is None:
            continue  # not a migration (``__init__.py``)
        if len(revision) != 1 or down is None:
            return None
        revisions.add(revision[0])
        if down.group(1):
            downs.add(down.group(1))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 and downs <= revisions else None


@lru_cache(maxsize=1)
def head_revision() -> str:
    return _chain_head() or _alembic_head()


def current_revision(store: HasEngine) -> str | None:
    """The revision the file is at (None for a file no migration has run on)."""
    with store.engine.execution_options(ycw_read=True).connect() as conn:  # reading: no write lock
        try:
            has_table = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").first()
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() if has_table else []
        finally:
            conn.rollback()
    if len(rows) > 1:  # more than one head stored: Alembic says what that means
        from alembic.runtime.migration import MigrationContext

        with store.engine.execution_options(ycw_read=True).connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
            conn.rollback()
            return revision
    return rows[0][0] if rows else None


def wanted_revision(target: str = "head") -> str:
    return head_revision() if target == "head" else target


def upgrade_engine(engine: sa.Engine, target: str = "head") -> None:
    """Run the Alembic upgrade to ``target`` in one transaction on ``engine``."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
