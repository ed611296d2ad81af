"""The FHIR export: a course as an R4B collection bundle (forlob.fhir, no Django).

The records are built by hand here; expected codes, labels and systems are written out, not
read back from the module under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from forlob.course_record import (
    ClinicInfo,
    CourseRecord,
    PatientInfo,
    PlanEntry,
    ReferralInfo,
    ScoreEntry,
    ServiceEntry,
)
from forlob.fhir import CPR_SYSTEM, bundle_json, course_bundle

D = Decimal
d = dt.date

SERVICE_SYSTEM = "https://forlob.dk/fhir/CodeSystem/service-code"
INSTRUMENT_SYSTEM = "https://forlob.dk/fhir/CodeSystem/instrument"
PATHWAY_SYSTEM = "https://forlob.dk/fhir/CodeSystem/pathway"
YDERNUMMER = "urn:oid:1.2.208.176.1.4"

CLINIC = ClinicInfo(
    name="Fysioterapi Nord",
    provider_id="123456",
    profession="physiotherapy",
    address="Havnegade 1, 9000 Aalborg",
    phone="98000000",
)
PATIENT = PatientInfo(
    id="p-17",
    cpr="0703851234",
    name="Anne Marie Jensen",
    birth_date=d(1985, 3, 7),
    email="anne@example.org",
)
ODI_1 = (3, 2, 2, 1, 2, 2, 1, None, 2, 1)  # 16 of 45 → 35.6 %
ODI_2 = (1, 1, 1, 0, 1, 1, 0, None, 1, 0)  # 6 of 45 → 13.3 %

LBP = CourseRecord(
    id="c-101",
    pathway="LBP",
    pathway_name="Primære smerter i lænderyggen",
    profession="physiotherapy",
    start_date=d(2024, 3, 4),
    end_date=d(2024, 5, 27),
    clinic=CLINIC,
    patient=PATIENT,
    referral=ReferralInfo(
        date=d(2024, 2, 26),
        gp_name="Lone Læge",
        gp_provider_id="054321",
        diagnosis_system="ICPC",
        diagnosis_code="L03",
        diagnosis_text="Lændesmerter",
        reason="Smerter i 8 uger",
    ),
    clinician_name="Peter Fysio Hansen",
    services=(
        ServiceEntry("s1", d(2024, 3, 4), "0261", "Supplerende indledende konsultation"),
        ServiceEntry("s2", d(2024, 3, 11), "0264", "Holdtræning", team_size=8),
        ServiceEntry("s3", d(2024, 3, 11), "2001", "Afstandstillæg", quantity=3),
        ServiceEntry("s4", d(2024, 3, 18), "0269", "Manuel behandling", warning_reason="aftalt"),
        ServiceEntry("s5", d(2024, 5, 27), "0267", "Afsluttende konsultation"),
    ),
    scores=(
        ScoreEntry("r1", d(2024, 3, 1), "NPRS", D("7"), "points", answers=(7,)),
        ScoreEntry("r1", d(2024, 3, 1), "ODI", D("35.6"), "%", answers=ODI_1),
        ScoreEntry(
            "r1",
            d(2024, 3, 1),
            "PSFS",
            D("3.5"),
            "points",
            answers=(3, 4),
            activities=("Gå tur med hunden", "Støvsuge"),
        ),
        ScoreEntry("r2", d(2024, 5, 20), "NPRS", D("3"), "points", answers=(3,)),
        ScoreEntry("r2", d(2024, 5, 20), "ODI", D("13.3"), "%", answers=ODI_2),
    ),
    plan=(
        PlanEntry(
            "questionnaire:start",
            "questionnaire",
            None,
            "Spørgeskema (NPRS, ODI, PSFS) før start",
            d(2024, 2, 26),
            d(2024, 2, 26),
            d(2024, 3, 18),
            "done",
            done_on=d(2024, 3, 4),
        ),
        PlanEntry(
            "start",
            "consultation",
            "0261",
            "Supplerende indledende konsultation",
            d(2024, 3, 4),
            d(2024, 3, 4),
            d(2024, 3, 18),
            "done",
            done_on=d(2024, 3, 4),
        ),
        PlanEntry(
            "closing",
            "consultation",
            "0267",
            "Afsluttende konsultation",
            d(2024, 5, 27),
            d(2024, 5, 13),
            d(2024, 6, 10),
            "done",
            done_on=d(2024, 5, 27),
        ),
        PlanEntry(
            "follow-up-1",
            "consultation",
            "0268",
            "Opfølgningskonsultation",
            d(2024, 8, 26),
            d(2024, 8, 12),
            d(2024, 9, 9),
            "overdue",
        ),
        PlanEntry(
            "follow-up-2",
            "consultation",
            "0268",
            "Opfølgningskonsultation",
            None,
            d(2025, 3, 1),
            None,
            "unreachable",
        ),
        PlanEntry(
            "follow-up-3",
            "consultation",
            "0268",
            "Opfølgningskonsultation",
            d(2024, 11, 25),
            d(2024, 11, 11),
            d(2024, 12, 9),
            "upcoming",
        ),
    ),
    status="closed",
)

CPL = CourseRecord(
    id="c-202",
    pathway="CPL",
    pathway_name="Forløbspakke lumbal diskusprolaps",
    profession="chiropractic",
    start_date=d(2024, 4, 2),
    end_date=None,
    clinic=ClinicInfo("Kiropraktorerne Syd", "654321", "chiropractic"),
    patient=PatientInfo("p-18", "1112701235", "Bo Nielsen", d(1970, 12, 11)),
    referral=ReferralInfo(
        date=d(2024, 3, 28),
        gp_name="Karl Kirk",
        diagnosis_system="ICD-10",
        diagnosis_code="DM511",
        diagnosis_text="Lumbal diskusprolaps med radikulopati",
    ),
    services=(
        ServiceEntry("k1", d(2024, 4, 2), "1040", "Forundersøgelse"),
        ServiceEntry("k2", d(2024, 4, 16), "1042", "Statuskonsultation efter 2 uger"),
        ServiceEntry("k3", d(2024, 4, 30), "1043", "Statuskonsultation efter 4 uger"),
    ),
    scores=(
        ScoreEntry("t1", d(2024, 4, 2), "NPRS", D("8"), "points", answers=(8,)),
        ScoreEntry("t1", d(2024, 4, 2), "sts30", D("9"), "count", answered_by="clinician"),
    ),
)

LETTER = 'Kære Lone\n\nForløbet er afsluttet & <script>alert("x")</script>\nVenlig hilsen'


# -- helpers ----------------------------------------------------------------------------


def as_dict(record: CourseRecord, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(bundle_json(record, **kw))
    return data


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_url(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def coding(concept: dict[str, Any], system: str) -> dict[str, Any]:
    (found,) = [c for c in concept["coding"] if c["system"] == system]
    return found


# -- validity and stability -------------------------------------------------------------


@pytest.mark.parametrize("record", [LBP, CPL], ids=["LBP", "CPL"])
def test_bundle_validates_and_round_trips(record: CourseRecord) -> None:
    text = bundle_json(record, LETTER, "Afslutningsbrev")
    bundle = course_bundle(record, LETTER, "Afslutningsbrev")
    assert isinstance(bundle, Bundle)
    assert bundle.type == "collection"
    assert Bundle.model_validate_json(text).model_dump_json(indent=2) == text
    # and from a plain dict, as another system would build it
    assert Bundle(**json.loads(text)).model_dump_json(indent=2) == text


def test_same_record_gives_byte_identical_json() -> None:
    assert bundle_json(LBP, LETTER) == bundle_json(LBP, LETTER)
    assert bundle_json(CPL) == bundle_json(CPL)


def test_ids_are_uuids_matching_the_full_urls() -> None:
    bundle = as_dict(LBP, letter_text=LETTER)
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls)
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"


def test_a_different_course_gives_different_ids_but_the_same_patient_keeps_hers() -> None:
    first = as_dict(LBP)
    second = as_dict(dataclasses.replace(LBP, id="c-102"))
    assert first["id"] != second["id"]
    for kind in ("EpisodeOfCare", "Encounter", "ChargeItem", "Observation", "CarePlan"):
        ids_1 = {r["id"] for r in resources(first, kind)}
        ids_2 = {r["id"] for r in resources(second, kind)}
        assert ids_1 and not ids_1 & ids_2, kind
    assert resources(first, "Patient")[0]["id"] == resources(second, "Patient")[0]["id"]
    other = as_dict(dataclasses.replace(LBP, patient=dataclasses.replace(PATIENT, id="p-99")))
    assert resources(first, "Patient")[0]["id"] != resources(other, "Patient")[0]["id"]


@pytest.mark.parametrize("record", [LBP, CPL], ids=["LBP", "CPL"])
def test_every_reference_resolves_to_an_entry(record: CourseRecord) -> None:
    bundle = as_dict(record, letter_text=LETTER)
    urls = set(by_url(bundle))
    refs = list(references(bundle))
    assert len(refs) > 10
    assert set(refs) <= urls


def test_a_bare_course_gives_patient_clinic_and_episode_only() -> None:
    bare = CourseRecord(
        id="c-1",
        pathway="NRL",
        pathway_name="Nerverodspåvirkning i lænd",
        profession="physiotherapy",
        start_date=None,
        end_date=None,
        clinic=ClinicInfo("Klinik", "", "physiotherapy"),
        patient=PatientInfo("p-1", "", "Cher", d(1946, 5, 20)),
        referral=None,
    )
    bundle = as_dict(bare)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "Organization", "EpisodeOfCare"]
    (patient,) = resources(bundle, "Patient")
    assert patient["name"] == [{"text": "Cher", "family": "Cher"}]
    assert Bundle.model_validate_json(bundle_json(bare)).model_dump_json(indent=2) == (
        bundle_json(bare)
    )


# -- who --------------------------------------------------------------------------------


def test_patient_has_the_cpr_identifier_name_and_birth_date() -> None:
    (patient,) = resources(as_dict(LBP), "Patient")
    assert CPR_SYSTEM == "urn:oid:1.2.208.176.1.2"
    assert {"system": "urn:oid:1.2.208.176.1.2", "value": "0703851234"} in patient["identifier"]
    assert patient["name"] == [
        {"text": "Anne Marie Jensen", "family": "Jensen", "given": ["Anne", "Marie"]}
    ]
    assert patient["birthDate"] == "1985-03-07"
    assert "0703851234" not in patient["id"]


def test_clinic_with_ydernummer_and_practitioner_only_when_named() -> None:
    lbp = as_dict(LBP)
    (org,) = resources(lbp, "Organization")
    assert org["identifier"] == [{"system": YDERNUMMER, "value": "123456"}]
    assert org["name"] == "Fysioterapi Nord"
    (practitioner,) = resources(lbp, "Practitioner")
    assert practitioner["name"][0]["family"] == "Hansen"
    assert resources(as_dict(CPL), "Practitioner") == []


# -- referral and course ----------------------------------------------------------------


def test_referral_diagnosis_codes() -> None:
    (icpc,) = resources(as_dict(LBP), "Condition")
    # the display is the code's wording in 003 Bilag 4; the GP's text stays the concept's text
    assert icpc["code"] == {
        "coding": [
            {
                "system": "http://hl7.org/fhir/sid/icpc-2",
                "code": "L03",
                "display": "Symptom/klage fra lænd",
            }
        ],
        "text": "Lændesmerter",
    }
    (icd,) = resources(as_dict(CPL), "Condition")
    assert coding(icd["code"], "http://hl7.org/fhir/sid/icd-10") == {
        "system": "http://hl7.org/fhir/sid/icd-10",
        "code": "M51.1",
    }
    sks = coding(icd["code"], "urn:oid:1.2.208.176.2.4")
    assert sks["code"] == "DM511"
    assert sks["display"] == "Prolapsus disci intervertebralis lumbalis med radiculopati"
    assert icd["code"]["text"] == "Lumbal diskusprolaps med radikulopati"


@pytest.mark.parametrize("text", ["\x0b", "\x01\x1f", "Lænde\x0csmerter\x00", "\x85"])
def test_control_characters_in_typed_texts_still_give_a_valid_bundle(text: str) -> None:
    # the GP's diagnosis, the reason, a name: whatever was typed, the export stays valid FHIR
    referral = dataclasses.replace(LBP.referral, diagnosis_text=text, reason=text, gp_name=text)
    record = dataclasses.replace(LBP, referral=referral, clinician_name=text)
    out = bundle_json(record, text + "Brev", text)
    Bundle.model_validate_json(out)
    for bad in ("\\u000b", "\\u0001", "\\u001f", "\\u000c", "\\u0000", "\\u0085"):
        assert bad not in out
    (condition,) = resources(json.loads(out), "Condition")
    if "smerter" in text:
        assert condition["code"]["text"] == "Lændesmerter"


@pytest.mark.parametrize(
    ("system", "code", "icd10", "sks"),
    [
        ("ICD-10", "M54.5", "M54.5", "DM545"),
        ("ICD10", "m545", "M54.5", "DM545"),
        ("ICD-10", "DM51", "M51", "DM51"),
        # a Danish extension is no WHO code: SKS only
        ("ICD-10", "DM511F", None, "DM511F"),
    ],
)
def test_icd10_codes_in_who_and_sks_form(
    system: str, code: str, icd10: str | None, sks: str
) -> None:
    assert CPL.referral is not None
    referral = dataclasses.replace(
        CPL.referral, diagnosis_system=system, diagnosis_code=code, diagnosis_text=""
    )
    (condition,) = resources(as_dict(dataclasses.replace(CPL, referral=referral)), "Condition")
    codes = {c["system"]: c["code"] for c in condition["code"]["coding"]}
    expected = {"urn:oid:1.2.208.176.2.4": sks}
    if icd10 is not None:
        expected["http://hl7.org/fhir/sid/icd-10"] = icd10
    assert codes == expected
    assert condition["code"]["text"] == code


def test_episode_of_care_status_period_pathway_and_links() -> None:
    lbp = as_dict(LBP)
    urls = by_url(lbp)
    (episode,) = resources(lbp, "EpisodeOfCare")
    assert episode["status"] == "finished"
    assert episode["period"] == {"start": "2024-03-04", "end": "2024-05-27"}
    assert coding(episode["type"][0], PATHWAY_SYSTEM) == {
        "system": PATHWAY_SYSTEM,
        "code": "LBP",
        "display": "Primære smerter i lænderyggen",
    }
    assert urls[episode["patient"]["reference"]]["resourceType"] == "Patient"
    assert urls[episode["diagnosis"][0]["condition"]["reference"]]["resourceType"] == "Condition"
    referral = urls[episode["referralRequest"][0]["reference"]]
    assert referral["resourceType"] == "ServiceRequest"
    assert referral["authoredOn"] == "2024-02-26"
    assert referral["requester"]["identifier"] == {"system": YDERNUMMER, "value": "054321"}

    (active,) = resources(as_dict(CPL), "EpisodeOfCare")
    assert active["status"] == "active"
    assert active["period"] == {"start": "2024-04-02"}
    waiting = dataclasses.replace(CPL, start_date=None, services=(), scores=())
    assert resources(as_dict(waiting), "EpisodeOfCare")[0]["status"] == "waitlist"


# -- service lines ----------------------------------------------------------------------


def test_one_encounter_and_one_charge_item_per_service_line() -> None:
    bundle = as_dict(LBP)
    urls = by_url(bundle)
    encounters = resources(bundle, "Encounter")
    charges = resources(bundle, "ChargeItem")
    assert len(encounters) == len(charges) == len(LBP.services) == 5
    expected = {
        "0261": ("Supplerende indledende konsultation (primære smerter i lænderyggen)", 1),
        "0264": ("Holdkonsultation: Superviseret træning (primære smerter i lænderyggen)", 1),
        "2001": ("Afstandstillæg", 3),
        "0269": ("Individuel konsultation: Manuel behandling", 1),
        "0267": ("Afsluttende konsultation (primære smerter i lænderyggen)", 1),
    }
    for line, charge in zip(LBP.services, charges, strict=True):
        label, quantity = expected[line.code]
        code = coding(charge["code"], SERVICE_SYSTEM)
        assert (code["code"], code["display"]) == (line.code, label)
        assert charge["quantity"] == {"value": quantity}
        assert charge["occurrenceDateTime"] == line.date.isoformat()
        assert charge["status"] == "billable"
        assert charge["identifier"][0]["value"] == line.id
        encounter = urls[charge["context"]["reference"]]
        assert encounter["resourceType"] == "Encounter"
        assert coding(encounter["type"][0], SERVICE_SYSTEM)["code"] == line.code
        assert encounter["period"] == {"start": line.date.isoformat(), "end": line.date.isoformat()}
        assert encounter["status"] == "finished"
    (team,) = [e for e in encounters if coding(e["type"][0], SERVICE_SYSTEM)["code"] == "0264"]
    assert team["extension"][0]["valueInteger"] == 8
    (warned,) = [c for c in charges if "note" in c]
    assert warned["note"] == [{"text": "aftalt"}]


# -- questionnaires and scores ----------------------------------------------------------


def test_observation_per_score_with_value_unit_and_its_questionnaire_response() -> None:
    bundle = as_dict(LBP)
    urls = by_url(bundle)
    observations = resources(bundle, "Observation")
    assert len(observations) == len(LBP.scores) == 5
    for score, obs in zip(LBP.scores, observations, strict=True):
        instrument = score.instrument.lower()
        assert coding(obs["code"], INSTRUMENT_SYSTEM)["code"] == instrument
        assert obs["valueQuantity"]["value"] == float(score.score)
        assert obs["valueQuantity"]["unit"] == score.unit
        assert obs["effectiveDateTime"] == score.date.isoformat()
        (source,) = obs["derivedFrom"]
        response = urls[source["reference"]]
        assert response["resourceType"] == "QuestionnaireResponse"
        assert response["questionnaire"] == f"https://forlob.dk/fhir/Questionnaire/{instrument}"
        assert response["identifier"]["value"] == f"{score.round_id}/{instrument}"
        assert response["authored"] == score.date.isoformat()
        assert response["status"] == "completed"
    odi = [o for o in observations if coding(o["code"], INSTRUMENT_SYSTEM)["code"] == "odi"]
    assert [o["valueQuantity"]["value"] for o in odi] == [35.6, 13.3]
    assert odi[0]["valueQuantity"]["code"] == "%"


def test_questionnaire_response_items_hold_the_answers() -> None:
    responses = {
        r["identifier"]["value"]: r for r in resources(as_dict(LBP), "QuestionnaireResponse")
    }
    assert set(responses) == {"r1/nprs", "r1/odi", "r1/psfs", "r2/nprs", "r2/odi"}
    odi = responses["r1/odi"]["item"]
    # the skipped section (sex life) is left out, the others keep their position's id
    assert len(odi) == 9
    assert "sex_life" not in [i["linkId"] for i in odi]
    assert odi[0]["linkId"] == "pain_intensity"
    assert [i["answer"][0]["valueInteger"] for i in odi] == [a for a in ODI_1 if a is not None]
    assert responses["r2/nprs"]["item"][0]["answer"] == [{"valueInteger": 3}]
    psfs = responses["r1/psfs"]["item"]
    assert [(i["linkId"], i["text"]) for i in psfs] == [
        ("activity-1", "Gå tur med hunden"),
        ("activity-2", "Støvsuge"),
    ]


def test_functional_test_is_an_exam_observation_without_questionnaire_response() -> None:
    bundle = as_dict(CPL)
    assert len(resources(bundle, "QuestionnaireResponse")) == 1  # NPRS only
    (sts,) = [
        o
        for o in resources(bundle, "Observation")
        if coding(o["code"], INSTRUMENT_SYSTEM)["code"] == "sts30"
    ]
    assert "derivedFrom" not in sts
    assert sts["category"][0]["coding"][0]["code"] == "exam"
    assert sts["valueQuantity"] == {
        "value": 9,
        "unit": "count",
        "system": "http://unitsofmeasure.org",
        "code": "{count}",
    }


# -- plan -------------------------------------------------------------------------------


def test_care_plan_has_one_activity_per_plan_entry_with_mapped_status() -> None:
    bundle = as_dict(LBP)
    urls = by_url(bundle)
    (plan,) = resources(bundle, "CarePlan")
    activities = plan["activity"]
    assert len(activities) == len(LBP.plan) == 6
    status = {
        entry.key: a["detail"]["status"] for entry, a in zip(LBP.plan, activities, strict=True)
    }
    assert status == {
        "questionnaire:start": "completed",
        "start": "completed",
        "closing": "completed",
        "follow-up-1": "not-started",  # overdue
        "follow-up-2": "cancelled",  # unreachable
        "follow-up-3": "not-started",  # upcoming
    }
    overdue = activities[3]["detail"]
    assert overdue["statusReason"]["coding"][0]["code"] == "overdue"
    assert overdue["scheduledPeriod"] == {"start": "2024-08-12", "end": "2024-09-09"}
    assert coding(overdue["code"], SERVICE_SYSTEM)["code"] == "0268"
    assert activities[4]["detail"]["scheduledPeriod"] == {"start": "2025-03-01"}
    assert activities[0]["detail"]["code"] == {"text": "Spørgeskema (NPRS, ODI, PSFS) før start"}
    # a done consultation points at the encounter that did it
    done = urls[activities[2]["outcomeReference"][0]["reference"]]
    assert done["resourceType"] == "Encounter"
    assert done["period"]["start"] == "2024-05-27"


def test_no_care_plan_without_plan_entries() -> None:
    assert resources(as_dict(CPL), "CarePlan") == []


# -- the letter -------------------------------------------------------------------------


def test_composition_only_with_a_letter() -> None:
    assert resources(as_dict(LBP), "Composition") == []
    assert resources(as_dict(LBP, letter_text="  \n "), "Composition") == []
    (letter,) = resources(as_dict(LBP, letter_text=LETTER, letter_title="Brev"), "Composition")
    assert coding(letter["type"], "http://loinc.org") == {
        "system": "http://loinc.org",
        "code": "18842-5",
        "display": "Discharge summary",
    }
    assert letter["title"] == "Brev"
    assert letter["date"] == "2024-05-27"  # the closing date


def test_letter_narrative_is_escaped_xhtml() -> None:
    (letter,) = resources(as_dict(LBP, letter_text=LETTER), "Composition")
    div = letter["section"][0]["text"]["div"]
    assert "<script>" not in div
    assert "&lt;script&gt;" in div
    root = ET.fromstring(div)  # well-formed XHTML
    assert root.tag == "{http://www.w3.org/1999/xhtml}div"
    assert not list(root.iter("{http://www.w3.org/1999/xhtml}script"))
    paragraphs = root.findall("{http://www.w3.org/1999/xhtml}p")
    assert len(paragraphs) == 2
    assert "".join(paragraphs[1].itertext()) == (
        'Forløbet er afsluttet & <script>alert("x")</script>Venlig hilsen'
    )


def test_letter_date_falls_back_to_the_latest_registered_date() -> None:
    (letter,) = resources(as_dict(CPL, letter_text="Status"), "Composition")
    assert letter["date"] == "2024-04-30"
    (dated,) = resources(
        as_dict(CPL, letter_text="Status", letter_date=d(2024, 5, 1)), "Composition"
    )
    assert dated["date"] == "2024-05-01"


# -- no Django --------------------------------------------------------------------------


def test_module_imports_without_django() -> None:
    code = "import sys, forlob.fhir; assert 'django' not in sys.modules, 'django imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
