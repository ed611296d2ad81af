"""The schema of a rule in `data/rules.toml`: what every rule has, and per kind its parameters.

A rule is one of the models below, chosen by its `kind` (a discriminated union): a kind's
parameters are exactly its model's fields, so a missing, misspelt or foreign parameter fails
when the catalogue loads, naming the file and the rule, never while an audit runs. Parameters
name roles (the codes a rule selects) and limits (`[param.*]`, numbers with their seed source);
no kind's code names a role, a code or a limit of its own.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from forlob.catalogue.wording import Wording

__all__ = [
    "AgeRule",
    "AnchorAlternativeRule",
    "AnchorRule",
    "CodedRule",
    "CountRangeRule",
    "ExamLevelRule",
    "FollowupTimingRule",
    "LimitRule",
    "LineRule",
    "OtherRolesRule",
    "PriorServiceRule",
    "QuantityRule",
    "ResetRule",
    "Rule",
    "RuleBase",
    "SameDayRule",
    "TrainingDayRule",
    "WindowRule",
]

Severity = Literal["error", "warning", "info"]
Roles = Annotated[tuple[str, ...], Field(min_length=1)]
# the name of a `[param.*]` limit
ParamName = Annotated[str, Field(min_length=1)]


class RuleBase(BaseModel):
    """What every rule has: its contract (ID, severity, section), message and source."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)

    # the fields of a kind's model that name `[param.*]` limits
    PARAM_FIELDS: ClassVar[tuple[str, ...]] = ()

    id: Annotated[str, Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)+$")]
    severity: Severity
    section: str
    message: Wording
    source: str | None = None
    pathways: tuple[str, ...] | None = None
    suppressed_by: tuple[str, ...] = ()

    @property
    def param_names(self) -> list[str]:
        names: list[str] = []
        for name in self.PARAM_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                names.append(value)
            elif value is not None:
                names += [n for pair in value for n in pair]
        return names

    @property
    def role_fields(self) -> dict[str, tuple[str, ...]]:
        """The rule's role parameters by field name (roles, other_roles, …)."""
        return {
            name: getattr(self, name) for name in type(self).model_fields if name.endswith("roles")
        }

    @property
    def limit_name(self) -> str | None:
        """The limit whose source a rule without its own source cites."""
        return getattr(self, "limit", None)

    @property
    def is_pathway_rule(self) -> bool:
        return self.pathways is not None


class LineRule(RuleBase):
    """Checks made while reading, or on every line (rules.md §2): no parameters."""

    kind: Literal[
        "input_invalid", "input_field_ignored", "code_unknown", "course_no_start",
        "course_mixed_pathway",
    ]  # fmt: skip


class CodedRule(RuleBase):
    """A rule on the lines with the codes of `roles`."""

    roles: Roles


class RepeatRule(CodedRule):
    kind: Literal["same_day_repeat", "same_day_pair"]


class LimitRule(CodedRule):
    PARAM_FIELDS = ("limit",)
    kind: Literal[
        "max_per_course", "max_per_course_each_code", "max_per_iso_week", "days_after_start",
        "months_after_start", "months_after_referral", "team_size_max",
    ]  # fmt: skip
    limit: ParamName


class QuantityRule(CodedRule):
    PARAM_FIELDS = ("limit", "unit_minutes")
    kind: Literal["quantity_max"]
    limit: ParamName
    # the minutes one unit of `quantity` stands for (named in the message)
    unit_minutes: ParamName


class AgeRule(RuleBase):
    """On the start line of each course of `pathways`."""

    PARAM_FIELDS = ("limit",)
    kind: Literal["min_age_at_start"]
    pathways: Annotated[tuple[str, ...], Field(min_length=1)]
    limit: ParamName


class ResetRule(CodedRule):
    PARAM_FIELDS = ("limit",)
    kind: Literal["max_since_reset"]
    reset_roles: Roles
    limit: ParamName


class CountRangeRule(CodedRule):
    PARAM_FIELDS = ("low", "high")
    kind: Literal["course_count_range"]
    counted_roles: Roles
    low: ParamName
    high: ParamName


class WindowRule(CodedRule):
    PARAM_FIELDS = ("tolerance",)
    kind: Literal["status_window"]
    tolerance: ParamName


class AnchorRule(CodedRule):
    """Judged against the course's first line of `anchor_roles`."""

    kind: Literal["after_first", "requires_earlier"]
    anchor_roles: Roles


class AnchorAlternativeRule(CodedRule):
    kind: Literal["on_or_after_first"]
    anchor_roles: Roles
    # the codes to use instead (named in the message)
    alternative_roles: Roles


class FollowupTimingRule(CodedRule):
    PARAM_FIELDS = ("windows",)
    kind: Literal["followup_timing"]
    anchor_roles: Roles
    # per follow-up (1st, 2nd, …): the months after the anchor its window runs from and to
    windows: Annotated[tuple[tuple[ParamName, ParamName], ...], Field(min_length=1)]


class PriorServiceRule(CodedRule):
    kind: Literal["requires_prior_service"]
    alternative_roles: Roles


class SameDayRule(CodedRule):
    kind: Literal["requires_same_day", "forbidden_same_day"]
    other_roles: Roles
    alternative_roles: tuple[str, ...] = ()


class OtherRolesRule(CodedRule):
    kind: Literal["exam_same_day", "speciale_53_64_same_day"]
    other_roles: Roles


class TrainingDayRule(CodedRule):
    kind: Literal["training_same_day"]
    other_roles: Roles
    alone_roles: Roles


class ExamLevelRule(CodedRule):
    PARAM_FIELDS = ("short", "long")
    kind: Literal["exam_level"]
    short: ParamName
    long: ParamName


Rule = Annotated[
    LineRule
    | RepeatRule
    | LimitRule
    | QuantityRule
    | AgeRule
    | ResetRule
    | CountRangeRule
    | WindowRule
    | AnchorRule
    | AnchorAlternativeRule
    | FollowupTimingRule
    | PriorServiceRule
    | SameDayRule
    | OtherRolesRule
    | TrainingDayRule
    | ExamLevelRule,
    Field(discriminator="kind"),
]
