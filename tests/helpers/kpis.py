"""Helpers of the KPI tests: the return's figures for a period, and a referral made briefly."""

from __future__ import annotations

from datetime import date

from tests.helpers import factories as f
from ycworker.returns import kpis

TODAY = date(2026, 11, 24)


def compute(store, period, today=TODAY):
    with store.read() as s:
        return kpis.compute(s, period, today)


def ref(s, carer, referral_date, **kw):
    return f.referral(s, carer.id, referral_date, **kw)
