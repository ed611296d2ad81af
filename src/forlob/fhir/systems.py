"""Identifier and code systems of the FHIR export, national where one exists, forlob's otherwise.

National systems (DK-core / MedCom naming systems):

- `CPR_SYSTEM` — the Danish civil registration number (CPR), as DK-core's Patient profile has it.
- `YDERNUMMER_SYSTEM` — the provider number a clinic bills the regions under. DK-core's
  Organization profile fixes this OID for its Ydernummer slice, so the export uses it rather
  than a forlob URI: a receiving system can match the clinic without a mapping.
- `SKS_SYSTEM` — the Danish health classification (SKS); Danish ICD-10 diagnosis codes are
  its D-codes ("DM545"). Note that this OID is SKS, not ICPC.
- `ICPC2_SYSTEM`, `ICD10_SYSTEM` — HL7's canonical URIs for ICPC-2 and WHO ICD-10, the ones
  DK-core's value sets reference.

forlob's own systems live under `FORLOB_BASE` and are forlob's to define (no CodeSystem
resources are published for them yet): pathways, service codes (the catalogue's four-digit
codes with their Danish labels), instruments (the ids of `forlob.prom`), plan states, and the
business identifiers of courses, patients, service lines and questionnaire rounds.
"""

from __future__ import annotations

import uuid

__all__ = [
    "ACT_CODE_SYSTEM",
    "CONDITION_CATEGORY_SYSTEM",
    "OBSERVATION_CATEGORY_SYSTEM",
    "COURSE_ID_SYSTEM",
    "CPR_SYSTEM",
    "FORLOB_BASE",
    "FORLOB_NAMESPACE",
    "ICD10_SYSTEM",
    "ICPC2_SYSTEM",
    "INSTRUMENT_SYSTEM",
    "LOINC_SYSTEM",
    "PATHWAY_SYSTEM",
    "PATIENT_ID_SYSTEM",
    "PLAN_STATE_SYSTEM",
    "QUESTIONNAIRE_BASE",
    "ROUND_ID_SYSTEM",
    "SERVICE_CODE_SYSTEM",
    "SERVICE_LINE_SYSTEM",
    "SKS_SYSTEM",
    "TEAM_SIZE_EXTENSION",
    "UCUM_SYSTEM",
    "YDERNUMMER_SYSTEM",
]

# -- national ------------------------------------------------------------------------------
CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
YDERNUMMER_SYSTEM = "urn:oid:1.2.208.176.1.4"
SKS_SYSTEM = "urn:oid:1.2.208.176.2.4"
ICPC2_SYSTEM = "http://hl7.org/fhir/sid/icpc-2"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"

# -- international -------------------------------------------------------------------------
LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-category"

# -- forlob's own --------------------------------------------------------------------------
FORLOB_BASE = "https://forlob.dk/fhir"
PATHWAY_SYSTEM = f"{FORLOB_BASE}/CodeSystem/pathway"
SERVICE_CODE_SYSTEM = f"{FORLOB_BASE}/CodeSystem/service-code"
INSTRUMENT_SYSTEM = f"{FORLOB_BASE}/CodeSystem/instrument"
PLAN_STATE_SYSTEM = f"{FORLOB_BASE}/CodeSystem/plan-state"
QUESTIONNAIRE_BASE = f"{FORLOB_BASE}/Questionnaire"
COURSE_ID_SYSTEM = f"{FORLOB_BASE}/sid/course"
PATIENT_ID_SYSTEM = f"{FORLOB_BASE}/sid/patient"
SERVICE_LINE_SYSTEM = f"{FORLOB_BASE}/sid/service-line"
ROUND_ID_SYSTEM = f"{FORLOB_BASE}/sid/questionnaire-round"
TEAM_SIZE_EXTENSION = f"{FORLOB_BASE}/StructureDefinition/team-size"

# Every resource id and bundle fullUrl is uuid5(FORLOB_NAMESPACE, "<Type>/<key>").
FORLOB_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, FORLOB_BASE)
