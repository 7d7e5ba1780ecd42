"""Carer references made on the device: 'YC-' and six characters, unique across laptops."""

from __future__ import annotations

import secrets

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


def new_carer_ref() -> str:
    return "YC-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))
