"""``ycworker export --quarter YYYY-YY-QN --to DIR`` (or ``--start DATE --end DATE``).

Builds the commissioner's return as a new folder inside DIR (and a sealed copy in the outbox),
prints a short summary and, as the last line of standard output, the folder's path.
Exit 0 written; 1 nothing could be written (reason on standard error); 2 usage error.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ycworker.cli import open_cli_store
from ycworker.common import periods
from ycworker.common.errors import UsageError


def period_from_args(args) -> periods.Period:
    if args.quarter:
        try:
            return periods.parse_quarter(args.quarter)
        except ValueError as exc:
            raise UsageError(f"{exc}.") from None
    if args.end < args.start:
        raise UsageError(f"The period ends ({args.end}) before it starts ({args.start}).")
    return periods.custom(args.start, args.end)


def run(args) -> int:
    from ycworker.returns import export as returns

    period = period_from_args(args)
    dest = Path(args.to).expanduser()
    store = open_cli_store(args)
    try:
        result = returns.export_return(store, period, dest, today=date.today())
    finally:
        store.close()
    head = {f.kpi: f for f in result.report.headline()}
    print(f"Return for {period.label} ({period.start} to {period.end}) written and sealed.")
    for key in ("referrals_received", "kpi1_carers_supported", "kpi2_allocated_within_5_working_days",
                "kpi3_assessed_within_15_working_days"):
        f = head[key]
        shown = f"{f.value}%" if f.unit == "percent" and f.value else (f.value or "no cases")
        print(f"  {f.label}: {shown}")
    print(f"Sealed copy kept in {result.outbox_path.parent}.")
    print(result.path.resolve())
    return 0
