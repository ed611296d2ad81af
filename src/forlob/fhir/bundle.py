"""Build the FHIR R4B bundle of one course (see the package docstring for the mapping)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import uuid
from collections.abc import Iterable
from typing import TypeVar, cast

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.chargeitem import ChargeItem, ChargeItemPerformer
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.composition import Composition, CompositionSection
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.encounter import Encounter, EncounterParticipant
from fhir.resources.R4B.episodeofcare import EpisodeOfCare, EpisodeOfCareDiagnosis
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.narrative import Narrative
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest

from forlob.catalogue import Catalogue, load_catalogue
from forlob.course_record import CourseRecord, PlanEntry, ReferralInfo, ScoreEntry, ServiceEntry
from forlob.decision.diagnosis import lookup_diagnosis, normalise_icd10
from forlob.fhir.systems import (
    ACT_CODE_SYSTEM,
    CONDITION_CATEGORY_SYSTEM,
    COURSE_ID_SYSTEM,
    CPR_SYSTEM,
    FORLOB_NAMESPACE,
    ICD10_SYSTEM,
    ICPC2_SYSTEM,
    INSTRUMENT_SYSTEM,
    LOINC_SYSTEM,
    OBSERVATION_CATEGORY_SYSTEM,
    PATHWAY_SYSTEM,
    PATIENT_ID_SYSTEM,
    PLAN_STATE_SYSTEM,
    QUESTIONNAIRE_BASE,
    ROUND_ID_SYSTEM,
    SERVICE_CODE_SYSTEM,
    SERVICE_LINE_SYSTEM,
    SKS_SYSTEM,
    TEAM_SIZE_EXTENSION,
    UCUM_SYSTEM,
    YDERNUMMER_SYSTEM,
)
from forlob.prom import Instrument, InstrumentDataError, load_instrument

__all__ = ["ACTIVITY_STATUS", "bundle_json", "course_bundle", "resource_uuid"]

# Plan state → CarePlan.activity.detail.status. forlob plans, it does not book: FHIR's
# "scheduled" means an appointment has been booked, so items not yet done are "not-started".
# An overdue item stays "not-started" (it can still be registered, late, with a rule warning;
# "on-hold" would claim someone paused it); the plan-state coding in statusReason keeps
# open/upcoming/overdue apart. An unreachable item can no longer happen: "cancelled".
ACTIVITY_STATUS: dict[str, str] = {
    "done": "completed",
    "open": "not-started",
    "upcoming": "not-started",
    "overdue": "not-started",
    "unreachable": "cancelled",
}

_PLAN_STATE_DISPLAY = {
    "done": "Udført",
    "open": "Åben",
    "upcoming": "Kommende",
    "overdue": "Overskredet",
    "unreachable": "Kan ikke nås",
}

# forlob's score units → UCUM (annotations in braces are unity in UCUM)
_UCUM = {"%": "%", "seconds": "s", "points": "{score}", "count": "{count}"}

_ICD10_WHO = re.compile(r"^[A-Z]\d{2}\d?$")
# characters XML 1.0 forbids (a narrative is XHTML)
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XHTML_NS = "http://www.w3.org/1999/xhtml"
# FHIR's string is `[ \r\n\t\S]+` (R4B datatypes): whitespace other than these four is not
# allowed in it (a text of a vertical tab alone is no FHIR string)
_NOT_FHIR_SPACE = re.compile(r"[^\S \r\n\t]")

T = TypeVar("T")


def resource_uuid(resource_type: str, key: str) -> uuid.UUID:
    """The stable uuid of a resource: uuid5 of forlob's namespace and "<Type>/<key>"."""
    return uuid.uuid5(FORLOB_NAMESPACE, f"{resource_type}/{key}")


def course_bundle(
    record: CourseRecord,
    letter_text: str | None = None,
    letter_title: str | None = None,
    *,
    letter_date: dt.date | None = None,
) -> Bundle:
    """The course as a FHIR R4B collection bundle (validated by `fhir.resources` as it is built).

    The letter becomes a Composition only when `letter_text` holds text; `letter_date` dates it
    (default: the closing date, else the course's latest registered date).
    """
    return _Builder(_fhir_texts(record), load_catalogue()).build(
        None if letter_text is None else _fhir_texts(letter_text),
        None if letter_title is None else _fhir_texts(letter_title),
        letter_date,
    )


def bundle_json(
    record: CourseRecord,
    letter_text: str | None = None,
    letter_title: str | None = None,
    *,
    letter_date: dt.date | None = None,
) -> str:
    """`course_bundle` as pretty JSON (two-space indent, UTF-8 text, no nulls)."""
    bundle = course_bundle(record, letter_text, letter_title, letter_date=letter_date)
    return bundle.model_dump_json(indent=2)


# -- small helpers -------------------------------------------------------------------------


def _fhir_texts(value: T) -> T:
    """`value` with every text in it fit for FHIR: the control characters XML forbids dropped,
    other whitespace made a space, the ends trimmed. Texts typed into the clinic app (or an
    import) can hold them; the bundle must still be valid FHIR."""
    if isinstance(value, str):
        return cast(T, _NOT_FHIR_SPACE.sub(" ", _XML_FORBIDDEN.sub("", value)).strip())
    if isinstance(value, tuple):
        return cast(T, tuple(_fhir_texts(v) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _fhir_texts(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return cast(T, dataclasses.replace(value, **changes))
    return value


def _human_name(full: str) -> HumanName | None:
    """Family name = the last word, given names = the words before it; `text` keeps it whole."""
    parts = full.split()
    if not parts:
        return None
    return HumanName(text=" ".join(parts), family=parts[-1], given=parts[:-1] or None)


def _concept(
    system: str, code: str, display: str | None, text: str | None = None
) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=system, code=code, display=display or None)], text=text or None
    )


def _period(start: dt.date | None, end: dt.date | None) -> Period | None:
    if start is None and end is None:
        return None
    return Period(start=start, end=end)


def _xhtml(text: str) -> str:
    """Plain text as an XHTML narrative div: paragraphs at blank lines, escaped throughout."""
    clean = _XML_FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", clean) if p.strip()]
    body = "".join(
        "<p>" + "<br/>".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    return f'<div xmlns="{_XHTML_NS}">{body}</div>'


def _instrument(name: str) -> Instrument | None:
    try:
        return load_instrument(name)
    except InstrumentDataError:
        return None


def _instrument_code(name: str, instrument: Instrument | None) -> str:
    if instrument is not None:
        return instrument.id
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-") or "unknown"


def _is_questionnaire(score: ScoreEntry, instrument: Instrument | None) -> bool:
    """Questionnaires get a QuestionnaireResponse; functional tests are plain measurements."""
    if instrument is not None:
        return instrument.kind != "performance"
    return bool(score.answers)


def _diagnosis_codings(referral: ReferralInfo) -> list[Coding]:
    """The referral's code in its system(s); displays from 003 Bilag 4 for a code it lists.

    The referral's own diagnosis text is the concept's `text`, not a coding's display: a
    display is the code system's wording.
    """
    code = referral.diagnosis_code.strip()
    if not code:
        return []
    system = re.sub(r"[\s-]", "", referral.diagnosis_system).upper()
    if system == "ICPC":
        code = code.upper()
        match = lookup_diagnosis(code, "icpc")
        display = match.label_da if match is not None and match.code == code else None
        return [Coding(system=ICPC2_SYSTEM, code=code, display=display)]
    if system == "ICD10":
        norm = normalise_icd10(code)
        match = lookup_diagnosis(norm, "icd10")
        exact = match is not None and normalise_icd10(match.code) == norm
        codings = []
        if _ICD10_WHO.match(norm):
            who = norm if len(norm) == 3 else f"{norm[:3]}.{norm[3:]}"
            codings.append(Coding(system=ICD10_SYSTEM, code=who))
        sks_display = match.label_da if match is not None and exact else None
        codings.append(Coding(system=SKS_SYSTEM, code=f"D{norm}", display=sks_display))
        return codings
    return []


# -- the builder ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, record: CourseRecord, catalogue: Catalogue) -> None:
        self.record = record
        self.cat = catalogue
        self.entries: list[BundleEntry] = []
        self.keys: set[str] = set()

    # -- ids and references ------------------------------------------------------------
    def _course_key(self, *parts: str) -> str:
        return "/".join(("course", self.record.id, *parts))

    def _unique(self, resource_type: str, key: str) -> str:
        """The key, suffixed when the record repeats it (e.g. two scores of one round)."""
        candidate, n = key, 1
        while f"{resource_type}/{candidate}" in self.keys:
            n += 1
            candidate = f"{key}#{n}"
        return candidate

    def _add(self, resource: Resource, key: str) -> Reference:
        """Give `resource` its stable id, add it to the bundle and return a reference to it."""
        resource_type = resource.get_resource_type()
        key = self._unique(resource_type, key)
        self.keys.add(f"{resource_type}/{key}")
        rid = resource_uuid(resource_type, key)
        resource.id = str(rid)
        url = f"urn:uuid:{rid}"
        self.entries.append(BundleEntry(fullUrl=url, resource=resource))
        return Reference(reference=url)

    # -- the bundle --------------------------------------------------------------------
    def build(
        self, letter_text: str | None, letter_title: str | None, letter_date: dt.date | None
    ) -> Bundle:
        r = self.record
        self.patient = self._patient()
        self.org = self._organization()
        self.practitioner = self._practitioner()
        self.condition = self._condition()
        self.referral = self._service_request()
        self.episode = self._episode()
        self.encounters: dict[str, Reference] = {}
        for line in r.services:
            self._service_line(line)
        for score in r.scores:
            self._score(score)
        self._care_plan()
        if letter_text is not None and letter_text.strip():
            self._composition(letter_text, letter_title, letter_date)
        return Bundle(
            id=str(resource_uuid("Bundle", self._course_key())),
            identifier=Identifier(system=COURSE_ID_SYSTEM, value=r.id),
            type="collection",
            entry=self.entries,
        )

    def _pathway_concept(self) -> CodeableConcept:
        r = self.record
        pathway = self.cat.pathways.get(r.pathway)
        display = pathway.name_da if pathway is not None else r.pathway_name
        return _concept(PATHWAY_SYSTEM, r.pathway, display, r.pathway_name)

    def _service_concept(self, code: str, label: str) -> CodeableConcept:
        known = self.cat.codes.get(code)
        display = known.label_da if known is not None else label
        return _concept(SERVICE_CODE_SYSTEM, code, display, label or display)

    def _answerer(self, answered_by: str) -> Reference:
        if answered_by == "patient":
            return self.patient
        return self.practitioner or self.org

    # -- who ---------------------------------------------------------------------------
    def _patient(self) -> Reference:
        p = self.record.patient
        cpr = re.sub(r"[\s-]", "", p.cpr)
        telecom = [
            ContactPoint(system=system, value=value)
            for system, value in (("phone", p.phone), ("email", p.email))
            if value
        ]
        name = _human_name(p.name)
        identifiers = [
            Identifier(system=system, value=value)
            for system, value in ((CPR_SYSTEM, cpr), (PATIENT_ID_SYSTEM, p.id))
            if value
        ]
        patient = Patient(
            identifier=identifiers or None,
            name=[name] if name else None,
            birthDate=p.birth_date,
            telecom=telecom or None,
        )
        return self._add(patient, p.id)

    def _organization(self) -> Reference:
        c = self.record.clinic
        org = Organization(
            identifier=(
                [Identifier(system=YDERNUMMER_SYSTEM, value=c.provider_id)]
                if c.provider_id
                else None
            ),
            name=c.name or None,
            telecom=[ContactPoint(system="phone", value=c.phone)] if c.phone else None,
            address=[Address(text=c.address)] if c.address else None,
        )
        return self._add(org, c.provider_id or c.name)

    def _practitioner(self) -> Reference | None:
        name = _human_name(self.record.clinician_name)
        if name is None:
            return None
        clinic = self.record.clinic
        key = f"{clinic.provider_id or clinic.name}/{name.text}"
        return self._add(Practitioner(name=[name]), key)

    # -- the referral and the course ---------------------------------------------------
    def _condition(self) -> Reference | None:
        ref = self.record.referral
        if ref is None or not (ref.diagnosis_code.strip() or ref.diagnosis_text.strip()):
            return None
        codings = _diagnosis_codings(ref)
        condition = Condition(
            category=[_concept(CONDITION_CATEGORY_SYSTEM, "encounter-diagnosis", None)],
            code=CodeableConcept(
                coding=codings or None,
                text=ref.diagnosis_text or ref.diagnosis_code,
            ),
            subject=self.patient,
            recordedDate=ref.date,
            asserter=Reference(display=ref.gp_name) if ref.gp_name else None,
        )
        return self._add(condition, self._course_key("referral-diagnosis"))

    def _service_request(self) -> Reference | None:
        ref = self.record.referral
        if ref is None:
            return None
        requester = None
        if ref.gp_name or ref.gp_provider_id:
            requester = Reference(
                display=ref.gp_name or None,
                identifier=(
                    Identifier(system=YDERNUMMER_SYSTEM, value=ref.gp_provider_id)
                    if ref.gp_provider_id
                    else None
                ),
            )
        request = ServiceRequest(
            status="completed" if self.record.status == "closed" else "active",
            intent="order",
            code=self._pathway_concept(),
            subject=self.patient,
            authoredOn=ref.date,
            requester=requester,
            performer=[self.org],
            reasonReference=[self.condition] if self.condition else None,
            note=[Annotation(text=ref.reason)] if ref.reason else None,
        )
        return self._add(request, self._course_key("referral"))

    def _episode(self) -> Reference:
        r = self.record
        if r.status == "closed":
            status = "finished"
        elif r.start_date is None:
            status = "waitlist"
        else:
            status = "active"
        episode = EpisodeOfCare(
            identifier=[Identifier(system=COURSE_ID_SYSTEM, value=r.id)],
            status=status,
            type=[self._pathway_concept()],
            diagnosis=(
                [EpisodeOfCareDiagnosis(condition=self.condition, rank=1)]
                if self.condition
                else None
            ),
            patient=self.patient,
            managingOrganization=self.org,
            period=_period(r.start_date, r.end_date),
            referralRequest=[self.referral] if self.referral else None,
            careManager=self.practitioner,
        )
        return self._add(episode, self._course_key())

    # -- service lines -----------------------------------------------------------------
    def _service_line(self, line: ServiceEntry) -> None:
        concept = self._service_concept(line.code, line.label)
        known = self.cat.codes.get(line.code)
        remote = known is not None and known.role == "remote_consultation"
        identifier = [Identifier(system=SERVICE_LINE_SYSTEM, value=line.id)]
        encounter = Encounter(
            identifier=identifier,
            status="finished",
            class_fhir=Coding(
                system=ACT_CODE_SYSTEM,
                code="VR" if remote else "AMB",
                display="virtual" if remote else "ambulatory",
            ),
            type=[concept],
            subject=self.patient,
            episodeOfCare=[self.episode],
            participant=(
                [EncounterParticipant(individual=self.practitioner)] if self.practitioner else None
            ),
            period=Period(start=line.date, end=line.date),
            serviceProvider=self.org,
            extension=(
                [Extension(url=TEAM_SIZE_EXTENSION, valueInteger=line.team_size)]
                if line.team_size is not None
                else None
            ),
        )
        key = self._course_key("service", line.id)
        encounter_ref = self._add(encounter, key)
        self.encounters.setdefault(f"{line.date.isoformat()}/{line.code}", encounter_ref)
        charge = ChargeItem(
            identifier=identifier,
            status="billable",
            code=concept,
            subject=self.patient,
            context=encounter_ref,
            occurrenceDateTime=line.date,
            performer=(
                [ChargeItemPerformer(actor=self.practitioner)] if self.practitioner else None
            ),
            performingOrganization=self.org,
            quantity=Quantity(value=line.quantity),
            note=[Annotation(text=line.warning_reason)] if line.warning_reason else None,
        )
        self._add(charge, key)

    # -- questionnaires and tests ------------------------------------------------------
    def _score(self, score: ScoreEntry) -> None:
        instrument = _instrument(score.instrument)
        code = _instrument_code(score.instrument, instrument)
        key = self._course_key("round", score.round_id, code)
        derived_from = None
        if _is_questionnaire(score, instrument):
            response = QuestionnaireResponse(
                identifier=Identifier(system=ROUND_ID_SYSTEM, value=f"{score.round_id}/{code}"),
                questionnaire=f"{QUESTIONNAIRE_BASE}/{code}",
                status="completed",
                subject=self.patient,
                authored=score.date,
                author=self._answerer(score.answered_by),
                source=self.patient if score.answered_by == "patient" else None,
                item=_response_items(score, instrument) or None,
            )
            derived_from = [self._add(response, key)]
        unit_code = _UCUM.get(score.unit)
        display = instrument.name_da if instrument is not None else score.instrument
        text = instrument.abbreviation if instrument is not None else score.instrument
        category = "survey" if derived_from else "exam"
        observation = Observation(
            status="final",
            category=[_concept(OBSERVATION_CATEGORY_SYSTEM, category, category.capitalize())],
            code=_concept(INSTRUMENT_SYSTEM, code, display, text),
            subject=self.patient,
            effectiveDateTime=score.date,
            performer=[self._answerer(score.answered_by)],
            valueQuantity=Quantity(
                value=score.score,
                unit=score.unit,
                system=UCUM_SYSTEM if unit_code else None,
                code=unit_code,
            ),
            derivedFrom=derived_from,
        )
        self._add(observation, key)

    # -- the plan ----------------------------------------------------------------------
    def _care_plan(self) -> None:
        r = self.record
        if not r.plan:
            return
        plan = CarePlan(
            status="completed" if r.status == "closed" else "active",
            intent="plan",
            title=f"Plan for {r.pathway_name}" if r.pathway_name else None,
            category=[self._pathway_concept()],
            subject=self.patient,
            period=_period(r.start_date, r.end_date),
            author=self.org,
            addresses=[self.condition] if self.condition else None,
            activity=[self._activity(item) for item in r.plan],
        )
        self._add(plan, self._course_key("plan"))

    def _activity(self, item: PlanEntry) -> CarePlanActivity:
        if item.code is not None:
            code = self._service_concept(item.code, item.label)
        else:
            code = CodeableConcept(text=item.label)
        start = item.earliest if item.earliest is not None else item.target
        end = item.latest if item.latest is not None else item.target
        outcome = None
        if item.state == "done" and item.code is not None and item.done_on is not None:
            found = self.encounters.get(f"{item.done_on.isoformat()}/{item.code}")
            outcome = [found] if found is not None else None
        return CarePlanActivity(
            outcomeReference=outcome,
            detail=CarePlanActivityDetail(
                kind="Appointment" if item.kind == "consultation" else "Task",
                code=code,
                status=ACTIVITY_STATUS.get(item.state, "unknown"),
                statusReason=_concept(
                    PLAN_STATE_SYSTEM, item.state, _PLAN_STATE_DISPLAY.get(item.state)
                ),
                scheduledPeriod=_period(start, end),
                description=item.label or None,
            ),
        )

    # -- the letter --------------------------------------------------------------------
    def _composition(self, text: str, title: str | None, date: dt.date | None) -> None:
        title = title or "Epikrise"
        date = date or self._letter_date()
        section = CompositionSection(
            title=title,
            text=Narrative(status="additional", div=_xhtml(text)),
        )
        composition = Composition(
            status="final",
            type=_concept(LOINC_SYSTEM, "18842-5", "Discharge summary"),
            subject=self.patient,
            date=date,
            author=[self.practitioner or self.org],
            title=title,
            custodian=self.org,
            section=[section],
        )
        self._add(composition, self._course_key("letter", title))

    def _letter_date(self) -> dt.date:
        r = self.record
        if r.end_date is not None:
            return r.end_date
        dates: Iterable[dt.date | None] = (
            *(s.date for s in r.services),
            *(s.date for s in r.scores),
            r.start_date,
            r.referral.date if r.referral else None,
        )
        known = [d for d in dates if d is not None]
        if not known:
            raise ValueError(f"course {r.id}: the letter needs a date (pass letter_date)")
        return max(known)


def _response_items(
    score: ScoreEntry, instrument: Instrument | None
) -> list[QuestionnaireResponseItem]:
    """One item per answered question; unanswered questions are left out, as FHIR asks."""
    items = instrument.items if instrument is not None else ()
    activities = instrument is not None and instrument.kind == "activities"
    out = []
    for i, answer in enumerate(score.answers):
        if answer is None:
            continue
        if activities:
            link_id = f"{items[0].id}-{i + 1}"
            text = score.activities[i] if i < len(score.activities) else None
        elif i < len(items):
            link_id, text = items[i].id, items[i].title_da
        else:
            link_id, text = f"item-{i + 1}", None
        out.append(
            QuestionnaireResponseItem(
                linkId=link_id,
                text=text,
                answer=[QuestionnaireResponseItemAnswer(valueInteger=answer)],
            )
        )
    return out
