"""Triage of a low-back (or neck/thoracic) patient by the Region Hovedstaden programme (003).

Group 1/2/3 (003 §3.1 Gruppeinddeling), acute/subacute referral (003 §3.3 T = 0 and Bilag 3),
eligibility for the programme (003 §2.1 Boks 2), the structured pathways the group leads to, the
risk of a long course (003 Boks 4, §3.2) and the next steps of the primary-care timeline
(003 §3.3). Every threshold and text comes from `data/triage.toml` with its source section.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, ValidationError, model_validator

from forlob.decision._data import DecisionDataError, Frozen, Source, Text, load_file

__all__ = [
    "COURSE_STATUSES",
    "INPUT_KEYS",
    "NERVE_ROOT_SIGNS",
    "RED_FLAGS",
    "REGIONS",
    "RISK_FACTORS",
    "Action",
    "TriageInput",
    "TriageInputError",
    "TriageResult",
    "TriageRules",
    "load_triage_rules",
    "parse_triage_input",
    "triage",
]

Region = Literal["low_back", "neck", "thoracic"]
RedFlag = Literal[
    "affected_general_condition",
    "night_pain",
    "no_rest_relief",
    "previous_malignancy",
    "prednisolone",
    "fever",
    "weight_loss",
]
RiskFactor = Literal[
    "strong_pain",
    "strongly_reduced_activity",
    "many_pain_sites",
    "leg_pain",
    "high_age",
    "worry",
    "depression",
    "fear_of_movement",
    "poor_work_environment",
]
CourseStatus = Literal["better", "unchanged", "worse", "unacceptable"]
# the group 2 signs; all but `paresis` are input booleans of the same name
NerveRootSign = Literal[
    "radicular_pattern",
    "dermatomal_sensory_loss",
    "reflex_loss",
    "paresis",
    "positive_slr",
    "walking_leg_pain_relieved_by_flexion",
]
Urgency = Literal["acute", "subacute", "none"]
Risk = Literal["raised", "normal"]
Language = Literal["da", "en"]

REGIONS: tuple[str, ...] = get_args(Region)
RED_FLAGS: tuple[str, ...] = get_args(RedFlag)
RISK_FACTORS: tuple[str, ...] = get_args(RiskFactor)
COURSE_STATUSES: tuple[str, ...] = get_args(CourseStatus)
NERVE_ROOT_SIGNS: tuple[str, ...] = get_args(NerveRootSign)


# ------------------------------------------------------------------------------------ data
class Threshold(Frozen):
    value: int
    unit: Text
    source: Source


class _Thresholds(Frozen):
    adult_age: Threshold
    paresis_acute_max: Threshold
    paresis_normal: Threshold
    subacute_days: Threshold
    sick_leave_weeks: Threshold


class Group(Frozen):
    number: Literal[1, 2, 3]
    da: Text
    en: Text
    source: Source


class _Sign(Frozen):
    da: Text
    en: Text
    source: Source


class RedFlagText(_Sign):
    key: RedFlag


class NerveRootSignText(_Sign):
    key: NerveRootSign


class RiskFactorText(_Sign):
    key: RiskFactor
    category: Literal["individual", "psychosocial", "work"]


class PathwayRule(Frozen):
    group: Literal[1, 2]
    region: Region
    pathways: Annotated[
        tuple[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], ...], Field(strict=False)
    ]
    stenosis_pathways: Annotated[
        tuple[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], ...], Field(strict=False)
    ] = ()
    source: Source


class ActionText(Frozen):
    da: Text
    en: Text
    source: Source


class _Actions(Frozen):
    not_adult: ActionText
    not_low_back: ActionText
    not_new_onset: ActionText
    group_3: ActionText
    acute: ActionText
    subacute: ActionText
    risk_rehabilitation: ActionText
    job_retention: ActionText


class Step(Frozen):
    group: Literal[1, 2]
    at_weeks: Annotated[tuple[Annotated[int, Field(ge=0)], ...], Field(strict=False, min_length=1)]
    status: Annotated[tuple[CourseStatus, ...], Field(strict=False, min_length=1)] | None = None
    da: Text
    en: Text
    source: Source


class TriageRules(Frozen):
    """The validated content of `data/triage.toml`."""

    threshold: _Thresholds
    group: Annotated[tuple[Group, ...], Field(strict=False)]
    red_flag: Annotated[tuple[RedFlagText, ...], Field(strict=False)]
    nerve_root_sign: Annotated[tuple[NerveRootSignText, ...], Field(strict=False)]
    risk_factor: Annotated[tuple[RiskFactorText, ...], Field(strict=False)]
    pathway_rule: Annotated[tuple[PathwayRule, ...], Field(strict=False)]
    action: _Actions
    step: Annotated[tuple[Step, ...], Field(strict=False)]

    @model_validator(mode="after")
    def _complete(self) -> TriageRules:
        for name, entries, expected in (
            ("group", [g.number for g in self.group], (1, 2, 3)),
            ("red_flag", [s.key for s in self.red_flag], RED_FLAGS),
            ("nerve_root_sign", [s.key for s in self.nerve_root_sign], NERVE_ROOT_SIGNS),
            ("risk_factor", [s.key for s in self.risk_factor], RISK_FACTORS),
        ):
            if sorted(map(str, entries)) != sorted(map(str, expected)):
                raise ValueError(f"{name}: needs exactly one entry for each of {list(expected)}")
        seen = set()
        for rule in self.pathway_rule:
            if (rule.group, rule.region) in seen:
                raise ValueError(f"pathway_rule: group {rule.group} {rule.region} given twice")
            seen.add((rule.group, rule.region))
        for group in (1, 2):
            if not any(0 in s.at_weeks for s in self.step if s.group == group):
                raise ValueError(f"step: group {group} has no step at 0 weeks")
        t = self.threshold
        if not 0 <= t.paresis_acute_max.value < t.paresis_normal.value:
            raise ValueError("threshold: paresis_acute_max must be below paresis_normal")
        return self

    def checkpoints(self, group: int) -> tuple[int, ...]:
        return tuple(sorted({w for s in self.step if s.group == group for w in s.at_weeks}))


@cache
def _packaged_rules() -> TriageRules:
    return _load(None)


def load_triage_rules(directory: Path | None = None) -> TriageRules:
    """The triage data (the packaged file unless `directory` holds another `triage.toml`)."""
    return _packaged_rules() if directory is None else _load(directory)


def _load(directory: Path | None) -> TriageRules:
    from forlob.catalogue import load_catalogue

    rules, origin = load_file(
        "triage.toml",
        TriageRules,
        {
            "group": ("number",),
            "red_flag": ("key",),
            "nerve_root_sign": ("key",),
            "risk_factor": ("key",),
            "pathway_rule": ("region",),
            "step": ("source",),
        },
        directory,
    )
    known = load_catalogue().pathways
    for i, rule in enumerate(rules.pathway_rule):
        for p in rule.pathways + rule.stenosis_pathways:
            if p not in known:
                raise DecisionDataError(
                    f"{origin}: pathway_rule[{i}].pathways: {p!r} is not a catalogue pathway"
                )
    return rules


# ------------------------------------------------------------------------------------ input
Flag = bool
Weeks = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class TriageInput(Frozen):
    """One patient's findings; the keys of `forlob triage` JSON input."""

    age: Annotated[int, Field(ge=0, le=130)]
    region: Region
    new_onset: Flag
    leg_radiation: Flag = False
    radicular_pattern: Flag = False
    dermatomal_sensory_loss: Flag = False
    reflex_loss: Flag = False
    positive_slr: Flag = False
    paresis_grade: Annotated[int, Field(ge=0, le=5)] | None = None
    walking_leg_pain_relieved_by_flexion: Flag = False
    cauda_equina_signs: Flag = False
    red_flags: Annotated[tuple[RedFlag, ...], Field(strict=False)] = ()
    risk_factors: Annotated[tuple[RiskFactor, ...], Field(strict=False)] = ()
    sick_leave_weeks: Weeks = 0
    weeks_since_start: Weeks | None = None
    course_status: CourseStatus | None = None


INPUT_KEYS: tuple[str, ...] = tuple(TriageInput.model_fields)
_REQUIRED = tuple(k for k, f in TriageInput.model_fields.items() if f.is_required())


def _allowed(key: str) -> str:
    """What `key` accepts, in words, for error messages."""
    if key == "age":
        return "a whole number 0–130"
    if key == "region":
        return "one of " + ", ".join(REGIONS)
    if key == "paresis_grade":
        return "an MRC grade 0–5 (whole number) or null"
    if key == "red_flags":
        return "a list of " + ", ".join(RED_FLAGS)
    if key == "risk_factors":
        return "a list of " + ", ".join(RISK_FACTORS)
    if key == "sick_leave_weeks":
        return "a number ≥ 0"
    if key == "weeks_since_start":
        return "a number ≥ 0 or null"
    if key == "course_status":
        return "one of " + ", ".join(COURSE_STATUSES) + " or null"
    return "true or false"


class TriageInputError(ValueError):
    """Invalid triage input; `key` is the offending key and `allowed` what it accepts."""

    def __init__(self, message: str, key: str, allowed: str) -> None:
        super().__init__(message)
        self.key = key
        self.allowed = allowed


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _input_error(exc: ValidationError) -> TriageInputError:
    err = exc.errors()[0]
    loc = list(err["loc"])
    key = str(loc[0]) if loc else "(input)"
    if err["type"] == "extra_forbidden":
        allowed = "keys " + ", ".join(INPUT_KEYS)
        return TriageInputError(f"unknown key {key!r}; allowed {allowed}", key, allowed)
    allowed = _allowed(key)
    if err["type"] == "missing":
        return TriageInputError(f"{key}: missing; required: {allowed}", key, allowed)
    if len(loc) >= 2 and isinstance(loc[1], int):
        choices = RED_FLAGS if key == "red_flags" else RISK_FACTORS
        item = f"{key}[{loc[1]}]"
        return TriageInputError(
            f"{item}: {_short(err['input'])} is not allowed; allowed: {', '.join(choices)}",
            key,
            allowed,
        )
    return TriageInputError(
        f"{key}: {_short(err['input'])} is not allowed; allowed: {allowed}", key, allowed
    )


def parse_triage_input(data: Mapping[str, Any]) -> TriageInput:
    """Validate a decoded JSON object; raises TriageInputError naming the key."""
    if not isinstance(data, Mapping):
        raise TriageInputError(
            f"the input must be a JSON object with keys {', '.join(INPUT_KEYS)}",
            "(input)",
            "a JSON object",
        )
    for key in data:
        if key not in INPUT_KEYS:
            allowed = "keys " + ", ".join(INPUT_KEYS)
            raise TriageInputError(f"unknown key {key!r}; allowed {allowed}", str(key), allowed)
    try:
        parsed = TriageInput.model_validate(dict(data))
    except ValidationError as exc:
        raise _input_error(exc) from None
    if parsed.course_status is not None and parsed.weeks_since_start is None:
        raise TriageInputError(
            "course_status: allowed only together with weeks_since_start (a number ≥ 0)",
            "course_status",
            _allowed("course_status"),
        )
    if parsed.weeks_since_start is not None and parsed.course_status is None:
        first = min(w for w in load_triage_rules().checkpoints(1) if w > 0)
        if parsed.weeks_since_start >= first:
            allowed = "one of " + ", ".join(COURSE_STATUSES)
            raise TriageInputError(
                f"course_status: required when weeks_since_start ≥ {first}; allowed: {allowed}",
                "course_status",
                allowed,
            )
    return parsed


# ------------------------------------------------------------------------------------ triage
@dataclass(frozen=True)
class Action:
    text: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "source": self.source}


@dataclass(frozen=True)
class TriageResult:
    group: int
    urgency: Urgency
    eligible_region_h: bool
    pathways: tuple[str, ...]
    risk: Risk
    actions: tuple[Action, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "urgency": self.urgency,
            "eligible_region_h": self.eligible_region_h,
            "pathways": list(self.pathways),
            "risk": self.risk,
            "actions": [a.to_dict() for a in self.actions],
        }


def _nerve_root_signs(p: TriageInput, rules: TriageRules) -> list[str]:
    paresis = p.paresis_grade is not None and p.paresis_grade < rules.threshold.paresis_normal.value
    present = {key: bool(getattr(p, key, False)) for key in NERVE_ROOT_SIGNS if key != "paresis"}
    present["paresis"] = paresis
    return [key for key in NERVE_ROOT_SIGNS if present[key]]


def _urgency(p: TriageInput, rules: TriageRules) -> Urgency:
    t = rules.threshold
    grade = p.paresis_grade
    if p.cauda_equina_signs or (grade is not None and grade <= t.paresis_acute_max.value):
        return "acute"
    if grade is not None and grade < t.paresis_normal.value:
        return "subacute"
    return "none"


def triage(data: TriageInput | Mapping[str, Any], language: Language = "da") -> TriageResult:
    """Group, urgency, eligibility, pathways, risk and next steps for one patient.

    `data` is a TriageInput or a decoded JSON object (validated; TriageInputError on mistakes).
    Action texts are the Danish seed texts (`language="da"`) or their English rendering.
    """
    p = data if isinstance(data, TriageInput) else parse_triage_input(data)
    rules = load_triage_rules()
    t = rules.threshold

    def say(text: ActionText | Step) -> Action:
        return Action(text.da if language == "da" else text.en, text.source)

    signs = _nerve_root_signs(p, rules)
    group = 3 if p.red_flags else 2 if signs else 1
    urgency = _urgency(p, rules)
    stenosis = p.walking_leg_pain_relieved_by_flexion
    adult = p.age >= t.adult_age.value
    low_back = p.region == "low_back"
    new = p.new_onset or stenosis
    eligible = adult and low_back and new

    pathways: tuple[str, ...] = ()
    for rule in rules.pathway_rule:
        if rule.group == group and rule.region == p.region:
            pathways = rule.pathways + (rule.stenosis_pathways if stenosis else ())

    long_leave = p.sick_leave_weeks >= t.sick_leave_weeks.value
    risk: Risk = "raised" if p.risk_factors or long_leave else "normal"

    a = rules.action
    actions: list[Action] = []
    if not adult:
        actions.append(say(a.not_adult))
    if not low_back:
        actions.append(say(a.not_low_back))
    if not new:
        actions.append(say(a.not_new_onset))
    if group == 3:
        actions.append(say(a.group_3))
    if urgency == "acute":
        actions.append(say(a.acute))
    elif urgency == "subacute":
        actions.append(say(a.subacute))
    # the primary-care timeline is for programme patients in group 1 or 2 who are not referred
    # at once ("Gruppe 1 og de resterende patienter med nerverodspåvirkning (Gruppe 2)
    # fortsætter", 003 §3.3)
    if group in (1, 2) and eligible and urgency == "none":
        weeks = p.weeks_since_start or 0
        reached = max(w for w in rules.checkpoints(group) if w <= math.floor(weeks))
        for step in rules.step:
            if step.group != group or reached not in step.at_weeks:
                continue
            if reached > 0 and step.status is not None and p.course_status not in step.status:
                continue
            actions.append(say(step))
    if group in (1, 2) and risk == "raised":
        actions.append(say(a.risk_rehabilitation))
        if long_leave:
            actions.append(say(a.job_retention))
    return TriageResult(group, urgency, eligible, pathways, risk, tuple(actions))
