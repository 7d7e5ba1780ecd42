"""Pseudonyms for the commissioner's return: a keyed hash of the internal id.

``P-``, ``H-`` and ``R-`` followed by 32 hex digits of HMAC-SHA256(secret, "<kind>:<internal id>").
The secret is made once per database and kept inside it (``settings.secret``), so the same carer
has the same ``person_id`` in every quarter's return from that database, and nobody without the
database can go from a pseudonym back to a record. The message is the internal UUID (never the
service's own carer_ref or household_ref), prefixed by the kind so that a person and a household
with the same internal id never share a pseudonym.

Choice (the spec is silent on length): 32 hex digits (128 bits) is far beyond any collision risk
for a service's lifetime and stays readable in a spreadsheet column.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlmodel import Session

from ycworker.common import settings

DIGITS = 32


@dataclass(frozen=True)
class Pseudonymiser:
    secret: bytes

    def _digest(self, kind: str, internal_id: str) -> str:
        # hmac.digest: the one-shot C implementation of HMAC (same result as hmac.new(...).digest())
        return hmac.digest(self.secret, f"{kind}:{internal_id}".encode(), hashlib.sha256).hex()[:DIGITS]

    def person(self, carer_id: str) -> str:
        return "P-" + self._digest("person", carer_id)

    def household(self, household_id: str | None, carer_id: str) -> str:
        """A carer with no household is a household of one: keyed on the carer, not shared."""
        if household_id:
            return "H-" + self._digest("household", household_id)
        return "H-" + self._digest("household-of-one", carer_id)

    def referral(self, referral_id: str) -> str:
        return "R-" + self._digest("referral", referral_id)


def for_session(session: Session) -> Pseudonymiser:
    """The database's pseudonymiser (makes the secret on first use: call in a write session)."""
    return Pseudonymiser(settings.secret(session))


def for_store(store) -> Pseudonymiser:
    """The database's pseudonymiser: read; a short write only the first time (to make the secret)."""
    with store.read() as s:
        value = settings.get(s, settings.PSEUDONYM_SECRET)
    if value is not None:
        return Pseudonymiser(bytes.fromhex(value))
    with store.write() as s:
        return for_session(s)
