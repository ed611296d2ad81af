"""The catalogue: service codes, pathways, named limits and billing rules, as data.

Everything the rule engine and the planner know about the seeds lives in `data/*.toml` and is
validated here by a strict schema (unknown keys, wrong types and dangling references fail at
load with the file and key). The loaded objects are immutable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from forlob.catalogue.rule_kinds import Rule, RuleBase
from forlob.catalogue.wording import Wording
from forlob.datafiles import read_toml, validation_message

__all__ = [
    "START_ROLES",
    "STATUS_ROLES",
    "Catalogue",
    "CatalogueError",
    "Code",
    "Param",
    "Pathway",
    "Rule",
    "Wording",
    "load_catalogue",
]

Severity = Literal["error", "warning", "info"]
Profession = Literal["physiotherapy", "chiropractic"]

# Roles are the vocabulary rules select codes by. A start role opens a course (rules.md §1).
START_ROLES = frozenset({"start", "start_same_day", "start_current_treatment"})
STATUS_ROLES = frozenset({"status", "last_status"})
ROLES = (
    START_ROLES
    | STATUS_ROLES
    | {
        "general",
        "first_consultation",
        "education",
        "team_training",
        "individual_training",
        "manual_therapy",
        "closing",
        "follow_up_after_closing",
        "follow_up_before_last",
        "follow_up_after_last",
        "group_education",
        "group_training",
        "status_after_course",
        "first_exam",
        "follow_up_consultation",
        "conference",
        "remote_consultation",
        "primary_xray",
        "ultrasound",
        "follow_up_training",
        "training_intro",
        "supervised_training",
    }
)
ALL_ROLES = "*"


_R = TypeVar("_R", bound=RuleBase)


class CatalogueError(Exception):
    """The catalogue data is invalid; the message names the file and the key."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Source(_Frozen):
    id: Annotated[str, Field(pattern=r"^\d{3}$")]
    file: str
    title: str


class Pathway(_Frozen):
    id: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    family: Literal["LBP", "NR", "PKG", "TP"]
    name_da: str
    name_en: str
    profession: Profession
    speciale: Literal["53", "64"] | None = None
    region: str
    source: str
    # the questionnaire set sent at the start and before the last status / closing
    questionnaires: tuple[str, ...]
    questionnaires_source: str

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)

    @property
    def questionnaires_chosen_by_forlob(self) -> bool:
        return self.questionnaires_source.startswith("forlob's choice")


class Target(_Frozen):
    """Offset of a status consultation from the course start date."""

    weeks: int | None = None
    months: int | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Target:
        if (self.weeks is None) == (self.months is None):
            raise ValueError("give exactly one of weeks or months")
        return self

    def describe(self) -> str:
        if self.weeks is not None:
            return f"{self.weeks} weeks"
        return f"{self.months} months"


class Code(_Frozen):
    code: Annotated[str, Field(pattern=r"^\d{4}$")]
    label_da: str
    label_en: str
    profession: Profession
    speciale: Literal["53", "64", "53+64"] | None = None
    pathway: str | None = None
    role: str
    target: Target | None = None
    exam_level: Literal["within_short", "within_long", "none_or_older"] | None = None
    source: str

    @model_validator(mode="after")
    def _consistent(self) -> Code:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if (self.role in STATUS_ROLES) != (self.target is not None):
            raise ValueError("status codes, and only they, have a target")
        if (self.role == "first_exam") != (self.exam_level is not None):
            raise ValueError("first exams, and only they, have an exam_level")
        return self

    @property
    def is_start(self) -> bool:
        return self.role in START_ROLES


class Param(_Frozen):
    value: int
    unit: str
    source: str


class _CodesFile(_Frozen):
    source: tuple[Source, ...]
    pathway: tuple[Pathway, ...]
    code: tuple[Code, ...]

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class _RulesFile(_Frozen):
    param: dict[str, Param]
    # wordings the kinds choose per finding (a reason, a side of a window), by key
    phrase: dict[str, Wording]
    rule: tuple[Rule, ...]

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Catalogue:
    """Immutable view of the catalogue with the look-ups the engine and planner need."""

    def __init__(self, codes: _CodesFile, rules: _RulesFile, origin: str, digest: str = "") -> None:
        self.sources = {s.id: s for s in codes.source}
        self.pathways: dict[str, Pathway] = {p.id: p for p in codes.pathway}
        self.codes: dict[str, Code] = {c.code: c for c in codes.code}
        self.params: dict[str, Param] = dict(rules.param)
        self.rules: dict[str, Rule] = {r.id: r for r in rules.rule}
        self.phrases: dict[str, Wording] = dict(rules.phrase)
        self.origin = origin
        # identifies this catalogue's content: results computed with another are stale
        self.digest = digest
        self._check_references(codes, rules)

    # -- validation across files -------------------------------------------------------
    def _check_references(self, codes: _CodesFile, rules: _RulesFile) -> None:
        def fail(file: str, key: str, msg: str) -> None:
            raise CatalogueError(f"{self.origin}/{file}: {key}: {msg}")

        seen: set[str] = set()
        for i, c in enumerate(codes.code):
            if c.code in seen:
                fail("codes.toml", f"code[{i}] ({c.code})", "duplicate code")
            seen.add(c.code)
            if c.pathway is not None and c.pathway not in self.pathways:
                fail(
                    "codes.toml", f"code[{i}] ({c.code}).pathway", f"unknown pathway {c.pathway!r}"
                )
            if c.source[:3] not in self.sources:
                fail("codes.toml", f"code[{i}] ({c.code}).source", "must start with a source id")
        for pw in self.pathways.values():
            if not any(c.is_start for c in self.codes.values() if c.pathway == pw.id):
                fail("codes.toml", f"pathway {pw.id}", "has no start code")
        ids: set[str] = set()
        for i, r in enumerate(rules.rule):
            key = f"rule[{i}] ({r.id})"
            if r.id in ids:
                fail("rules.toml", key, "duplicate rule id")
            ids.add(r.id)
            for name in r.param_names:
                if name not in self.params:
                    fail("rules.toml", key, f"unknown parameter {name!r}")
            for p in r.pathways or ():
                if p not in self.pathways:
                    fail("rules.toml", f"{key}.pathways", f"unknown pathway {p!r}")
            for field, roles in r.role_fields.items():
                for role in roles:
                    if role != ALL_ROLES and role not in ROLES:
                        fail("rules.toml", f"{key}.{field}", f"unknown role {role!r}")
            if r.source is None and r.limit_name is None:
                fail("rules.toml", key, "needs a source (or a limit whose source it takes)")
            for s in r.suppressed_by:
                if s not in {x.id for x in rules.rule}:
                    fail("rules.toml", f"{key}.suppressed_by", f"unknown rule {s!r}")

    # -- look-ups ----------------------------------------------------------------------
    def rule_as(self, rule_id: str, model: type[_R]) -> _R:
        """The rule `rule_id`, which must be of the kind `model` (the planner reads a rule's
        parameters, e.g. the follow-up windows, through its model)."""
        rule = self.rules[rule_id]
        if not isinstance(rule, model):
            raise CatalogueError(f"{self.origin}/rules.toml: {rule_id} is not a {model.__name__}")
        return rule

    def param(self, name: str) -> int:
        return self.params[name].value

    def rule_source(self, rule: Rule) -> str:
        if rule.source is not None:
            return rule.source
        limit = rule.limit_name
        if limit is None:  # refused at load (_check_references)
            raise CatalogueError(f"rule {rule.id} has neither a source nor a limit")
        return self.params[limit].source

    def codes_for(
        self, roles: Iterable[str], pathways: Iterable[str] | None = None
    ) -> tuple[str, ...]:
        """Codes with any of `roles` ("*" = every role) in any of `pathways` (None = any)."""
        role_set = set(roles)
        path_set = None if pathways is None else set(pathways)
        return tuple(
            c.code
            for c in self.codes.values()
            if (ALL_ROLES in role_set or c.role in role_set)
            and (path_set is None or c.pathway in path_set)
        )

    def pathway_codes(self, pathway: str) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes.values() if c.pathway == pathway)

    def start_codes(self, pathway: str) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes.values() if c.pathway == pathway and c.is_start)

    def pathways_of_family(self, family: str) -> tuple[str, ...]:
        return tuple(p.id for p in self.pathways.values() if p.family == family)

    @cached_property
    def package_codes(self) -> tuple[str, ...]:
        """Codes of the disc-prolapse and stenosis packages (rules.md §1, Package line)."""
        return self.codes_for([ALL_ROLES], self.pathways_of_family("PKG"))

    @cached_property
    def speciale_64_codes(self) -> tuple[str, ...]:
        return tuple(
            c.code for c in self.codes.values() if c.speciale == "64" and c.pathway is not None
        )

    def label(self, code: str, language: str = "da") -> str:
        c = self.codes.get(code)
        if c is None:
            return code
        return c.label_da if language == "da" else c.label_en


def _load_toml(path: Path | Any, name: str) -> dict[str, Any]:
    return read_toml(path, name, CatalogueError)


def _format_validation(file: str, exc: ValidationError, data: dict[str, Any]) -> str:
    return validation_message(file, exc, data, {"code": ("code",), "rule": ("id",)})


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Load and validate the catalogue (the packaged one unless `directory` is given)."""
    if directory is None:
        return _packaged_catalogue()
    return _load(Path(directory), str(directory))


@lru_cache(maxsize=1)
def _packaged_catalogue() -> Catalogue:
    base = resources.files("forlob.catalogue").joinpath("data")
    return _load(base, "forlob/catalogue/data")


def _load(base: Any, origin: str) -> Catalogue:
    codes_data = _load_toml(base.joinpath("codes.toml"), f"{origin}/codes.toml")
    rules_data = _load_toml(base.joinpath("rules.toml"), f"{origin}/rules.toml")
    try:
        codes = _CodesFile.model_validate(codes_data)
    except ValidationError as exc:
        raise CatalogueError(_format_validation(f"{origin}/codes.toml", exc, codes_data)) from None
    try:
        rules = _RulesFile.model_validate(rules_data)
    except ValidationError as exc:
        raise CatalogueError(_format_validation(f"{origin}/rules.toml", exc, rules_data)) from None
    digest = hashlib.sha256(
        json.dumps([codes_data, rules_data], sort_keys=True, default=str).encode()
    ).hexdigest()
    return Catalogue(codes, rules, origin, digest)
