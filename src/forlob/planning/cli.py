"""`forlob plan`: print a course plan as a table for people or as JSON for programs."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from forlob.catalogue import CatalogueError, load_catalogue
from forlob.planning.model import Plan, PlanError, PlannedItem
from forlob.planning.planner import plan_course

__all__ = ["plan_as_dict", "plan_command", "render_plan_table"]

EXIT_OK, EXIT_CANNOT_RUN = 0, 2
FORMATS = ("table", "json")


def plan_command(
    pathway: str,
    start: dt.date,
    referral_date: dt.date | None,
    closing_date: dt.date | None,
    format: str,
    lead_days: int = 7,
) -> int:
    """Plan one course and print it to stdout; exit code 2 (one line on stderr) on bad input."""
    if format not in FORMATS:
        return _fail(f"unknown format {format!r} (use {' or '.join(FORMATS)})")
    try:
        plan = plan_course(
            pathway.strip().upper(),
            start,
            referral_date=referral_date,
            closing_date=closing_date,
            lead_days=lead_days,
        )
    except (PlanError, CatalogueError) as exc:
        return _fail(str(exc))
    if format == "json":
        sys.stdout.write(json.dumps(plan_as_dict(plan), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_plan_table(plan))
    return EXIT_OK


def _fail(message: str) -> int:
    sys.stderr.write(f"forlob: {message}\n")
    return EXIT_CANNOT_RUN


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _item_dict(item: PlannedItem) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": item.kind, "code": item.code}
    if item.kind == "questionnaire":
        out["instruments"] = list(item.instruments)
    out |= {
        "label": item.label,
        "target": _iso(item.target),
        "earliest": _iso(item.earliest),
        "latest": _iso(item.latest),
        "note": item.note,
    }
    return out


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    """The JSON document of `forlob plan --format json` (ISO dates, null where undefined)."""
    return {
        "pathway": plan.pathway,
        "start": plan.start.isoformat(),
        "items": [_item_dict(it) for it in plan.items],
    }


def _window(item: PlannedItem) -> str:
    if item.earliest is None and item.latest is None:
        return ""
    return f"{item.earliest or '…'} – {item.latest or '…'}"


def render_plan_table(plan: Plan) -> str:
    """One row per item: what, target, window "earliest – latest", note."""
    name = load_catalogue().pathways[plan.pathway].name_da
    head = f"{plan.pathway} – {name}, start {plan.start}"
    if plan.referral_date is not None:
        head += f", henvisning {plan.referral_date}"
    if plan.closing_date is not None:
        head += f", afslutning {plan.closing_date}"
    rows = [("Kode", "Ydelse", "Mål", "Vindue", "Note")]
    for it in plan.items:
        rows.append(
            (
                it.code or "–",
                it.label,
                "" if it.target is None else it.target.isoformat(),
                _window(it),
                it.note,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [head, ""]
    for n, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) for i in range(4)] + [row[4]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  ----")
    return "\n".join(lines) + "\n"
