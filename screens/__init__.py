"""Textual screens and widgets. Screens call ycworker services; they never touch SQL."""

import ycworker  # noqa: F401  (sets Textual's frame rate before Textual is imported)
