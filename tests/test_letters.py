"""Letters (forlob.letters): the discharge letter and the rheumatology referral of 003 §4.6.

The golden files in tests/data/letters/ hold the discharge letters of seed 001's three example
courses; `FORLOB_UPDATE_GOLDEN=1` rewrites them (read them against 003 §4.6 before committing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from tests.records_001 import CLINICIAN, example_courses
from tests.test_examples_001 import COURSE_1, COURSE_2, COURSE_3

from forlob.course_record import (
    ClinicInfo,
    CourseRecord,
    LetterFields,
    PlanEntry,
    ReferralInfo,
    ScoreEntry,
    ServiceEntry,
)
from forlob.letters import (
    Letter,
    Section,
    discharge_letter,
    letter_from_text,
    load_texts,
    render_html,
    render_pdf,
    rheumatology_referral,
)
from forlob.prom import load_instrument

GOLDEN = Path(__file__).parent / "data" / "letters"
COURSES = example_courses()
D = dt.date.fromisoformat

# 003 §4.6 "Epikriser fra fysioterapeut i praksissektor", split as the letter splits "Status"
PHYSIO_HEADINGS = [
    "Henvisningsårsag",
    "Status",
    "Patientens oplevelse",
    "Fremmøde",
    "Given behandling",
    "Forslag til videre udredning",
    "Information og instruktion af patienten",
    "Med venlig hilsen",
]
# 003 §4.6 "Epikriser fra kiropraktor til almen praksis"
CHIRO_HEADINGS = [
    "Diagnose",
    "Henvisningsårsag",
    "Klinisk problemstilling",
    "Behandlingsforløb",
    "Objektive fund",
    "Billeddiagnostik",
    "Forslag til videre udredning",
    "Med venlig hilsen",
]


def with_letter(record: CourseRecord, **fields: str) -> CourseRecord:
    return dataclasses.replace(record, letter=dataclasses.replace(record.letter, **fields))


def body(letter: Letter) -> str:
    """Everything but the header: where the CPR number must never appear."""
    return "\n".join(f"{s.heading}\n{s.body}" for s in letter.sections)


# -- golden files ------------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(COURSES))
@pytest.mark.parametrize("form", ["txt", "html"])
def test_the_discharge_letter_of_each_example_course_matches_its_golden_file(
    key: str, form: str
) -> None:
    letter = discharge_letter(COURSES[key])
    output = letter.text() if form == "txt" else letter.html()
    path = GOLDEN / f"{key}.{form}"
    if os.environ.get("FORLOB_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8")


def test_the_fixture_courses_are_the_audited_courses_of_test_examples_001() -> None:
    full = example_courses(with_follow_ups=True)
    for key, rows in zip(sorted(full), (COURSE_1, COURSE_2, COURSE_3), strict=True):
        record = full[key]
        assert [(s.date.isoformat(), s.code) for s in record.services] == [
            (r["service_date"], r["service_code"]) for r in rows
        ]
        assert record.referral is not None
        assert {record.referral.date.isoformat()} == {r["referral_date"] for r in rows}


def test_by_default_a_course_stands_on_the_day_of_its_closing_consultation() -> None:
    for record in COURSES.values():
        assert record.end_date is not None
        assert max(s.date for s in record.services) == record.end_date
        assert record.services[-1].code == "0267"
        follow_ups = [p for p in record.plan if p.code == "0268"]
        assert [p.state for p in follow_ups] == ["upcoming", "upcoming"]


# -- 003 §4.6 physiotherapy content -----------------------------------------------------------
def test_the_physiotherapy_letter_has_003s_sections_in_order() -> None:
    letter = discharge_letter(COURSES["forloeb3"])
    assert letter.title == "Epikrise til egen læge"
    assert list(letter.headings) == PHYSIO_HEADINGS


def test_the_work_up_section_is_left_out_when_the_clinician_gave_no_suggestion() -> None:
    record = COURSES["forloeb1"]
    assert record.letter.further_work_up == ""
    letter = discharge_letter(record)
    assert "Forslag til videre udredning" not in letter.headings
    assert "Forslag til videre udredning" not in letter.text()
    blank = with_letter(record, further_work_up="  \n ")
    assert "Forslag til videre udredning" not in discharge_letter(blank).headings


def test_the_work_up_section_holds_the_clinicians_suggestion_when_given() -> None:
    record = with_letter(COURSES["forloeb1"], further_work_up="MR-scanning af lænderyggen.")
    section = discharge_letter(record).section("Forslag til videre udredning")
    assert section == Section("Forslag til videre udredning", "MR-scanning af lænderyggen.")


def _psfs_record(before: Decimal, after: Decimal) -> CourseRecord:
    def entry(day: str, value: Decimal) -> ScoreEntry:
        return ScoreEntry("r", D(day), "PSFS", value, "points", activities=("gå tur",))

    return dataclasses.replace(
        COURSES["forloeb1"], scores=(entry("2024-09-02", before), entry("2024-11-11", after))
    )


def _psfs_line(letter: Letter) -> str:
    status = letter.section("Status")
    assert status is not None
    return next(line for line in status.body.split("\n") if "(PSFS)" in line)


def test_a_change_of_the_instruments_mcid_is_reported_as_reaching_it() -> None:
    thresholds = load_instrument("psfs").mcid
    assert [t.kind for t in thresholds] == ["points"]  # the data this test is written for
    mcid = thresholds[0].value
    line = _psfs_line(discharge_letter(_psfs_record(Decimal("3.0"), Decimal("3.0") + mcid)))
    assert "Ændringen når den mindste klinisk relevante ændring" in line
    assert f"MCID ≥ {mcid} point" in line
    assert "stigning på" in line and "forbedring" in line


def test_a_change_just_below_the_instruments_mcid_is_reported_as_not_reaching_it() -> None:
    mcid = load_instrument("psfs").mcid[0].value
    after = Decimal("3.0") + mcid - Decimal("0.1")
    line = _psfs_line(discharge_letter(_psfs_record(Decimal("3.0"), after)))
    assert "Ændringen når ikke den mindste klinisk relevante ændring" in line
    assert f"MCID ≥ {mcid} point" in line


def test_the_example_courses_report_odi_against_both_of_its_mcid_criteria() -> None:
    odi = load_instrument("odi").mcid
    criteria = " eller ".join(
        f"≥ {t.value} point" if t.kind == "points" else f"≥ {t.value} %" for t in odi
    )
    good = discharge_letter(COURSES["forloeb1"]).text()  # ODI 28 → 8
    modest = discharge_letter(COURSES["forloeb3"]).text()  # ODI 40 → 32: 8 points, 20 %
    assert "fald på 20 point (71,4 %), forbedring. Ændringen når den mindste" in good
    assert f"(MCID {criteria})" in good
    assert "fald på 8 point (20 %), forbedring. Ændringen når ikke den mindste" in modest


def test_a_single_measurement_and_a_test_without_mcid_are_said_to_be_so() -> None:
    text = discharge_letter(COURSES["forloeb1"]).text()
    assert "Numerisk smerteskala (NPRS): 6 point (29.08.2024); kun én måling i forløbet." in text
    assert "(30s-STS): fra 11 gentagelser" in text
    assert "ingen fastsat mindste klinisk relevante ændring (MCID)" in text


def test_attendance_counts_days_at_the_clinic_and_lists_missed_and_coming_consultations() -> None:
    record = COURSES["forloeb1"]
    phone = ServiceEntry("x", D("2024-10-21"), "3201", "Telefonisk og digital henvendelse")
    missed = PlanEntry(
        key="status",
        kind="consultation",
        code="0266",
        label="Superviseret træning",
        target=None,
        earliest=D("2024-10-01"),
        latest=D("2024-10-31"),
        state="overdue",
    )
    record = dataclasses.replace(
        record, services=(*record.services, phone), plan=(*record.plan, missed)
    )
    section = discharge_letter(record).section("Fremmøde")
    assert section is not None
    lines = section.body.split("\n")
    # a phone call is no attendance: still 13 days at the clinic
    assert lines[0] == (
        "Patienten er mødt 13 gange i forløbet, første gang 02.09.2024 og sidste gang 11.11.2024."
    )
    assert "Planlagte konsultationer: 3 af 4 gennemført." in lines
    assert "- Superviseret træning: ikke gennemført, mellem 01.10.2024 og 31.10.2024." in lines
    assert "Planlagt efter afslutningen:" in lines


def test_treatment_lists_services_by_catalogue_label_with_counts_and_the_clinicians_text() -> None:
    section = discharge_letter(COURSES["forloeb2"]).section("Given behandling")
    assert section is not None
    team = "- 0264 Holdkonsultation: Superviseret træning (primære smerter i lænderyggen): 6 gange"
    assert team in section.body
    assert "- 0110 Første konsultation: 1 gang" in section.body
    assert COURSES["forloeb2"].letter.treatment in section.body


# -- chiropractic --------------------------------------------------------------------------------
def chiro_record(*, referral: bool = True) -> CourseRecord:
    clinic = ClinicInfo(
        "Kiropraktisk Klinik Århus", "077777", "chiropractic", "Ågade 1, 8000 Aarhus C"
    )
    services = (
        ServiceEntry("c1", D("2024-05-06"), "1040", ""),
        ServiceEntry("c2", D("2024-05-06"), "2014", ""),
        ServiceEntry("c3", D("2024-05-21"), "1042", ""),
        ServiceEntry("c4", D("2024-06-03"), "1043", ""),
        ServiceEntry("c5", D("2024-07-01"), "1044", ""),
    )
    return CourseRecord(
        id="k1",
        pathway="CPL",
        pathway_name="",
        profession="chiropractic",
        start_date=D("2024-05-06"),
        end_date=D("2024-07-01"),
        clinic=clinic,
        patient=COURSES["forloeb2"].patient,
        referral=ReferralInfo(D("2024-04-29"), "Peter Møller", "", "ICPC", "L86")
        if referral
        else None,
        clinician_name="Jens Ørum",
        services=services,
        scores=(
            ScoreEntry("s", D("2024-05-06"), "NPRS", Decimal("7.0"), "points"),
            ScoreEntry("e", D("2024-07-01"), "NPRS", Decimal("3.0"), "points"),
        ),
        letter=LetterFields(
            clinical_problem="Lændesmerter med udstråling til venstre ben.",
            findings="Positiv strakt benløft-test venstre ved 40°.",
            imaging="Røntgen: let degeneration L4-L5.",
            further_work_up="MR-scanning ved manglende fremgang.",
        ),
    )


def test_a_chiropractic_course_gets_the_chiropractors_headings() -> None:
    letter = discharge_letter(chiro_record())
    assert list(letter.headings) == CHIRO_HEADINGS
    assert letter.section("Diagnose") == Section(
        "Diagnose", "L86 Rygsyndrom med smerteudstråling (ICPC)"
    )
    imaging = letter.section("Billeddiagnostik")
    assert imaging is not None
    assert "- 06.05.2024: 2014 Primær røntgenundersøgelse ved egen patient" in imaging.body
    assert "Røntgen: let degeneration L4-L5." in imaging.body
    course = letter.section("Behandlingsforløb")
    assert course is not None
    assert "Struktureret forløb: Forløbspakke lumbal diskusprolaps" in course.body
    assert "Patienten er mødt 4 gange i forløbet" in course.body
    assert "Kiropraktor" in letter.text()


def test_a_self_referred_chiropractic_patient_has_no_referral_to_quote() -> None:
    letter = discharge_letter(chiro_record(referral=False))
    assert letter.header[0] == "Til: Egen læge"
    assert letter.section("Henvisningsårsag") == Section(
        "Henvisningsårsag", "Patienten har selv henvendt sig (ingen henvisning)."
    )
    assert letter.section("Diagnose") == Section("Diagnose", "Ikke udfyldt.")


# -- rheumatology referral -----------------------------------------------------------------------
def test_the_rheumatology_referral_holds_every_item_of_003s_content_list() -> None:
    # 003 §4.6 "Henvisning til praktiserende speciallæge i reumatologi – Anbefalet indhold"
    letter = rheumatology_referral(COURSES["forloeb3"])
    assert letter.title == "Henvisning til reumatologisk afdeling"
    assert letter.header[:2] == ("Til: Reumatologisk afdeling", "Kopi: Egen læge Søren Kjær")
    assert list(letter.headings) == [
        "Diagnose",
        "Relevant sygehistorie",
        "Behandling til nu og resultat",
        "Relevante objektive fund",
        "Ønsker og forventninger til afdelingen",
        "Relevante undersøgelsesresultater og epikriser",
        "Aktuel medicin",
        "Særlige patientbehov",
        "Med venlig hilsen",
    ]
    history = letter.section("Relevant sygehistorie")
    assert history is not None
    for item in ("Varighed", "Smertelokalisation", "Job/sygefravær"):
        assert f"{item}: (udfyldes)" in history.body
    # ODI and PSFS measure function; without an NPRS the intensity is left to fill in
    assert "- Funktionsbegrænsning: Oswestry Disability Index (ODI) 32 %" in history.body
    assert "Smerteintensitet: (udfyldes)" in history.body
    result = letter.section("Behandling til nu og resultat")
    assert result is not None
    assert "når ikke den mindste klinisk relevante ændring" in result.body
    findings = letter.section("Relevante objektive fund")
    assert findings is not None
    assert "pareser" in findings.body and "strakt benløft" in findings.body
    wishes = letter.section("Ønsker og forventninger til afdelingen")
    assert wishes is not None
    assert wishes.body == COURSES["forloeb3"].letter.further_work_up
    needs = letter.section("Særlige patientbehov")
    assert needs is not None
    assert needs.body == "Tolkning: (udfyldes)\nHandicaps: (udfyldes)"


def test_the_referral_gives_the_latest_pain_intensity_when_measured() -> None:
    history = rheumatology_referral(COURSES["forloeb1"]).section("Relevant sygehistorie")
    assert history is not None
    assert "- Smerteintensitet: Numerisk smerteskala (NPRS) 6 point (29.08.2024)" in history.body
    assert "Smerteintensitet: (udfyldes)" not in history.body


# -- the patient's CPR number ----------------------------------------------------------------------
@pytest.mark.parametrize("build", [discharge_letter, rheumatology_referral])
def test_the_cpr_number_appears_once_in_the_patient_header_line_only(
    build: Callable[[CourseRecord], Letter],
) -> None:
    record = COURSES["forloeb1"]
    letter = build(record)
    assert "Patient: Anders Jensen, CPR 010186-1234" in letter.header
    text = letter.text()
    assert text.count("010186-1234") == 1
    assert "0101861234" not in text
    assert "010186" not in body(letter)
    assert "1234" not in body(letter)


# -- rendering -------------------------------------------------------------------------------------
def test_html_escapes_the_clinicians_text() -> None:
    record = with_letter(
        COURSES["forloeb1"], patient_view='<script>alert("x")</script> & <b>godt</b>'
    )
    html = discharge_letter(record).html()
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;godt&lt;/b&gt;" in html
    fragment = discharge_letter(record).html(document=False)
    assert fragment.startswith('<article class="forlob-letter" data-kind="discharge">')
    assert "<html" not in fragment


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return out


def test_the_pdf_embeds_truetype_fonts_with_danish_letters_and_no_core_font() -> None:
    record = with_letter(
        COURSES["forloeb3"], patient_view="Æbler, Øl og å på Ålandsøerne <b>& mere</b> →"
    )
    pdf = discharge_letter(record).pdf()
    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile2" in pdf
    base_fonts = set(re.findall(rb"/BaseFont /([A-Za-z0-9+-]+)", pdf))
    assert base_fonts and all(b"BitstreamVera" in f for f in base_fonts), base_fonts
    for core in (b"Helvetica", b"Times", b"Courier", b"Symbol", b"ZapfDingbats"):
        assert core not in pdf
    to_unicode = b"".join(s for s in _streams(pdf) if b"beginbfchar" in s).upper()
    for ch in "æøåÆØÅ":
        assert f"<{ord(ch):04X}>".encode() in to_unicode, ch


def test_the_pdf_is_the_same_for_the_same_letter() -> None:
    letter = discharge_letter(COURSES["forloeb2"])
    assert letter.pdf() == letter.pdf()


# -- the edited text -----------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(COURSES))
def test_a_letters_text_reads_back_into_the_same_letter(key: str) -> None:
    for letter in (discharge_letter(COURSES[key]), rheumatology_referral(COURSES[key])):
        again = letter_from_text(letter.text(), kind=letter.kind)
        assert again == letter
        assert again.html() == letter.html()


def test_an_edited_text_renders_with_the_clinicians_changes() -> None:
    text = discharge_letter(COURSES["forloeb1"]).text()
    edited = text.replace(
        "Fremmøde\n--------\n",
        "Fremmøde\n--------\nUdeblev én gang uden afbud.\n\n",
    ).replace(
        "Med venlig hilsen", "Ny vurdering\n------------\n- MR <anbefales>\n\nMed venlig hilsen"
    )
    letter = letter_from_text(edited)
    assert letter.kind == "edited"
    assert letter.title == "Epikrise til egen læge"
    assert letter.headings[-2:] == ("Ny vurdering", "Med venlig hilsen")
    attendance = letter.section("Fremmøde")
    assert attendance is not None
    assert attendance.body.startswith("Udeblev én gang uden afbud.\n\nPatienten er mødt")
    html = render_html(edited)
    assert "<h2>Ny vurdering</h2>\n<ul>\n<li>MR &lt;anbefales&gt;</li>\n</ul>" in html
    assert render_pdf(edited).startswith(b"%PDF-")


def test_a_text_without_the_layout_is_kept_whole() -> None:
    letter = letter_from_text("Kære kollega\r\n\r\nTak for henvisningen.\n", title="Brev")
    assert letter.title == "Brev"
    assert letter.header == ("Kære kollega", "Tak for henvisningen.")
    assert letter.sections == ()
    assert "<h1>Brev</h1>" in render_html("Kære kollega", title="Brev")


def test_a_title_in_the_text_wins_over_the_given_title() -> None:
    assert letter_from_text("Epikrise\n========\n\nTil: X\n", title="Andet").title == "Epikrise"


# -- the letter's frame ----------------------------------------------------------------------------
def test_the_header_names_recipient_sender_date_and_patient() -> None:
    letter = discharge_letter(COURSES["forloeb2"], date=D("2024-05-08"))
    assert letter.header == (
        "Til: Egen læge Peter Møller",
        "Fra: Fysioterapien Nørrebro, Nørrebrogade 100, 2200 København N, tlf. 35 00 00 00, "
        "ydernr. 022590",
        "Dato: 08.05.2024",
        "Patient: Birgit Nielsen, CPR 020274-1234",
    )
    assert letter.sections[-1] == Section(
        "Med venlig hilsen", f"{CLINICIAN}\nFysioterapeut\nFysioterapien Nørrebro"
    )


def test_a_letter_from_a_running_course_is_dated_today_and_says_what_is_ahead() -> None:
    first = COURSES["forloeb1"].services[0]
    running = dataclasses.replace(
        COURSES["forloeb1"], end_date=None, status="active", services=(first,)
    )
    letter = discharge_letter(running)
    assert f"Dato: {dt.date.today():%d.%m.%Y}" in letter.header
    text = letter.text()
    assert (
        "Struktureret forløb: Primære smerter i lænderyggen, fra 02.09.2024, ikke afsluttet."
        in text
    )
    assert "Patienten er mødt 1 gang i forløbet, den 02.09.2024." in text
    assert "Planlagt videre i forløbet:\n- Opfølgningskonsultation" in text


def test_every_section_of_every_letter_cites_003() -> None:
    for spec in load_texts().letters:
        assert spec.source.startswith("003 §4.6")
        for section in spec.section:
            assert section.source.startswith("003 §4.6"), section.heading
