"""ycworker: a keyboard-driven, offline case tool for a Young Carers Service."""

__version__ = "0.1.0"
