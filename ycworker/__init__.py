"""ycworker: a keyboard-driven, offline case tool for a Young Carers Service."""

import os

__version__ = "0.1.0"

# Textual paints at most TEXTUAL_FPS frames a second (default 60), and after a pause its frame
# timer waits one to two frame periods before painting again. A search result that arrived just
# after the echo of the key typed waited 12 ms median to be seen at 60; at 120 it waits 4 ms
# (caseload search keystroke to painted result 45.9 -> 32.3 ms median, bench/caseload.py).
# Nothing repaints unless something changed, so an idle screen costs nothing more. Set before
# Textual is imported (this package is imported first by the App and the screens); a value
# the user set wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
