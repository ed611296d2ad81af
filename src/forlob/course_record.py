"""A course as plain data: what letters, the FHIR export and reports read (no Django).

The web app builds a `CourseRecord` from its database (`forlob.web.documents`); tests and the CLI
can build one by hand. Everything here is immutable and carries no behaviour beyond look-ups,
so the documents made from it depend only on what the clinic registered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    provider_id: str  # ydernummer
    profession: str  # "physiotherapy" | "chiropractic"
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PatientInfo:
    id: str  # forlob's own id (never the CPR number)
    cpr: str  # ten digits, no dash
    name: str
    birth_date: dt.date
    email: str = ""
    phone: str = ""
    # consent to use questionnaire data beyond the journal (seed 000)
    consent_beyond_journal: bool = False


@dataclass(frozen=True)
class ReferralInfo:
    date: dt.date
    gp_name: str
    gp_provider_id: str = ""
    diagnosis_system: str = ""  # "ICPC" | "ICD-10"
    diagnosis_code: str = ""
    diagnosis_text: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ServiceEntry:
    """One registered service line of the course."""

    id: str
    date: dt.date
    code: str
    label: str
    team_size: int | None = None
    quantity: int = 1
    warning_reason: str = ""


@dataclass(frozen=True)
class ScoreEntry:
    """One scored questionnaire or functional test of the course."""

    round_id: str
    date: dt.date
    instrument: str  # "NPRS", "ODI", "NDI", "PSFS", …
    score: Decimal
    unit: str
    answers: tuple[int | None, ...] = ()
    # PSFS: the activities the patient named, in answer order
    activities: tuple[str, ...] = ()
    answered_by: str = "patient"  # "patient" | "clinician"


@dataclass(frozen=True)
class PlanEntry:
    """One planned item with its window, as shown on the course page."""

    key: str
    kind: str  # "consultation" | "questionnaire"
    code: str | None
    label: str
    target: dt.date | None
    earliest: dt.date | None
    latest: dt.date | None
    state: str  # "done" | "open" | "upcoming" | "overdue" | "unreachable"
    done_on: dt.date | None = None


@dataclass(frozen=True)
class LetterFields:
    """What the clinician writes into a letter that no registered data holds (003 §4.6)."""

    clinical_problem: str = ""
    patient_view: str = ""  # the patient's own view of the course
    treatment: str = ""  # treatment given, in the clinician's words
    findings: str = ""
    imaging: str = ""
    further_work_up: str = ""  # only when concrete (003 §4.6)
    information_given: str = ""
    status_text: str = ""


@dataclass(frozen=True)
class CourseRecord:
    id: str
    pathway: str  # "LBP", "NRL", …
    pathway_name: str
    profession: str
    # forlob.course's registered start and course end (the closing consultation or last
    # status that ended it); None while not registered
    start_date: dt.date | None
    end_date: dt.date | None
    clinic: ClinicInfo
    patient: PatientInfo
    referral: ReferralInfo | None
    clinician_name: str = ""
    services: tuple[ServiceEntry, ...] = ()
    scores: tuple[ScoreEntry, ...] = ()
    plan: tuple[PlanEntry, ...] = ()
    letter: LetterFields = field(default_factory=LetterFields)
    status: str = "active"  # "active" | "closed"

    def scores_of(self, instrument: str) -> tuple[ScoreEntry, ...]:
        """The scores of one instrument in date order."""
        return tuple(
            sorted((s for s in self.scores if s.instrument == instrument), key=lambda s: s.date)
        )

    @property
    def instruments(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in sorted(self.scores, key=lambda s: s.date):
            seen.setdefault(s.instrument, None)
        return tuple(seen)
