"""Failed unlock attempts: a growing delay kept across processes in ``<db>.attempts``, its own file.

Each failure appends one line (its time, seconds since the epoch) to ``<db>.attempts`` with
O_APPEND, so two processes failing at once both count. The database, its -wal/-shm and the keys
file are never touched by a wrong passphrase. After n consecutive failures the next attempt waits
``min(30, 2 ** (n - 1))`` seconds from the last failure (1, 2, 4, 8, 16, 30, 30 ...). A success
removes the file and returns the failures since the previous success, for the audit log.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

MAX_DELAY = 30.0


def attempts_path(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".attempts")


def delay_after(failures: int) -> float:
    """Seconds to wait before the next attempt after ``failures`` consecutive failures."""
    if failures <= 0:
        return 0.0
    return min(MAX_DELAY, float(2 ** min(failures - 1, 16)))


class Attempts:
    """The failed attempts on one database. ``clock`` (seconds since the epoch) is for tests."""

    def __init__(self, db_path: Path | str, *, clock: Callable[[], float] = time.time):
        self.path = attempts_path(db_path)
        self.clock = clock

    def failures(self) -> list[float]:
        """The times of the failures since the last success (a damaged line is skipped)."""
        try:
            text = self.path.read_text("ascii", errors="replace")
        except FileNotFoundError:
            return []
        times = []
        for line in text.splitlines():
            with contextlib.suppress(ValueError):
                times.append(float(line))
        return times

    def delay_before_attempt(self) -> float:
        """Seconds still to wait before the next attempt may be tried (0 when none)."""
        times = self.failures()
        if not times:
            return 0.0
        wait = delay_after(len(times))
        since = self.clock() - times[-1]
        # a clock set back never makes the wait longer than the rule says
        return max(0.0, min(wait, wait - since))

    def record_failure(self) -> float:
        """Count a failed attempt. Returns the delay before the next one."""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, f"{self.clock():.3f}\n".encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return self.delay_before_attempt()

    def record_success(self) -> list[datetime]:
        """Forget the failures (the delay is back to 0) and return their times, for the audit log."""
        times = self.failures()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        return [datetime.fromtimestamp(t, UTC) for t in times]


__all__ = ["MAX_DELAY", "Attempts", "attempts_path", "delay_after"]
