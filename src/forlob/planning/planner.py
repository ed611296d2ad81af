"""The course planner: from a pathway and its dates to the list of planned items.

Status windows come from `forlob.windows`, the definition the rule engine checks lines
against, and every number from the catalogue's parameters, so a plan and an audit can never
disagree. Notes are in English; labels are the catalogue's Danish labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from forlob import course, windows
from forlob.calendar import add_months_scalar, holiday_names_between
from forlob.catalogue import STATUS_ROLES, Catalogue, Code, load_catalogue
from forlob.catalogue.rule_kinds import FollowupTimingRule
from forlob.planning.model import Plan, PlanError, PlannedItem, PlanState

__all__ = ["plan_course", "plan_registered_course"]

_QUESTIONNAIRE_LABEL = "Spørgeskemaer"
_ONE_DAY = dt.timedelta(days=1)


def plan_course(
    pathway: str,
    start: dt.date,
    referral_date: dt.date | None = None,
    closing_date: dt.date | None = None,
    lead_days: int = 7,
    catalogue: Catalogue | None = None,
) -> Plan:
    """Plan a course of `pathway` started on `start` (the date of its start code).

    `closing_date` (LBP only) dates the closing consultation and with it the follow-ups;
    `referral_date` caps the LBP follow-ups. Raises PlanError on input that cannot be planned.
    """
    cat = catalogue if catalogue is not None else load_catalogue()
    if pathway not in cat.pathways:
        known = ", ".join(sorted(cat.pathways))
        raise PlanError(f"unknown pathway {pathway!r} (known: {known})")
    if lead_days < 0:
        raise PlanError(f"lead time must be 0 days or more, not {lead_days}")
    family = cat.pathways[pathway].family
    if closing_date is not None:
        if not course.is_lbp(pathway, cat):
            raise PlanError(f"a closing date applies only to LBP courses, not {pathway}")
        if closing_date < start:
            raise PlanError(f"closing date {closing_date} is before the start {start}")
    builder = _Builder(cat, pathway, start, lead_days)
    builders: dict[str, Callable[[], None]] = {
        "LBP": lambda: builder.lbp(referral_date, closing_date),
        "NR": builder.status_course,
        "PKG": builder.package,
        "TP": builder.training,
    }
    builders[family]()
    return Plan(
        pathway=pathway,
        start=start,
        items=builder.ordered_items(),
        referral_date=referral_date,
        closing_date=closing_date,
        lead_days=lead_days,
    )


def plan_registered_course(
    pathway: str,
    lines: Iterable[course.Line],
    *,
    planned_start: dt.date,
    planned_closing: dt.date | None = None,
    referral_date: dt.date | None = None,
    catalogue: Catalogue | None = None,
) -> Plan:
    """The plan of a course as registered so far: dated from its start and (LBP) closing as
    `forlob.course` defines them, the registered ones once there, the planned ones until then.
    The referral date caps the LBP follow-ups (000) and is not part of other plans."""
    cat = catalogue if catalogue is not None else load_catalogue()
    lines = list(lines)
    start = course.start(pathway, lines, planned_start, cat)
    return plan_course(
        pathway,
        start,
        referral_date=referral_date if course.is_lbp(pathway, cat) else None,
        closing_date=course.closing(pathway, lines, planned_closing, start, cat),
        catalogue=cat,
    )


def _holiday_note(earliest: dt.date, latest: dt.date) -> str:
    """Name the public holidays on weekdays inside a working-day window.

    Only those move a bound: a holiday on a weekend was no working day anyway.
    """
    shifted = [(d, n) for d, n in holiday_names_between(earliest, latest) if d.weekday() < 5]
    if not shifted:
        return ""
    return "window shifted by " + ", ".join(f"{n} {d.isoformat()}" for d, n in shifted)


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


class _Builder:
    def __init__(self, cat: Catalogue, pathway: str, start: dt.date, lead_days: int) -> None:
        self.cat = cat
        self.pathway = pathway
        self.start = start
        self.lead = dt.timedelta(days=lead_days)
        self.lead_days = lead_days
        self.items: list[PlannedItem] = []

    # -- look-ups --------------------------------------------------------------------------
    def codes(self, *roles: str) -> list[Code]:
        return [self.cat.codes[c] for c in self.cat.codes_for(roles, [self.pathway])]

    def code(self, role: str) -> Code:
        found = self.codes(role)
        if len(found) != 1:
            raise PlanError(f"{self.pathway}: expected one code with role {role!r}")
        return found[0]

    # -- items -----------------------------------------------------------------------------
    def add(
        self,
        code: Code,
        *,
        target: dt.date | None,
        earliest: dt.date | None,
        latest: dt.date | None,
        note: str,
        key: str | None = None,
        state: PlanState = "planned",
        alternatives: tuple[str, ...] = (),
        min_count: int = 1,
        max_count: int | None = 1,
    ) -> PlannedItem:
        item = PlannedItem(
            key=code.code if key is None else key,
            kind="consultation",
            code=code.code,
            label=code.label_da,
            target=target,
            earliest=earliest,
            latest=latest,
            note=note,
            state=state,
            alternatives=alternatives,
            min_count=min_count,
            max_count=max_count,
        )
        self.items.append(item)
        return item

    def start_item(self) -> PlannedItem:
        main = self.code("start")
        others = [c.code for c in self.codes("start", "start_same_day", "start_current_treatment")]
        alternatives = tuple(c for c in others if c != main.code)
        note = "course start"
        if alternatives:
            note += f" ({' or '.join(alternatives)} where that applies)"
        return self.add(
            main,
            target=self.start,
            earliest=self.start,
            latest=self.start,
            note=note,
            alternatives=alternatives,
        )

    def questionnaire(self, item: PlannedItem, what: str) -> None:
        """A questionnaire round sent `lead` days before its consultation.

        The send window follows the consultation's: from `lead` days before its earliest date
        until its latest date (after that the answers come too late to be of use).
        """
        instruments = course.questionnaires(self.pathway, self.cat)
        anchor = item.target
        target = None if anchor is None else anchor - self.lead
        earliest_anchor = item.earliest if item.earliest is not None else anchor
        earliest = None if earliest_anchor is None else earliest_anchor - self.lead
        note = f"send {self.lead_days} days before {what} ({item.code})"
        if self.cat.pathways[self.pathway].questionnaires_chosen_by_forlob:
            note += "; questionnaire set is forlob's choice (the source names none)"
        if item.state == "unreachable":
            note += "; its consultation is unreachable"
        # listed just before its consultation: the plan reads in the order things happen
        self.items.insert(
            self.items.index(item),
            PlannedItem(
                key=f"questionnaire:{item.key}",
                kind="questionnaire",
                code=None,
                label=f"{_QUESTIONNAIRE_LABEL} ({', '.join(instruments)}) før {item.label}",
                target=target,
                earliest=earliest,
                latest=item.latest,
                note=note,
                instruments=instruments,
                state=item.state,
                belongs_to=item.key,
            ),
        )

    def statuses(self, package_end: dt.date | None = None) -> list[PlannedItem]:
        """Status consultations at their targets, ±tolerance working days (rules §4, §5)."""
        tolerance = self.cat.param("status_tolerance_working_days")
        out = []
        planned = []
        for code in self.codes(*STATUS_ROLES):
            assert code.target is not None
            planned.append((windows.status_window(self.start, code.target, tolerance), code))
        for (target, earliest, latest), code in sorted(planned, key=lambda p: p[0]):
            assert code.target is not None
            note = f"start + {code.target.describe()} ± {tolerance} working days"
            state: PlanState = "planned"
            if package_end is not None and latest > package_end:
                latest = package_end
                note = _join(note, f"latest capped at the package end {package_end}")
            if package_end is not None and earliest > package_end:
                state = "unreachable"
                note = _join(note, f"unreachable: window opens after the package end {package_end}")
            note = _join(note, _holiday_note(earliest, latest))
            if code.role == "last_status":
                note = _join(note, "last status")
            out.append(
                self.add(
                    code, target=target, earliest=earliest, latest=latest, note=note, state=state
                )
            )
        return out

    def last_status(self, statuses: list[PlannedItem]) -> PlannedItem:
        last = [s for s in statuses if s.code and self.cat.codes[s.code].role == "last_status"]
        if len(last) != 1:
            raise PlanError(f"{self.pathway}: expected one last-status code")
        return last[0]

    def ordered_items(self) -> tuple[PlannedItem, ...]:
        return tuple(self.items)

    # -- pathways --------------------------------------------------------------------------
    def status_course(self) -> None:
        """NRL / NRC: start, status at 2, 4, 8 weeks (rules.md §4)."""
        start = self.start_item()
        self.questionnaire(start, "the start")
        last = self.last_status(self.statuses())
        self.questionnaire(last, "the last status")

    def package(self) -> None:
        """CPL / CPC / CSS: statuses, then up to N follow-ups, all by the package end (§5)."""
        months = self.cat.param("package_validity_months")
        package_end = add_months_scalar(self.start, months)
        start = self.start_item()
        self.questionnaire(start, "the start")
        last = self.last_status(self.statuses(package_end))
        self.questionnaire(last, "the last status")
        most = self.cat.param("package_followup_after_last_max")
        after = self.code("follow_up_after_last")
        # strictly after the last status line (PKG-FOLLOWUP-AFTER-LAST); its earliest possible
        # day bounds the first follow-up
        assert last.earliest is not None
        self.add(
            after,
            target=None,
            earliest=last.earliest + _ONE_DAY,
            latest=package_end,
            note=(
                f"up to {most} after the last status, by the package end "
                f"(start + {months} months = {package_end})"
            ),
            state=last.state,
            min_count=0,
            max_count=most,
        )

    def training(self) -> None:
        """CTB / CTH: individual talk, group education once, group training, status (§6)."""
        per_week = self.cat.param("training_sessions_per_week")
        weeks_min = self.cat.param("training_weeks_min")
        weeks_max = self.cat.param("training_weeks_max")
        education_max = self.cat.param("training_education_max")
        start = self.start_item()
        self.questionnaire(start, "the individual talk")
        self.add(
            self.code("group_education"),
            target=None,
            earliest=self.start,
            latest=None,
            note=f"at most {education_max} in the course, before the group training",
            max_count=education_max,
        )
        course_min = self.start + dt.timedelta(weeks=weeks_min)
        course_max = self.start + dt.timedelta(weeks=weeks_max)
        self.add(
            self.code("group_training"),
            target=None,
            earliest=self.start,
            latest=course_max,
            note=(
                f"{per_week} a week over {weeks_min}–{weeks_max} weeks: "
                f"{per_week * weeks_min}–{per_week * weeks_max} sessions"
            ),
            min_count=per_week * weeks_min,
            max_count=per_week * weeks_max,
        )
        status = self.add(
            self.code("status_after_course"),
            target=course_max,
            earliest=course_min,
            latest=None,
            note=(
                f"after the course ({weeks_min}–{weeks_max} weeks); no group session after it; "
                "no billing window"
            ),
        )
        self.questionnaire(status, "the status after the course")

    def lbp(self, referral: dt.date | None, closing: dt.date | None) -> None:
        """LBP: start, individual training window, closing at ~12 weeks, two follow-ups (§3)."""
        start = self.start_item()
        self.questionnaire(start, "the start")
        days = self.cat.param("lbp_individual_training_days")
        most = self.cat.param("lbp_individual_training_max")
        training_end = self.start + dt.timedelta(days=days)
        note = f"up to {most}, within {days} days of the start"
        if closing is not None and closing < training_end:
            # LBP-AFTER-CLOSE: no individual training after the closing consultation
            training_end = closing
            note += f", and not after the closing consultation {closing}"
        self.add(
            self.code("individual_training"),
            target=None,
            earliest=self.start,
            latest=training_end,
            note=note,
            min_count=0,
            max_count=most,
        )
        weeks = self.cat.param("lbp_closing_target_weeks")
        if closing is None:
            close_target = self.start + dt.timedelta(weeks=weeks)
            close_note = f"about {weeks} weeks after the start; no hard window"
        else:
            close_target = closing
            close_note = f"closing date given (guidance: about {weeks} weeks after the start)"
        close = self.add(
            self.code("closing"), target=close_target, earliest=None, latest=None, note=close_note
        )
        self.questionnaire(close, "the closing consultation")
        self.lbp_followups(referral, closing)

    def lbp_followups(self, referral: dt.date | None, closing: dt.date | None) -> None:
        """The follow-ups in the windows of LBP-FOLLOWUP-TIMING, capped by the referral rule."""
        code = self.code("follow_up_after_closing")
        timing = self.cat.rule_as("LBP-FOLLOWUP-TIMING", FollowupTimingRule)
        cap_months = self.cat.param("lbp_followup_referral_months")
        cap = None if referral is None else add_months_scalar(referral, cap_months)
        for n, (lo_name, hi_name) in enumerate(timing.windows, start=1):
            lo, hi = self.cat.param(lo_name), self.cat.param(hi_name)
            key = f"{code.code}#{n}"
            if closing is None:
                item = self.add(
                    code,
                    key=key,
                    target=None,
                    earliest=None,
                    latest=None,
                    note=f"follow-up {n}: {lo}–{hi} months after the closing consultation; "
                    "dated once the closing date is known",
                )
                self.questionnaire(item, f"follow-up {n}")
                continue
            # the guidance says "about 3 and 9 months": the middle of each timing window
            target = add_months_scalar(closing, (lo + hi) // 2)
            earliest = add_months_scalar(closing, lo)
            latest = add_months_scalar(closing, hi)
            note = f"follow-up {n}: closing + {lo}–{hi} months"
            state: PlanState = "planned"
            if cap is not None and earliest > cap:
                state = "unreachable"
                note = _join(
                    note,
                    f"unreachable: window opens {earliest}, after the referral limit {cap} "
                    f"(referral {referral} + {cap_months} months)",
                )
            elif cap is not None and latest > cap:
                latest = cap
                target = min(target, cap)
                note = _join(
                    note, f"latest capped at referral {referral} + {cap_months} months = {cap}"
                )
            item = self.add(
                code,
                key=key,
                target=target,
                earliest=earliest,
                latest=latest,
                note=note,
                state=state,
            )
            self.questionnaire(item, f"follow-up {n}")
