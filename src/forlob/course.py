"""A course (forløb): the dates that define it and the look-ups on its pathway (no Django).

One definition of each, for the planner, the course record, the clinic app and the letters:

- **registered start** — the date of the course's start code (rules.md §1, Start date). A
  course is given (the app's courses are, like a `course_id` column), so its earliest line of
  the pathway must be a start code, one anywhere on that day counting (rules.md §2,
  COURSE-NO-START, and the engine's leniency on the first day); otherwise it has no start.
- **start** — the registered start, or the planned start while none is registered.
- **closing** — LBP's closing consultation 0267, which dates the follow-ups: "closing = the
  date of the course's first 0267" (rules.md §3, LBP-FOLLOWUP-TIMING); the planned closing
  until one is registered. Other pathways have none.
- **course end** — the registered consultation that ends the course, where the discharge
  letter (epikrise) is written: LBP's closing consultation (000, Afsluttende konsultation),
  the last status of the nerve-root courses ("Forløbet afsluttes med den Sidste
  statuskonsultation", 002) and of the packages, the training packages' status after the
  course (004).

A course's lines are (service date, service code) pairs, in any order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from forlob.catalogue import Catalogue, load_catalogue
from forlob.prom.instruments import normalise_name
from forlob.texts import Text

__all__ = [
    "DATE_PROBLEMS",
    "GROUP_PATHWAYS",
    "Line",
    "closing",
    "course_end",
    "general_codes",
    "instrument_ids",
    "is_chiropractic",
    "is_lbp",
    "pathway_instruments",
    "planned_dates_problem",
    "questionnaires",
    "registered_closing",
    "registered_start",
    "start",
    "suggested_pathways",
]

Line = tuple[dt.date, str]  # (service date, service code)

# The roles of the consultation that ends a course (see "course end" above).
END_ROLES = ("closing", "last_status", "status_after_course")

# Referral group (003 Bilag 4: 1 nonspecific or degenerative, 2 nerve-root involvement) → the
# pathways it leads to in the low back; group 3 (serious pathology) leads to none.
GROUP_PATHWAYS: dict[int, tuple[str, ...]] = {1: ("LBP",), 2: ("NRL", "CPL")}


def _cat(catalogue: Catalogue | None) -> Catalogue:
    return catalogue if catalogue is not None else load_catalogue()


def _first(lines: Iterable[Line], codes: Iterable[str], on_or_after: dt.date) -> dt.date | None:
    wanted = set(codes)
    return min((d for d, code in lines if code in wanted and d >= on_or_after), default=None)


# -- dates ---------------------------------------------------------------------------------


def registered_start(
    pathway: str, lines: Iterable[Line], catalogue: Catalogue | None = None
) -> dt.date | None:
    """The date of the course's start code; None while none is registered, or when a line of
    the pathway comes before every start code (the course then has none, rules.md §2)."""
    cat = _cat(catalogue)
    own = set(cat.pathway_codes(pathway))
    starts = set(cat.start_codes(pathway))
    pathway_lines = [(d, code) for d, code in lines if code in own]
    if not pathway_lines:
        return None
    first_day = min(d for d, _code in pathway_lines)
    if any(d == first_day and code in starts for d, code in pathway_lines):
        return first_day
    return None


def start(
    pathway: str,
    lines: Iterable[Line],
    planned_start: dt.date,
    catalogue: Catalogue | None = None,
) -> dt.date:
    """The registered start, or the planned start while none is registered."""
    return registered_start(pathway, lines, catalogue) or planned_start


def registered_closing(
    pathway: str, lines: Iterable[Line], catalogue: Catalogue | None = None
) -> dt.date | None:
    """The date of the course's first closing consultation (LBP 0267; rules.md §3)."""
    cat = _cat(catalogue)
    return _first(lines, cat.codes_for(["closing"], [pathway]), dt.date.min)


def closing(
    pathway: str,
    lines: Iterable[Line],
    planned_closing: dt.date | None,
    start_date: dt.date,
    catalogue: Catalogue | None = None,
) -> dt.date | None:
    """The closing consultation a plan is dated from: the registered one, else the planned
    one; None for a pathway without one (not LBP) or when it lies before `start_date` (the
    planner cannot date follow-ups from a closing before the start)."""
    cat = _cat(catalogue)
    if not is_lbp(pathway, cat):
        return None
    lines = list(lines)
    found = registered_closing(pathway, lines, cat)
    date = found if found is not None else planned_closing
    if date is None or date < start_date:
        return None
    return date


def course_end(
    pathway: str, lines: Iterable[Line], catalogue: Catalogue | None = None
) -> dt.date | None:
    """The date of the registered consultation that ends the course (its first closing, last
    status or status after the course); None while none is, and for a course without a start
    (it has not begun, so it cannot have ended)."""
    cat = _cat(catalogue)
    lines = list(lines)
    began = registered_start(pathway, lines, cat)
    if began is None:
        return None
    return _first(lines, cat.codes_for(END_ROLES, [pathway]), began)


# -- pathway and profession look-ups -------------------------------------------------------


def is_lbp(pathway: str, catalogue: Catalogue | None = None) -> bool:
    """A primary low back pain course (the only kind with a closing consultation)."""
    pw = _cat(catalogue).pathways.get(pathway)
    return pw is not None and pw.family == "LBP"


def is_chiropractic(pathway: str, catalogue: Catalogue | None = None) -> bool:
    pw = _cat(catalogue).pathways.get(pathway)
    return pw is not None and pw.profession == "chiropractic"


def suggested_pathways(
    group: int | None, profession: str | None = None, catalogue: Catalogue | None = None
) -> list[str]:
    """The pathways a referral's group suggests (003 Bilag 4), those of `profession` first."""
    pathways = _cat(catalogue).pathways
    ids = [p for p in GROUP_PATHWAYS.get(group or 0, ()) if p in pathways]
    return sorted(ids, key=lambda p: pathways[p].profession != profession)


def general_codes(pathway: str, catalogue: Catalogue | None = None) -> tuple[str, ...]:
    """The general codes a course of `pathway` may also hold: codes of no pathway, of the
    pathway's profession (rules.md §1, Pathway)."""
    cat = _cat(catalogue)
    profession = cat.pathways[pathway].profession
    return tuple(
        c.code for c in cat.codes.values() if c.pathway is None and c.profession == profession
    )


def questionnaires(pathway: str, catalogue: Catalogue | None = None) -> tuple[str, ...]:
    """The pathway's questionnaire set, as the catalogue names it ("NPRS", "ODI", "PSFS")."""
    return _cat(catalogue).pathways[pathway].questionnaires


def instrument_ids(names: Iterable[str]) -> list[str]:
    """Canonical `forlob.prom` ids ("nprs", "odi", …) of catalogue names, each once."""
    out: list[str] = []
    for name in names:
        key = normalise_name(name)
        if key not in out:
            out.append(key)
    return out


def pathway_instruments(pathway: str, catalogue: Catalogue | None = None) -> list[str]:
    """The pathway's questionnaire set as prom ids (NPRS + ODI or NDI + PSFS)."""
    return instrument_ids(questionnaires(pathway, catalogue))


# -- planned dates -------------------------------------------------------------------------

DATE_PROBLEMS: dict[str, Text] = {
    "closing_not_lbp": Text(
        da="Kun et lænderygforløb (LBP) har en planlagt afslutningsdato.",
        en="Only a low back pain (LBP) course has a planned closing date.",
    ),
    "closing_before_start": Text(
        da="Afslutningsdatoen kan ikke ligge før starten.",
        en="The closing date cannot be before the start.",
    ),
}


def planned_dates_problem(
    pathway: str,
    planned_start: dt.date | None,
    planned_closing: dt.date | None,
    catalogue: Catalogue | None = None,
) -> str | None:
    """What is wrong with a course's planned dates (a key of `DATE_PROBLEMS`), or None."""
    if planned_closing is None:
        return None
    if not is_lbp(pathway, catalogue):
        return "closing_not_lbp"
    if planned_start is not None and planned_closing < planned_start:
        return "closing_before_start"
    return None
