"""Make the README's screenshots: the home screen, the caseload and the return on a 2,000-carer demo.

    python docs/make_screenshots.py

Writes docs/home.svg, docs/caseload.svg and docs/returns.svg (Textual's own SVG export), as of a
fixed day so they change only when the screens do.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSPHRASE = "screenshot passphrase"
TODAY = date(2026, 11, 24)


async def shoot(db: Path) -> None:
    from ycworker.app import create_app

    app = create_app(db, passphrase=PASSPHRASE, today=TODAY)
    async with app.run_test(size=(150, 42)) as pilot:
        for _ in range(400):
            await pilot.pause(0.05)
            if app.unlocked and app.current_mode == "home" and getattr(app.screen, "day", None):
                break
        await pilot.pause(1.0)
        app.save_screenshot("home.svg", str(ROOT / "docs"))
        for name in ("caseload", "returns"):
            app.action_area(name)  # as the area's key does from home
            await pilot.pause(4.0)
            await app.workers.wait_for_complete()
            await pilot.pause(0.5)
            app.save_screenshot(f"{name}.svg", str(ROOT / "docs"))


def main() -> None:
    from db.engine import open_store
    from ycworker.demo import generate

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ycworker.db"
        store = open_store(db, PASSPHRASE)
        generate(store, carers=2000, seed=1, today=TODAY)
        store.close()
        asyncio.run(shoot(db))
    print("wrote docs/home.svg, docs/caseload.svg, docs/returns.svg")


if __name__ == "__main__":
    main()
