"""A course as a FHIR R4B bundle, built and validated with `fhir.resources` (no Django).

`course_bundle(record)` maps a `forlob.course_record.CourseRecord` to a Bundle;
`bundle_json(record)` gives its pretty JSON. The identifier and code systems are in
`forlob.fhir.systems`.

Bundle type
    "collection": an export of what the clinic registered. A "document" bundle is an attested,
    immutable clinical document that must open with a Composition, carry an identifier and a
    timestamp, and reference its content from that Composition; the letter is optional here and
    a timestamp would make the output depend on the clock. The bundle's identifier is the
    course id (system `COURSE_ID_SYSTEM`).

Ids and references
    Every resource's id is uuid5(`FORLOB_NAMESPACE`, "<Type>/<key>") and its entry's fullUrl is
    "urn:uuid:<that uuid>"; references inside the bundle use the fullUrls. The key is the
    patient's forlob id for the Patient, the ydernummer for the Organization, ydernummer and
    name for the Practitioner, and the course id plus the record's own ids (service line id,
    questionnaire round id and instrument, …) for everything else. So the same record always
    gives byte-identical JSON, the same patient or clinic has the same id in every course's
    bundle, and a course's own resources differ from every other course's.

Mapping
    - Patient: the CPR number (`CPR_SYSTEM`, DK-core) and forlob's patient id as identifiers;
      name split into family (the last word) and given names, with the full name as `text`;
      birthDate; phone and e-mail.
    - Organization: the clinic, ydernummer as identifier (`YDERNUMMER_SYSTEM`, the DK-core
      OID); Practitioner only when the record names the clinician.
    - Condition (when the referral has a diagnosis): ICPC codes as ICPC-2
      (`http://hl7.org/fhir/sid/icpc-2`); ICD-10 codes ("M54.5", "M545" or SKS "DM545") as
      WHO ICD-10 ("M54.5", `http://hl7.org/fhir/sid/icd-10`) when the code is a WHO code, and
      always as the Danish SKS code ("DM545", `urn:oid:1.2.208.176.2.4`, the SKS OID, which is
      not an ICPC system); the referral's diagnosis text as `code.text`; the GP as asserter.
    - ServiceRequest: the referral (date, GP by name and ydernummer as a logical reference,
      reason as a note, reasonReference the Condition), intent "order".
    - EpisodeOfCare: the course. status "finished" when closed, "waitlist" before it starts,
      "active" otherwise; type = the pathway (`PATHWAY_SYSTEM`, Danish name as display);
      period start..closing date; diagnosis = the Condition; referralRequest = the
      ServiceRequest; careManager = the clinician.
    - Encounter + ChargeItem per service line, both identified by the line id and coded with
      the service code (`SERVICE_CODE_SYSTEM`, the catalogue's Danish label as display, the
      line's label as text). The Encounter is "finished", class AMB (VR for the catalogue's
      remote consultations), period = the date, team size as an extension. The ChargeItem is
      "billable" (forlob does not know whether the region has paid), quantity = the line's
      quantity, occurrenceDateTime = the date, context = its Encounter, a warning reason as
      a note.
    - QuestionnaireResponse per questionnaire answered in a round. A QuestionnaireResponse
      answers exactly one Questionnaire, so a round that sends NPRS, ODI and PSFS gives three,
      each with questionnaire `https://forlob.dk/fhir/Questionnaire/<instrument id>` and
      identifier "<round id>/<instrument id>" (`ROUND_ID_SYSTEM`). Items hold the answered
      questions (linkId = the instrument's item id; PSFS: "activity-<n>" with the patient's
      activity as text), answers as valueInteger; unanswered questions are left out.
    - Observation per score: code = the instrument (`INSTRUMENT_SYSTEM`), valueQuantity with
      the unit (UCUM where it has one: %, s, {score}, {count}), effectiveDateTime = the date,
      derivedFrom = that questionnaire's QuestionnaireResponse, category "survey". Functional
      tests (sit-to-stand, Biering-Sørensen) are measurements, not questionnaires: category
      "exam" and no QuestionnaireResponse.
    - CarePlan (when the record has a plan): one activity per plan entry, detail.code = the
      service code (or the entry's label for a questionnaire round), scheduledPeriod =
      earliest..latest (the target where a side is open), status from `ACTIVITY_STATUS`
      (done → completed, open/upcoming/overdue → not-started, unreachable → cancelled) and the
      plan state itself in statusReason (`PLAN_STATE_SYSTEM`); a done consultation's
      outcomeReference is the Encounter of that date and code.
    - Composition (only when letter text is given): the letter, type LOINC 18842-5 "Discharge
      summary", one section whose narrative is the text escaped into XHTML paragraphs.
"""

from __future__ import annotations

from forlob.fhir.bundle import ACTIVITY_STATUS, bundle_json, course_bundle, resource_uuid
from forlob.fhir.systems import (
    CPR_SYSTEM,
    FORLOB_NAMESPACE,
    ICD10_SYSTEM,
    ICPC2_SYSTEM,
    INSTRUMENT_SYSTEM,
    PATHWAY_SYSTEM,
    SERVICE_CODE_SYSTEM,
    SKS_SYSTEM,
    YDERNUMMER_SYSTEM,
)

__all__ = [
    "ACTIVITY_STATUS",
    "CPR_SYSTEM",
    "FORLOB_NAMESPACE",
    "ICD10_SYSTEM",
    "ICPC2_SYSTEM",
    "INSTRUMENT_SYSTEM",
    "PATHWAY_SYSTEM",
    "SERVICE_CODE_SYSTEM",
    "SKS_SYSTEM",
    "YDERNUMMER_SYSTEM",
    "bundle_json",
    "course_bundle",
    "resource_uuid",
]
