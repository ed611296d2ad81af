"""The three example courses of seed 001 as `CourseRecord`s, for letters and exports.

Seed 001 ("Eksempler på patienter med primære smerter i lænderyggen i strukturerede forløb")
describes three LBP courses without dates or scores. The services and dates are the ones of
tests/test_examples_001.py, which audit clean (test_letters checks that the two agree). The
questionnaire rounds follow the seed (which instruments at the start and at the closing
consultation); the scores, the PSFS activities, the names, the CPR numbers (fictitious, with
the seed's ages) and the clinician's texts are invented for the example, written from the
seed's case descriptions.

`example_courses()` gives each course as it stands on the day of its closing consultation
(0267), when 001 says the discharge letter is written; `with_follow_ups=True` adds the two
follow-up consultations (0268) about 3 and 9 months later. Keep the keys and content stable:
other tests build on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from forlob.catalogue import load_catalogue
from forlob.course_record import (
    ClinicInfo,
    CourseRecord,
    LetterFields,
    PatientInfo,
    PlanEntry,
    ReferralInfo,
    ScoreEntry,
    ServiceEntry,
)
from forlob.planning import plan_course, progress
from forlob.prom import score

__all__ = ["CLINIC", "CLINICIAN", "example_courses"]

D = dt.date.fromisoformat

CLINIC = ClinicInfo(
    name="Fysioterapien Nørrebro",
    provider_id="022590",
    profession="physiotherapy",
    address="Nørrebrogade 100, 2200 København N",
    phone="35 00 00 00",
)
CLINICIAN = "Mette Holm"
# team size registered on the team services (0263, 0264); the seed names none
TEAM_SIZE = 8
START_ROUND = "questionnaire:0261"
CLOSING_ROUND = "questionnaire:0267"


def _weekly(first: str, n: int, code: str) -> list[tuple[str, str]]:
    start = D(first)
    return [((start + dt.timedelta(days=7 * i)).isoformat(), code) for i in range(n)]


# (date, code) as in tests/test_examples_001.py COURSE_1..3
VISITS: dict[str, list[tuple[str, str]]] = {
    "forloeb1": [
        ("2024-09-02", "0110"),
        ("2024-09-02", "0262"),
        ("2024-09-09", "0265"),
        ("2024-09-16", "0266"),
        *_weekly("2024-09-19", 7, "0113"),
        ("2024-10-07", "0266"),
        ("2024-10-14", "0265"),
        ("2024-11-11", "0267"),
        ("2025-02-10", "0268"),
        ("2025-08-11", "0268"),
    ],
    "forloeb2": [
        ("2024-03-04", "0110"),
        ("2024-03-11", "0261"),
        ("2024-03-13", "0263"),
        ("2024-03-14", "0266"),
        ("2024-03-20", "0263"),
        ("2024-03-21", "0266"),
        *_weekly("2024-03-26", 6, "0264"),
        ("2024-04-04", "0266"),
        ("2024-04-11", "0269"),
        ("2024-04-11", "0266"),
        ("2024-04-18", "0266"),
        ("2024-04-25", "0269"),
        ("2024-04-25", "0266"),
        ("2024-05-06", "0267"),
        ("2024-08-05", "0268"),
        ("2025-02-03", "0268"),
    ],
    "forloeb3": [
        ("2024-01-08", "0110"),
        ("2024-01-08", "0262"),
        ("2024-01-15", "0265"),
        ("2024-01-22", "0266"),
        ("2024-01-25", "0269"),
        ("2024-01-29", "0265"),
        ("2024-02-05", "0266"),
        ("2024-02-12", "0269"),
        ("2024-02-19", "0266"),
        *_weekly("2024-02-22", 5, "0113"),
        ("2024-02-26", "0269"),
        ("2024-03-04", "0266"),
        ("2024-03-11", "0266"),
        ("2024-03-25", "0266"),
        ("2024-04-02", "0267"),
        ("2024-07-02", "0268"),
        ("2024-12-17", "0268"),
    ],
}

REFERRALS = {
    "forloeb1": ReferralInfo(
        date=D("2024-08-26"),
        gp_name="Anne Lund",
        gp_provider_id="011111",
        diagnosis_system="ICPC",
        diagnosis_code="L03",
        reason="Moderate smerter centralt i lænden, første episode. Ønsker træning.",
    ),
    "forloeb2": ReferralInfo(
        date=D("2024-02-26"),
        gp_name="Peter Møller",
        gp_provider_id="022222",
        diagnosis_system="ICD-10",
        diagnosis_code="DM545",
        diagnosis_text="Lumbago uden specifikation",
        reason="Tilbagevendende lænderygsmerter, tredje episode på halvandet år.",
    ),
    "forloeb3": ReferralInfo(
        date=D("2024-01-03"),
        gp_name="Søren Kjær",
        gp_provider_id="033333",
        diagnosis_system="ICPC",
        diagnosis_code="L84",
        diagnosis_text="Rygsyndrom uden smerteudstråling",
        reason="Vedvarende lænderygsmerter i mere end 12 uger.",
    ),
}

PATIENTS = {
    # 38 years at the start (seed: "Patient på 38 år")
    "forloeb1": PatientInfo(
        id="P001",
        cpr="0101861234",
        name="Anders Jensen",
        birth_date=D("1986-01-01"),
        consent_beyond_journal=True,
    ),
    # 50 years ("Patient på 50 år")
    "forloeb2": PatientInfo(
        id="P002",
        cpr="0202741234",
        name="Birgit Nielsen",
        birth_date=D("1974-02-02"),
        consent_beyond_journal=True,
    ),
    # 43 years ("Patient på 43 år")
    "forloeb3": PatientInfo(
        id="P003",
        cpr="0303801234",
        name="Carsten Hansen",
        birth_date=D("1980-03-03"),
        consent_beyond_journal=True,
    ),
}


def _scored(
    round_id: str,
    date: str,
    instrument: str,
    answers: Sequence[int],
    *,
    activities: Sequence[str] = (),
    by: str = "patient",
) -> ScoreEntry:
    """A score computed by forlob.prom from the answers, as the web app stores it."""
    result = score(instrument.lower(), list(answers))
    return ScoreEntry(
        round_id=round_id,
        date=D(date),
        instrument=instrument,
        score=result.score,
        unit=result.unit,
        answers=tuple(answers),
        activities=tuple(activities),
        answered_by=by,
    )


def _test(round_id: str, date: str, instrument: str, value: int) -> ScoreEntry:
    """A functional test measured by the clinician (rejse/sætte sig, Biering-Sørensen)."""
    return ScoreEntry(
        round_id=round_id,
        date=D(date),
        instrument=instrument,
        score=Decimal(value).quantize(Decimal("0.1")),
        unit={"30s-STS": "count", "Biering-Sørensen": "seconds"}[instrument],
        answers=(value,),
        answered_by="clinician",
    )


PSFS_1 = ("sidde ved skrivebordet en hel arbejdsdag", "styrketræning", "binde snørebånd")
PSFS_2 = ("gå tur med hunden i 30 minutter", "havearbejde", "køre bil i over en time")
PSFS_3 = ("gå en tur på 2 km", "bære indkøbsposer", "arbejde en fuld arbejdsdag")

# Forløb 1: ODI and NPRS before the first consultation, PSFS filled in together there;
# ODI and PSFS at the closing consultation ("Vurdering af effekt ved spørgeskemaer ODI og
# PSFS"); the sit-to-stand test at both ("Opfølgning på funktionstest").
# Forløb 2 and 3: ODI and PSFS at the start and at the closing consultation.
SCORES: dict[str, tuple[ScoreEntry, ...]] = {
    "forloeb1": (
        _scored(START_ROUND, "2024-08-29", "ODI", [2, 1, 2, 1, 2, 2, 1, 0, 2, 1]),
        _scored(START_ROUND, "2024-08-29", "NPRS", [6]),
        _scored(START_ROUND, "2024-09-02", "PSFS", [3, 2, 5], activities=PSFS_1, by="clinician"),
        _test("0261", "2024-09-02", "30s-STS", 11),
        _scored(CLOSING_ROUND, "2024-11-07", "ODI", [1, 0, 1, 0, 0, 1, 0, 0, 0, 1]),
        _scored(CLOSING_ROUND, "2024-11-11", "PSFS", [8, 7, 9], activities=PSFS_1),
        _test("0267", "2024-11-11", "30s-STS", 15),
    ),
    "forloeb2": (
        _scored(START_ROUND, "2024-03-07", "ODI", [2, 1, 3, 2, 2, 2, 2, 1, 2, 1]),
        _scored(START_ROUND, "2024-03-11", "PSFS", [4, 3, 5], activities=PSFS_2, by="clinician"),
        _test("0261", "2024-03-11", "Biering-Sørensen", 45),
        _scored(CLOSING_ROUND, "2024-05-02", "ODI", [1, 0, 1, 1, 1, 1, 1, 0, 1, 0]),
        _scored(CLOSING_ROUND, "2024-05-06", "PSFS", [8, 6, 8], activities=PSFS_2),
        _test("0267", "2024-05-06", "Biering-Sørensen", 80),
    ),
    # a modest result: neither ODI nor PSFS reaches its MCID
    "forloeb3": (
        _scored(START_ROUND, "2024-01-05", "ODI", [3, 1, 3, 2, 2, 2, 2, 1, 2, 2]),
        _scored(START_ROUND, "2024-01-08", "PSFS", [3, 4, 2], activities=PSFS_3, by="clinician"),
        _test("0261", "2024-01-08", "30s-STS", 9),
        _scored(CLOSING_ROUND, "2024-03-28", "ODI", [2, 1, 3, 1, 2, 2, 1, 1, 2, 1]),
        _scored(CLOSING_ROUND, "2024-04-02", "PSFS", [5, 5, 4], activities=PSFS_3),
        _test("0267", "2024-04-02", "30s-STS", 11),
    ),
}

LETTERS = {
    "forloeb1": LetterFields(
        clinical_problem=(
            "Første episode med primære smerter i lænderyggen. Moderate smerter centralt i "
            "lænden med låsningsfornemmelse ved alle bevægelser, som aftager, når patienten har "
            "været lidt i gang; forværring ved statiske stillinger. Ingen tegn på alvorlig "
            "patologi, ingen tegn på frygt-undgåelsesadfærd og kompetent egenhåndtering. "
            "Træningsvant fra træningscenter."
        ),
        status_text=(
            "Patienten træner selvstændigt og kan kontrollere sine symptomer. Rejse/sætte "
            "sig-testen er forbedret."
        ),
        patient_view=(
            "Patienten er næsten smertefri i hverdagen og tryg ved at fortsætte træningen på "
            "egen hånd."
        ),
        treatment=(
            "Instruktion i træning med progression, to individuelle konsultationer med "
            "patientuddannelse i egenhåndtering, to med superviseret træning og justering af "
            "programmet samt superviseret selvtræning på klinikken, indtil patienten kunne "
            "træne selv."
        ),
        information_given=(
            "Information om smerter i lænderyggen og den gode prognose, betydningen af fysisk "
            "aktivitet, forebyggelse af tilbagefald og håndtering af tilbagevendende symptomer. "
            "Træningsprogram til fortsat træning i træningscenter. Opfølgningskonsultation er "
            "aftalt ca. 3 og 9 måneder efter afslutningen."
        ),
    ),
    "forloeb2": LetterFields(
        clinical_problem=(
            "Tredje episode med uspecifikke lænderygsmerter på halvandet år. Moderate smerter i "
            "lænden, lejlighedsvis trækkende til balde og lyske, som aftager i aflastede "
            "stillinger. Neurologisk undersøgelse uden tegn på nerverodspåvirkning; intet tyder "
            "på diskusprolaps, lumbal spinalstenose eller spondylolisthese. Patienten er lidt "
            "bekymret over de gentagne episoder."
        ),
        status_text="Gradvist bedre funktion og færre smerter gennem forløbet.",
        patient_view=(
            "Patienten er mindre bekymret og har fået redskaber til at håndtere en ny episode."
        ),
        treatment=(
            "Patientuddannelse på hold to gange, holdtræning en gang om ugen i 6 uger, "
            "individuel superviseret træning med opbygning af en øvelsesbank til hjemmetræning "
            "og supplerende manuel behandling som smertelindring i to konsultationer."
        ),
        information_given=(
            "Information om tilbagevendende lænderygsmerter, prognose og egenhåndtering. "
            "Øvelsesbank til hjemmetræning. Opfølgningskonsultation efter behov ca. 3 og 9 "
            "måneder efter afslutningen."
        ),
    ),
    "forloeb3": LetterFields(
        clinical_problem=(
            "Vedvarende (over 12 uger) primære smerter i lænderyggen: moderate smerter i lænden, "
            "lejlighedsvis trækkende ned i balden. Ikke træningsvant og ingen motion i "
            "hverdagen. Moderate tegn på frygt-undgåelsesadfærd og bekymring for fuld "
            "tilbagevenden til arbejde og fritidsaktiviteter. Egner sig ikke til holdtræning."
        ),
        status_text=(
            "Patienten varetager selv et hjemmetræningsprogram, men har fortsat moderat "
            "funktionsbegrænsning og er ikke fuldt tilbage på arbejde."
        ),
        patient_view=(
            "Patienten oplever nogen bedring og større tryghed ved bevægelse, men er usikker på "
            "at kunne genoptage arbejdet på fuld tid."
        ),
        treatment=(
            "Individuel patientuddannelse to gange med fokus på smerteforståelse og "
            "bevægelsesangst, individuel superviseret træning med gradvis progression, "
            "supplerende manuel behandling for at muliggøre træning og superviseret "
            "selvtræning på klinikken."
        ),
        further_work_up=(
            "Henvisning til kommunens tilbud i forløbsprogram for lænderyglidelser "
            "(rehabilitering og brobygning til fritidsaktiviteter) anbefales, da der fortsat er "
            "moderat funktionsbegrænsning og risikofaktorer for varige smerter "
            "(bevægelsesangst, bekymring for arbejdet). Evt. kontakt til jobcenter om gradvis "
            "tilbagevenden til fuld tid."
        ),
        information_given=(
            "Information om vedvarende lænderygsmerter, smertemekanismer og betydningen af "
            "gradvist øget fysisk aktivitet. Hjemmetræningsprogram udleveret. "
            "Opfølgningskonsultation ca. 3 og 9 måneder efter afslutningen."
        ),
    ),
}


def _record(key: str, with_follow_ups: bool) -> CourseRecord:
    cat = load_catalogue()
    visits = [(D(d), code) for d, code in VISITS[key]]
    closing = next(d for d, code in visits if code == "0267")
    start = next(d for d, code in visits if cat.codes[code].is_start)
    as_of = visits[-1][0] if with_follow_ups else closing
    kept = [(d, code) for d, code in visits if d <= as_of]
    referral = REFERRALS[key]
    plan = plan_course("LBP", start, referral.date, closing)
    entries = tuple(
        PlanEntry(
            key=p.item.key,
            kind=p.item.kind,
            code=p.item.code,
            label=p.item.label,
            target=p.item.target,
            earliest=p.item.earliest,
            latest=p.item.latest,
            state=p.state,
            done_on=p.done_on,
        )
        for p in progress(plan, kept, as_of)
    )
    services = tuple(
        ServiceEntry(
            id=f"{key}-{i:02d}",
            date=d,
            code=code,
            label=cat.label(code),
            team_size=TEAM_SIZE if code in ("0263", "0264") else None,
        )
        for i, (d, code) in enumerate(kept, 1)
    )
    return CourseRecord(
        id=key,
        pathway="LBP",
        pathway_name=cat.pathways["LBP"].name_da,
        profession="physiotherapy",
        start_date=start,
        end_date=closing,
        clinic=CLINIC,
        patient=PATIENTS[key],
        referral=referral,
        clinician_name=CLINICIAN,
        services=services,
        scores=SCORES[key],
        plan=entries,
        letter=LETTERS[key],
        status="closed",
    )


def example_courses(*, with_follow_ups: bool = False) -> dict[str, CourseRecord]:
    """The three seed-001 courses by key ("forloeb1", "forloeb2", "forloeb3")."""
    return {key: _record(key, with_follow_ups) for key in VISITS}
