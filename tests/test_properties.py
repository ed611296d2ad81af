"""Properties of the whole engine on random small extracts (hypothesis).

(a) Every rule concerns one patient (rules.md §1 Course, Same day; §7 "for that patient at
    that provider"), so auditing a file gives exactly the union of auditing each patient's
    lines on their own.
(b) Input order only matters between lines of one patient ("ties: input order", "after the
    first in input order"), so interleaving patients differently changes nothing but the row
    numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import FINDING_KEYS, extract

from forlob.rules import audit_frame


def _codes(first: int, last: int) -> list[str]:
    return [f"{c:04d}" for c in range(first, last + 1)]


PATHWAY_CODES = (
    _codes(231, 237)
    + _codes(241, 247)
    + _codes(261, 269)
    + _codes(1040, 1046)
    + _codes(1050, 1056)
    + _codes(1060, 1063)
    + ["1065", "1066"]
    + _codes(3015, 3022)
)
START_CODES = [
    "0231",
    "0232",
    "0241",
    "0242",
    "0261",
    "0262",
    "1040",
    "1041",
    "1050",
    "1051",
    "1060",
    "1061",
    "3015",
    "3019",
]
GENERAL_CODES = (
    ["0110", "0113", "0133", "2001", "2101", "3201", "3301"]
    + _codes(1015, 1017)
    + _codes(1023, 1027)
    + _codes(1035, 1037)
    + _codes(2013, 2015)
    + ["2020", "2030", "2031"]
    + _codes(3010, 3012)
)
UNKNOWN_CODES = ["9999", "1047", "1064"]
BAD_CODES = ["110", "10a5", ""]
BAD_DATES = ["2024-02-30", "2024-2-5", "2024-02-05T00:00", ""]

PATIENTS = ["0101901234", "0202902345", "0303903456", "0404904567"]
PROVIDERS = ["K1", "K2", "022590"]
COURSE_PROVIDER = "K2"  # lines at K2 carry a course_id; elsewhere courses are inferred

BASE = dt.date(2024, 1, 1)

code_st = st.one_of(
    st.sampled_from(START_CODES),
    st.sampled_from(PATHWAY_CODES),
    st.sampled_from(GENERAL_CODES),
    st.sampled_from(UNKNOWN_CODES),
)
# dates in ~1 year, biased to a short stretch so same-day and window rules meet
day_st = st.one_of(st.integers(0, 70), st.integers(0, 364))
opt_date_st = st.one_of(
    st.just(""),
    st.integers(-6000, 300).map(lambda n: (BASE + dt.timedelta(days=n)).isoformat()),
    st.sampled_from(["2008-02-30", "1/2/2008"]),
)
opt_int_st = st.sampled_from(["", "", "", "3", "6", "7", "10", "11", "x"])


@st.composite
def service_line(draw) -> dict[str, str]:
    provider = draw(st.sampled_from(PROVIDERS))
    date = (BASE + dt.timedelta(days=draw(day_st))).isoformat()
    code = draw(code_st)
    bad = draw(st.integers(0, 19))
    if bad == 0:
        date = draw(st.sampled_from(BAD_DATES))
    elif bad == 1:
        code = draw(st.sampled_from(BAD_CODES))
    return {
        "patient_id": draw(st.sampled_from(PATIENTS)),
        "provider_id": provider,
        "service_date": date,
        "service_code": code,
        "course_id": draw(st.sampled_from(["A", "B"])) if provider == COURSE_PROVIDER else "",
        "referral_date": draw(opt_date_st),
        "birth_date": draw(st.sampled_from(["", "", "2008-03-10", "1980-05-05"])),
        "last_visit_date": draw(opt_date_st),
        "team_size": draw(opt_int_st),
        "quantity": draw(opt_int_st),
    }


extract_st = st.lists(service_line(), min_size=1, max_size=30)

KEY_COLUMNS = FINDING_KEYS[1:]  # every finding column but the row number
_ROW_IN_MESSAGE = re.compile(r"\b(Row|Række) \d+\b")


def keyed(findings: pl.DataFrame, original_row: list[int]) -> Counter:
    """Findings as a multiset of (original row, columns...), with row numbers mapped back.

    `original_row[i]` is the original 1-based row of the frame's i-th row (audited with
    row_offset=1). INPUT-INVALID messages name the row; that number is normalised.
    """
    out: Counter = Counter()
    for rec in findings.iter_rows(named=True):
        values = tuple(rec[c] for c in KEY_COLUMNS)
        message = _ROW_IN_MESSAGE.sub("Row #", values[-1] or "")
        out[(original_row[rec["row"] - 1], *values[:-1], message)] += 1
    return out


PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(extract_st)
def test_auditing_a_file_equals_auditing_each_patient_separately(lines):
    frame = extract(lines)
    whole = keyed(audit_frame(frame), list(range(1, len(lines) + 1)))

    union: Counter = Counter()
    for patient in sorted({line["patient_id"] for line in lines}):
        rows = [i + 1 for i, line in enumerate(lines) if line["patient_id"] == patient]
        part = extract([lines[r - 1] for r in rows])
        union += keyed(audit_frame(part), rows)
    assert whole == union


@PROPERTY_SETTINGS
@given(extract_st, st.randoms(use_true_random=False))
def test_interleaving_patients_differently_changes_nothing_but_row_numbers(lines, rnd):
    # A new order of the patient labels; each patient's own lines keep their relative order.
    labels = [line["patient_id"] for line in lines]
    rnd.shuffle(labels)
    queues = {
        p: [i for i, line in enumerate(lines) if line["patient_id"] == p] for p in set(labels)
    }
    permutation = [queues[p].pop(0) for p in labels]  # new position -> original index
    assert sorted(permutation) == list(range(len(lines)))

    original = keyed(audit_frame(extract(lines)), list(range(1, len(lines) + 1)))
    shuffled = keyed(
        audit_frame(extract([lines[i] for i in permutation])), [i + 1 for i in permutation]
    )
    assert shuffled == original


@PROPERTY_SETTINGS
@given(extract_st, st.integers(1, 1000))
def test_row_offset_only_shifts_row_numbers(lines, offset):
    frame = extract(lines)
    base = audit_frame(frame)
    shifted = audit_frame(frame, row_offset=offset)
    assert shifted["row"].to_list() == [r + offset - 1 for r in base["row"].to_list()]
    assert keyed(shifted, [0] * (offset - 1) + list(range(1, len(lines) + 1))) == keyed(
        base, list(range(1, len(lines) + 1))
    )
