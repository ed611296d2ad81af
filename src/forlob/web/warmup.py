"""Load what the first request would otherwise pay for: the catalogue, the holiday calendar,
Polars and the rule engine. Runs in each server worker after gunicorn's fork (wsgi.py), never
before it: Polars' thread pool does not survive a fork."""

from __future__ import annotations

import datetime as dt

import polars as pl

from forlob.calendar import busdaycalendar
from forlob.catalogue import load_catalogue
from forlob.planning import plan_course
from forlob.rules import audit_frame


def warm_up() -> None:
    cat = load_catalogue()
    busdaycalendar()
    pathway = sorted(cat.pathways)[0]
    start = dt.date(2025, 1, 13)
    plan_course(pathway, start)
    code = cat.start_codes(pathway)[0]
    line = {
        "patient_id": ["warm-up"],
        "provider_id": ["warm-up"],
        "service_date": [start.isoformat()],
        "service_code": [code],
    }
    audit_frame(pl.DataFrame(line, schema={k: pl.String for k in line}))
