"""What fills a letter's sections: one function per part named in `data/letters.toml`.

Each part reads the `CourseRecord` and returns text blocks (paragraphs, or lines starting with
"- " for a list); no blocks means the part has nothing to say for this course. Registered data
(services, scores, plan) is summarised here; the clinician's own texts are passed through.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from forlob.catalogue import Catalogue
from forlob.course_record import CourseRecord, ScoreEntry, ServiceEntry
from forlob.decision.diagnosis import lookup_diagnosis
from forlob.letters.texts import PART_NAMES, Texts
from forlob.prom import (
    INSTRUMENT_NAMES,
    Instrument,
    InstrumentDataError,
    Score,
    change,
    stored_score,
)
from forlob.prom import load_instrument as _load_instrument

__all__ = ["PARTS", "Context", "danish_date", "danish_number"]

_ONE_DECIMAL = Decimal("0.1")


def danish_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def danish_number(value: Decimal) -> str:
    """32 → "32", 35.6 → "35,6": Danish decimal comma, no trailing ",0"."""
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.quantize(_ONE_DECIMAL)).replace(".", ",")


@dataclass(frozen=True)
class Context:
    record: CourseRecord
    texts: Texts
    catalogue: Catalogue

    def label(self, code: str, fallback: str = "") -> str:
        known = self.catalogue.label(code)
        # the catalogue answers with the code itself for a code it does not know
        return known if known != code else (fallback or code)

    def times(self, count: int) -> str:
        return self.texts.say("time_one" if count == 1 else "time_many")


Part = Callable[[Context], list[str]]


def _clinician(text: str) -> list[str]:
    text = text.strip()
    return [text] if text else []


# -- the referral ----------------------------------------------------------------------------
def referral(ctx: Context) -> list[str]:
    ref = ctx.record.referral
    if ref is None:
        return [ctx.texts.say("self_referred")]
    return [ctx.texts.say("referred_by", gp=ref.gp_name, date=danish_date(ref.date))]


def diagnosis(ctx: Context) -> list[str]:
    ref = ctx.record.referral
    if ref is None or not (ref.diagnosis_code or ref.diagnosis_text):
        return []
    text = ref.diagnosis_text
    system = ref.diagnosis_system
    if ref.diagnosis_code and (not text or not system):
        # 003 Bilag 4 names the codes of the programme; a bare code gets its Danish text
        match = lookup_diagnosis(ref.diagnosis_code)
        if match is not None:
            text = text or match.label_da
            system = system or ("ICPC" if match.system == "icpc" else "ICD-10")
    if not ref.diagnosis_code:
        return [text]
    if not system:
        return [f"{ref.diagnosis_code} {text}".strip()]
    return [ctx.texts.say("diagnosis", code=ref.diagnosis_code, text=text, system=system)]


def referral_reason(ctx: Context) -> list[str]:
    ref = ctx.record.referral
    return [] if ref is None else _clinician(ref.reason)


# -- the clinician's texts -------------------------------------------------------------------
def clinical_problem(ctx: Context) -> list[str]:
    return _clinician(ctx.record.letter.clinical_problem)


def status_text(ctx: Context) -> list[str]:
    return _clinician(ctx.record.letter.status_text)


def patient_view(ctx: Context) -> list[str]:
    return _clinician(ctx.record.letter.patient_view)


def treatment(ctx: Context) -> list[str]:
    return _clinician(ctx.record.letter.treatment)


def findings(ctx: Context) -> list[str]:
    return _clinician(ctx.record.letter.findings)


def further_work_up(ctx: Context) -> list[str]:
    return _clinician(ctx.record.letter.further_work_up)


def information_given(ctx: Context) -> list[str]:
    return _clinician(ctx.record.letter.information_given)


# -- outcome measures ------------------------------------------------------------------------
@cache
def _instrument(name: str) -> Instrument | None:
    """The instrument a score names, by id ("odi") or abbreviation ("30s-STS"); None when
    forlob has no data for it (a clinic's own test), which then gets no MCID."""
    try:
        return _load_instrument(name)
    except InstrumentDataError:
        pass
    for known in INSTRUMENT_NAMES:
        inst = _load_instrument(known)
        if inst.abbreviation.casefold() == name.strip().casefold():
            return inst
    return None


def _instrument_name(entry: ScoreEntry) -> str:
    inst = _instrument(entry.instrument)
    if inst is None:
        return entry.instrument
    # "Numerisk smerteskala (Numeric Pain Rating Scale)" → "Numerisk smerteskala (NPRS)"
    short = re.sub(r"\s*\([^)]*\)", "", inst.name_da).strip()
    if inst.abbreviation.casefold() in short.casefold():
        return short
    return f"{short} ({inst.abbreviation})"


def _as_score(entry: ScoreEntry) -> Score:
    inst = _instrument(entry.instrument)
    answered = max(len(entry.answers), 1)
    if inst is not None:
        return stored_score(inst, entry.score, inst.unit, answered)
    # a clinic's own test: no direction, no MCID
    return Score(
        instrument=entry.instrument,
        score=entry.score,
        unit=entry.unit,
        raw=entry.score,
        max=None,
        answered=answered,
        version="",
        higher_is_better=None,
        mcid=(),
    )


def _unit(ctx: Context, unit: str, *, of_change: bool = False) -> str:
    if of_change and unit in ctx.texts.change_units:
        return ctx.texts.change_units[unit]
    return ctx.texts.units.get(unit, unit)


def _value(ctx: Context, score: Score) -> str:
    return f"{danish_number(score.score)} {_unit(ctx, score.unit)}".strip()


def _mcid_text(ctx: Context, inst: Instrument | None) -> str:
    if inst is None or not inst.mcid:
        return ""
    say = ctx.texts.say
    return say("mcid_or").join(
        say(f"mcid_{t.kind}", value=danish_number(Decimal(t.value))) for t in inst.mcid
    )


def _change_line(ctx: Context, first: ScoreEntry, last: ScoreEntry) -> str:
    say = ctx.texts.say
    before, after = _as_score(first), _as_score(last)
    diff = change(before, after)
    if diff.absolute == 0:
        moved = say("change_none")
    else:
        percent = (
            ""
            if diff.percent is None
            else say("change_percent", percent=danish_number(abs(diff.percent)))
        )
        amount = f"{danish_number(abs(diff.absolute))} {_unit(ctx, before.unit, of_change=True)}"
        moved = say(
            "change_down" if diff.absolute < 0 else "change_up",
            amount=amount.strip(),
            percent=percent,
        )
        if diff.improved is not None:
            moved = say(
                "direction",
                change=moved,
                direction=say("improved" if diff.improved else "worsened"),
            )
    inst = _instrument(first.instrument)
    if diff.reaches_mcid is None:
        mcid = say("mcid_unknown")
    else:
        key = "mcid_reached" if diff.reaches_mcid else "mcid_not_reached"
        mcid = say(key, threshold=_mcid_text(ctx, inst))
    return say(
        "score_change",
        name=_instrument_name(first),
        before=_value(ctx, before),
        before_date=danish_date(first.date),
        after=_value(ctx, after),
        after_date=danish_date(last.date),
        change=moved,
        mcid=mcid,
    )


def _activities(ctx: Context, entries: tuple[ScoreEntry, ...]) -> str:
    named: dict[str, None] = {}
    for entry in entries:
        for activity in entry.activities:
            named.setdefault(activity.strip(), None)
    named.pop("", None)
    if not named:
        return ""
    return " " + ctx.texts.say("activities", activities=", ".join(named))


def scores(ctx: Context) -> list[str]:
    """Per instrument the first and the latest measurement, the change and the MCID."""
    lines = []
    for name in ctx.record.instruments:
        entries = ctx.record.scores_of(name)
        first, last = entries[0], entries[-1]
        if len(entries) == 1:
            line = ctx.texts.say(
                "score_one",
                name=_instrument_name(first),
                value=_value(ctx, _as_score(first)),
                date=danish_date(first.date),
            )
        else:
            line = _change_line(ctx, first, last)
        lines.append(line + _activities(ctx, entries))
    if not lines:
        return []
    return ["\n".join([ctx.texts.say("scores_intro"), *lines])]


def latest_scores(ctx: Context) -> list[str]:
    """The latest measurement per instrument, named by what it tells (pain, function); an
    aspect no instrument measured is left for the clinician to fill in."""
    aspects = ctx.texts.aspects
    lines = []
    measured = set()
    for name in ctx.record.instruments:
        last = ctx.record.scores_of(name)[-1]
        inst = _instrument(name)
        aspect = aspects.get(inst.id, aspects["default"]) if inst else aspects["default"]
        measured.add(aspect)
        lines.append(
            ctx.texts.say(
                "latest_score",
                aspect=aspect,
                name=_instrument_name(last),
                value=_value(ctx, _as_score(last)),
                date=danish_date(last.date),
            )
        )
    blocks = ["\n".join([ctx.texts.say("latest_intro"), *lines])] if lines else []
    wanted = dict.fromkeys(a for key, a in aspects.items() if key != "default")
    missing = [a for a in wanted if a not in measured]
    if missing:
        blocks.append("\n".join(ctx.texts.say("fill_in", label=a) for a in missing))
    return blocks


# -- attendance and services -----------------------------------------------------------------
def _when(ctx: Context, target: dt.date | None, early: dt.date | None, late: dt.date | None) -> str:
    say = ctx.texts.say
    if early is not None and late is not None:
        if target is not None:
            return say(
                "when_full",
                target=danish_date(target),
                earliest=danish_date(early),
                latest=danish_date(late),
            )
        return say("when_window", earliest=danish_date(early), latest=danish_date(late))
    if target is not None:
        return say("when_target", target=danish_date(target))
    return say("when_unknown")


def attendance(ctx: Context) -> list[str]:
    """Visits (days with a service the patient attended) and the plan's done/missed/ahead."""
    say = ctx.texts.say
    record = ctx.record
    days = sorted({s.date for s in record.services if s.code not in ctx.texts.not_attendance})
    blocks = []
    if len(days) == 1:
        blocks.append(say("visits_one", date=danish_date(days[0])))
    elif days:
        blocks.append(
            say(
                "visits",
                count=len(days),
                times=ctx.times(len(days)),
                first=danish_date(days[0]),
                last=danish_date(days[-1]),
            )
        )
    else:
        blocks.append(say("visits_none"))
    consultations = [p for p in record.plan if p.kind == "consultation"]
    done = [p for p in consultations if p.state == "done"]
    # an "overdue" item's window has passed without it; "unreachable" ones never could happen
    missed = [p for p in consultations if p.state == "overdue"]
    ahead = [p for p in consultations if p.state in ("open", "upcoming")]
    if done or missed:
        lines = [say("plan_summary", done=len(done), planned=len(done) + len(missed))]
        lines += [
            say("plan_missed", label=p.label, when=_when(ctx, p.target, p.earliest, p.latest))
            for p in missed
        ]
        blocks.append("\n".join(lines))
    if ahead:
        closed = record.end_date is not None
        lines = [say("plan_after_closing_intro" if closed else "plan_ahead_intro")]
        lines += [
            say("plan_ahead", label=p.label, when=_when(ctx, p.target, p.earliest, p.latest))
            for p in ahead
        ]
        blocks.append("\n".join(lines))
    return blocks


def pathway(ctx: Context) -> list[str]:
    record = ctx.record
    known = ctx.catalogue.pathways.get(record.pathway)
    name = known.name_da if known is not None else record.pathway_name
    if record.start_date is None:
        return []
    if record.end_date is not None:
        period = ctx.texts.say(
            "period_closed",
            start=danish_date(record.start_date),
            end=danish_date(record.end_date),
        )
    else:
        period = ctx.texts.say("period_open", start=danish_date(record.start_date))
    return [ctx.texts.say("pathway", name=name, period=period)]


def _grouped(services: list[ServiceEntry]) -> list[tuple[str, str, int]]:
    """(code, registered label, count) per code, in the order the codes were first given."""
    first: dict[str, tuple[dt.date, str]] = {}
    counts: dict[str, int] = {}
    for s in services:
        if s.code not in first or s.date < first[s.code][0]:
            first[s.code] = (s.date, s.label)
        counts[s.code] = counts.get(s.code, 0) + s.quantity
    order = sorted(first, key=lambda code: (first[code][0], code))
    return [(code, first[code][1], counts[code]) for code in order]


def services(ctx: Context) -> list[str]:
    given = [s for s in ctx.record.services if s.code not in ctx.texts.not_treatment]
    if not given:
        return []
    lines = [ctx.texts.say("services_intro")]
    for code, label, count in _grouped(given):
        lines.append(
            ctx.texts.say(
                "service_line",
                code=code,
                label=ctx.label(code, label),
                count=count,
                times=ctx.times(count),
            )
        )
    return ["\n".join(lines)]


def imaging(ctx: Context) -> list[str]:
    """Imaging services registered in the course, then the clinician's imaging text."""
    say = ctx.texts.say
    taken = sorted(
        (s for s in ctx.record.services if s.code in ctx.texts.imaging),
        key=lambda s: (s.date, s.code),
    )
    blocks = []
    if taken:
        lines = [say("imaging_intro")]
        lines += [
            say(
                "imaging_line",
                date=danish_date(s.date),
                code=s.code,
                label=ctx.label(s.code, s.label),
            )
            for s in taken
        ]
        blocks.append("\n".join(lines))
    blocks += _clinician(ctx.record.letter.imaging)
    return blocks or [say("imaging_none")]


PARTS: dict[str, Part] = {
    "referral": referral,
    "diagnosis": diagnosis,
    "referral_reason": referral_reason,
    "clinical_problem": clinical_problem,
    "status_text": status_text,
    "scores": scores,
    "latest_scores": latest_scores,
    "patient_view": patient_view,
    "attendance": attendance,
    "pathway": pathway,
    "services": services,
    "treatment": treatment,
    "findings": findings,
    "imaging": imaging,
    "further_work_up": further_work_up,
    "information_given": information_given,
}
if set(PARTS) != set(PART_NAMES):  # pragma: no cover - caught by any import in the tests
    raise RuntimeError(f"parts and texts.PART_NAMES differ: {set(PARTS) ^ set(PART_NAMES)}")
