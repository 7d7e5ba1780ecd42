"""The brake on guessed enrolment codes: each wrong code from an address is answered more slowly,
and after ``limit`` of them within ``window`` seconds that address gets 429 until the window has
passed.

The server keeps the wrong codes in PostgreSQL (``enrol_failure``, migration 0005), so restarting
the server, or running it as several processes, does not wipe an address's slate. ``EnrolLimiter``
with no engine keeps them in memory (the tests that play with its clock use it).
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

import sqlalchemy as sa

from db.server.tables import enrol_failure

#: Wrong enrolment codes per client address per minute before 429.
ENROL_FAILURES_PER_MINUTE = 5
ENROL_WINDOW_SECONDS = 60.0
#: The longest an answer to a wrong code is held back, in seconds.
MAX_DELAY = 3.0


class EnrolLimiter:
    """Wrong enrolment codes per client address, kept in memory."""

    def __init__(self, limit: int = ENROL_FAILURES_PER_MINUTE, window: float = ENROL_WINDOW_SECONDS,
                 delay: float = 0.25, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.delay, self.clock = limit, window, delay, clock
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def recent(self, address: str, now: float) -> list[float]:
        """The times of this address's wrong codes within the window before ``now``, oldest first."""
        q = self.failures[address]
        while q and q[0] <= now - self.window:
            q.popleft()
        return list(q)

    def note(self, address: str, now: float) -> None:
        self.failures[address].append(now)

    def blocked(self, address: str) -> float:
        """Seconds until this address may try again (0: it may)."""
        now = self.clock()
        times = self.recent(address, now)
        return 0.0 if len(times) < self.limit else max(0.0, times[0] + self.window - now)

    def failed(self, address: str) -> float:
        """Record a wrong code; the delay to answer it with (grows with each failure)."""
        now = self.clock()
        count = len(self.recent(address, now)) + 1
        self.note(address, now)
        return min(self.delay * count, MAX_DELAY)


class StoredEnrolLimiter(EnrolLimiter):
    """Wrong enrolment codes kept in the server's PostgreSQL (wall-clock seconds).

    On a database whose schema is still a revision behind (no ``enrol_failure`` yet: the server is
    being upgraded live), it keeps them in memory and looks for the table again after a window.
    """

    def __init__(self, engine: sa.Engine, limit: int = ENROL_FAILURES_PER_MINUTE,
                 window: float = ENROL_WINDOW_SECONDS, delay: float = 0.25) -> None:
        super().__init__(limit, window, delay, clock=time.time)
        self.engine = engine
        self._stored: bool | None = None
        self._looked_at = 0.0

    def _has_table(self) -> bool:
        now = time.monotonic()
        if self._stored is None or (not self._stored and now - self._looked_at > self.window):
            self._looked_at = now
            with self.engine.connect() as conn:
                self._stored = sa.inspect(conn).has_table(enrol_failure.name)
        return bool(self._stored)

    def recent(self, address: str, now: float) -> list[float]:
        if not self._has_table():
            return super().recent(address, now)
        with self.engine.connect() as conn:
            return list(conn.execute(
                sa.select(enrol_failure.c.at).where(enrol_failure.c.address == address,
                                                    enrol_failure.c.at > now - self.window)
                .order_by(enrol_failure.c.at)).scalars())

    def note(self, address: str, now: float) -> None:
        if not self._has_table():
            super().note(address, now)
            return
        with self.engine.begin() as conn:  # the slate of every address kept to one window
            conn.execute(sa.delete(enrol_failure).where(enrol_failure.c.at <= now - self.window))
            conn.execute(sa.insert(enrol_failure).values(address=address, at=now))
