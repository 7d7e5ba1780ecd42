"""Refusals the team server answers with an HTTP status and a sentence (never exception text)."""

from __future__ import annotations


class Refused(Exception):
    """A request the server refuses: ``status`` (4xx) and a sentence a worker can act on."""

    status = 400

    def __init__(self, sentence: str, status: int | None = None) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        if status is not None:
            self.status = status


class Unauthorised(Refused):
    status = 401


class Forbidden(Refused):
    status = 403


class NotFound(Refused):
    status = 404


class AdminRefused(Exception):
    """A ``team invite|remove|init`` refusal (exit 1 with this sentence)."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence
