"""Prefilled letters from a course: the discharge letter (epikrise) and the rheumatology referral.

Which sections a letter has, in which order and what fills each, is data (`data/letters.toml`,
each section with its place in 003 §4.6); this module only walks that list.
"""

from __future__ import annotations

import datetime as dt

from forlob.catalogue import load_catalogue
from forlob.course_record import CourseRecord
from forlob.cpr import format_cpr
from forlob.letters.letter import Letter, Section
from forlob.letters.parts import PARTS, Context, danish_date
from forlob.letters.texts import LetterSpec, SectionSpec, load_texts

__all__ = ["compose", "discharge_letter", "rheumatology_referral"]


def discharge_letter(record: CourseRecord, *, date: dt.date | None = None) -> Letter:
    """The discharge letter (epikrise) to the patient's GP, by the course's profession's list
    in 003 §4.6. `date` defaults to the course's end, or today for a course still running."""
    return compose("discharge", record, date=date)


def rheumatology_referral(record: CourseRecord, *, date: dt.date | None = None) -> Letter:
    """A referral to a rheumatology department with 003 §4.6's content list, copy to the GP."""
    return compose("referral-rheumatology", record, date=date)


def compose(kind: str, record: CourseRecord, *, date: dt.date | None = None) -> Letter:
    """The letter of `kind` ("discharge" or "referral-rheumatology"); KeyError for another."""
    texts = load_texts()
    spec = texts.letter(kind, record.profession)
    ctx = Context(record=record, texts=texts, catalogue=load_catalogue())
    sections = [s for s in (_section(ctx, sec) for sec in spec.section) if s is not None]
    sections.append(_signature(ctx))
    return Letter(
        kind=kind,
        title=spec.title,
        header=_header(ctx, spec, date or _letter_date(record)),
        sections=tuple(sections),
    )


def _letter_date(record: CourseRecord) -> dt.date:
    # 000/002: the discharge letter is written at the consultation that ends the course
    # (Afsluttende konsultation, Sidste statuskonsultation); a letter from a course still
    # running is written the day it is made
    return record.end_date if record.end_date is not None else dt.date.today()


def _tidy(text: str) -> str:
    # trailing spaces would not survive the round trip through the edited text
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _section(ctx: Context, spec: SectionSpec) -> Section | None:
    blocks: list[str] = []
    for ref in spec.parts:
        for block in PARTS[ref.part](ctx):
            blocks.append(f"{ref.label}: {block}" if ref.label else block)
    if not blocks:
        if spec.omit_when_empty:
            return None
        if not spec.fill_in:
            blocks.append(spec.empty or ctx.texts.say("empty"))
    if spec.fill_in:
        blocks.append("\n".join(ctx.texts.say("fill_in", label=f) for f in spec.fill_in))
    return Section(spec.heading, _tidy("\n\n".join(blocks)))


def _header(ctx: Context, spec: LetterSpec, date: dt.date) -> tuple[str, ...]:
    say = ctx.texts.say
    record = ctx.record
    gp = record.referral.gp_name.strip() if record.referral is not None else ""
    lines = []
    if spec.recipient == "gp":
        lines.append(say("to_gp", name=gp) if gp else say("to_gp_unnamed"))
    else:
        lines.append(say("to_rheumatology"))
        if gp:
            lines.append(say("copy_to_gp", name=gp))
    clinic = record.clinic
    sender = [clinic.name, clinic.address]
    if clinic.phone:
        sender.append(say("phone", phone=clinic.phone))
    if clinic.provider_id:
        sender.append(say("provider_id", id=clinic.provider_id))
    lines.append(say("sender", parts=", ".join(p.strip() for p in sender if p.strip())))
    lines.append(say("date", date=danish_date(date)))
    # the patient is identified once, here; no section repeats the CPR number
    lines.append(
        say("patient", name=record.patient.name.strip(), cpr=format_cpr(record.patient.cpr))
    )
    return tuple(" ".join(line.split()) for line in lines)


def _signature(ctx: Context) -> Section:
    record = ctx.record
    title = ctx.texts.professions.get(record.profession, "")
    lines = [record.clinician_name.strip(), title[:1].upper() + title[1:], record.clinic.name]
    return Section(
        ctx.texts.say("closing_heading"), "\n".join(line for line in lines if line.strip())
    )
