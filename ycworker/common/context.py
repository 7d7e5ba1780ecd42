"""Who is acting, and on which day: the small typed context a use-case function takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Context:
    """What a service needs to know about the moment it runs in: ``today`` (fixed in tests and
    demos, the real date otherwise) and the acting worker's id (``None`` before anyone has
    unlocked, e.g. a command that needs no worker)."""

    today: date
    worker_id: str | None = None
