"""Clinical and billing decisions as data-driven helpers (no Django, no I/O beyond the data).

- triage: group 1/2/3, urgency, eligibility, pathways, risk and next steps (seed 003)
- code choice: first exam 1015/1016/1017, follow-up 1035/1036/1037, conference 1024 fee (004)
- waiting time from referral to first visit (003 §4.5)
- diagnosis codes to groups (003 Bilag 4)

Every threshold and text is in `data/*.toml` with its source section, validated at load.
"""

from __future__ import annotations

from forlob.decision._data import DecisionDataError
from forlob.decision.code_choice import (
    ConferenceFee,
    FollowUpChoice,
    conference_fee,
    first_exam_code,
    follow_up_choice,
    follow_up_code,
    transport_fee,
)
from forlob.decision.diagnosis import (
    DiagnosisMatch,
    lookup_diagnosis,
    normalise_icd10,
    referral_diagnosis,
    suggest_group,
)
from forlob.decision.triage import (
    INPUT_KEYS,
    Action,
    TriageInput,
    TriageInputError,
    TriageResult,
    parse_triage_input,
    triage,
)
from forlob.decision.waiting import WaitingTime, waiting_time

__all__ = [
    "INPUT_KEYS",
    "Action",
    "ConferenceFee",
    "DecisionDataError",
    "DiagnosisMatch",
    "FollowUpChoice",
    "TriageInput",
    "TriageInputError",
    "TriageResult",
    "WaitingTime",
    "conference_fee",
    "first_exam_code",
    "follow_up_choice",
    "follow_up_code",
    "lookup_diagnosis",
    "normalise_icd10",
    "parse_triage_input",
    "referral_diagnosis",
    "suggest_group",
    "transport_fee",
    "triage",
    "waiting_time",
]
