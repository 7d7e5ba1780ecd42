"""A deterministic, realistic demo service (filled in by the demo generator)."""

from __future__ import annotations


class DemoRefused(Exception):
    """The database already holds carers."""


def generate(store, carers: int, seed: int = 1):
    raise NotImplementedError("the demo generator is being written")


def demo_if_empty(store, carers: int) -> None:
    raise NotImplementedError("the demo generator is being written")
