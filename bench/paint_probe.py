"""Child process for bench/startup.py: start an app headless, report when it has painted, exit.

    python -m bench.paint_probe bare
    python -m bench.paint_probe ycworker DB        # first paint (the unlock screen)
    python -m bench.paint_probe ycworker-home DB   # the home screen painted with its data

Prints one line, "painted <seconds since the interpreter started>", then exits.
"""

from __future__ import annotations

import os
import sys
import time

STARTED = float(os.environ.get("PROBE_T0", time.time()))


def elapsed() -> float:
    return time.time() - STARTED


def bare() -> None:
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

        def on_ready(self) -> None:
            print(f"painted {elapsed():.4f}", flush=True)
            self.exit()

    Bare().run(headless=True, size=(120, 36))


def ycworker(db: str, until_home: bool) -> None:
    from ycworker.app import YcWorkerApp, create_app

    class Probe(YcWorkerApp):
        def on_ready(self) -> None:
            if not until_home:
                print(f"painted {elapsed():.4f}", flush=True)
                self.exit()
            else:
                self.set_interval(0.005, self._check)

        def _check(self) -> None:
            screen = self.screen
            if self.current_mode == "home" and getattr(screen, "day", None) is not None:
                self.call_after_refresh(self._done)

        def _done(self) -> None:
            print(f"painted {elapsed():.4f}", flush=True)
            self.exit()

    app = create_app(db)
    app.__class__ = Probe
    app.run(headless=True, size=(120, 36))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "bare":
        bare()
    else:
        ycworker(sys.argv[2], until_home=mode == "ycworker-home")
