"""The team server's PostgreSQL: its tables (SQLAlchemy Core) and its own Alembic migrations.

Separate from the laptop's schema (``db/models``, ``db/migrations``): the server keeps fields and
revisions per record, a change log in commit order, outcomes of every change id, conflicts and
tombstones. Used only by ``ycworker.team.server`` and ``ycworker team init``.
"""
