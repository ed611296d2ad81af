"""The clinic's worklist: what is due, closing, overdue, to send and waiting (003 §4.5).

Read from the stored plan (`PlanItem`, rewritten by `plans.refresh_plan` on every change of a
course) of the clinic's ACTIVE courses, so the page costs the same few indexed queries whatever
the number of courses: one query counts every bucket, one query per bucket fetches its first
`MAX_ROWS` rows, and two more count and list the referrals still waiting for their first visit
(always the same queries, whatever is on the list).

A plan item's window is [earliest, latest]; an empty side is unbounded. An item with neither
bound but a target (LBP's closing consultation has "no hard window") is due from its target and
never overdue; an item with no date at all (follow-ups not yet dated) is not on the list.
Questionnaire rounds appear only under "Questionnaires to send", consultations only in the
three time buckets (and, ahead of time, under "Follow-ups coming due").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from forlob.calendar import add_working_days
from forlob.catalogue import load_catalogue
from forlob.decision import waiting_time
from forlob.decision.waiting import load_waiting_limit
from forlob.web.models import (
    Clinic,
    Course,
    PlanItem,
    QuestionnaireRound,
    Referral,
    ServiceLine,
)

# "closes within 5 working days"
CLOSING_SOON_WORKING_DAYS = 5
# follow-ups whose window opens within this many calendar days
FOLLOW_UP_HORIZON_DAYS = 30
# rows per bucket on the worklist, most urgent first; each bucket's heading tells the full
# count and links to the whole bucket, shown a page of PAGE_ROWS at a time
MAX_ROWS = 15
PAGE_ROWS = 50
REFERRALS = "referrals"
# the catalogue roles of follow-up consultations (looked up, never hard-coded codes)
FOLLOW_UP_ROLES = ("follow_up_after_closing", "follow_up_after_last")

QUESTIONNAIRE = "questionnaire"


def today() -> dt.date:
    """The clinic's today (tests move it by patching this function)."""
    return timezone.localdate()


def follow_up_codes() -> tuple[str, ...]:
    return load_catalogue().codes_for(FOLLOW_UP_ROLES)


@dataclass(frozen=True)
class Bucket:
    key: str
    title: str | Promise
    help: str | Promise
    rows: list[PlanItem]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class WaitingReferral:
    referral: Referral
    course_id: int | None
    days_waited: int
    deadline: dt.date
    limit_days: int
    past_limit: bool


@dataclass(frozen=True)
class Worklist:
    today: dt.date
    closing_by: dt.date
    horizon: dt.date
    buckets: list[Bucket]
    referrals: list[WaitingReferral]
    referrals_total: int
    referrals_limit_days: int
    by_key: dict[str, Bucket] = field(default_factory=dict)
    # the one bucket shown whole (a page of it), or None for the overview of all buckets
    focus: str | None = None
    offset: int = 0

    def bucket(self, key: str) -> Bucket:
        return self.by_key[key]

    @property
    def referrals_more(self) -> int:
        return self.referrals_total - len(self.referrals)

    @property
    def focus_total(self) -> int:
        if self.focus == REFERRALS:
            return self.referrals_total
        return self.by_key[self.focus].total if self.focus else 0


def bucket_keys() -> tuple[str, ...]:
    """The buckets a worklist can be focused on."""
    return (*_TITLES, REFERRALS)


def _items(clinic: Clinic) -> QuerySet[PlanItem]:
    """Open items of the clinic's active courses, with `start` (the effective window start)."""
    return (
        PlanItem.objects.filter(
            clinic=clinic,
            active=True,
            done_on__isnull=True,
            unreachable=False,
        )
        .annotate(
            start=Coalesce(
                F("earliest"),
                Case(
                    When(latest__isnull=True, then=F("target")),
                    default=Value(None, output_field=DateField()),
                    output_field=DateField(),
                ),
                output_field=DateField(),
            )
        )
        # an item without any date is not due yet
        .exclude(start__isnull=True, latest__isnull=True)
    )


def _filters(on: dt.date, closing_by: dt.date, horizon: dt.date) -> dict[str, Q | Combinable]:
    consultation = ~Q(kind=QUESTIONNAIRE)
    opened = Q(start__isnull=True) | Q(start__lte=on)
    no_round = ~Exists(
        QuestionnaireRound.objects.filter(course_id=OuterRef("course_id"), plan_key=OuterRef("key"))
    )
    return {
        "overdue": consultation & Q(latest__lt=on),
        "closing_soon": consultation & opened & Q(latest__gte=on, latest__lte=closing_by),
        "open_now": consultation & opened & (Q(latest__isnull=True) | Q(latest__gt=closing_by)),
        "questionnaires": Q(kind=QUESTIONNAIRE) & opened & no_round,
        "follow_ups": consultation
        & Q(code__in=follow_up_codes(), start__gt=on, start__lte=horizon),
    }


_TITLES: dict[str, tuple[Promise, Promise]] = {
    "overdue": (_("Overdue"), _("The window has closed and the consultation is not registered.")),
    "closing_soon": (
        _("Closing soon"),
        _("The window is open and closes within 5 working days."),
    ),
    "open_now": (_("Open now"), _("The window is open.")),
    "questionnaires": (
        _("Questionnaires to send"),
        _("The send window is open or has passed and no round has been sent yet."),
    ),
    "follow_ups": (
        _("Follow-ups coming due"),
        _("The follow-up's window opens within the next 30 days."),
    ),
}

_ORDER: dict[str, tuple[Any, ...]] = {
    "overdue": ("latest", "course_id", "position"),
    "closing_soon": ("latest", "course_id", "position"),
    "open_now": (F("latest").asc(nulls_last=True), "course_id", "position"),
    "questionnaires": (F("start").asc(nulls_first=True), "course_id", "position"),
    "follow_ups": ("start", "course_id", "position"),
}


# what a row shows (no CPR numbers or other columns leave the database)
_ROW_FIELDS = (
    "course_id",
    "position",
    "key",
    "kind",
    "code",
    "label",
    "target",
    "earliest",
    "latest",
    "course__pathway",
    "course__patient",
    "course__patient__name",
)


def _waiting(clinic: Clinic) -> QuerySet[Referral]:
    """Referrals with no service line on any course yet, and none of whose courses is closed
    (a course closed without a visit means the clinic has dealt with the referral)."""
    return (
        Referral.objects.filter(patient__clinic=clinic)
        .annotate(
            seen=Exists(ServiceLine.objects.filter(course__referral=OuterRef("pk"))),
            closed=Exists(Course.objects.filter(referral=OuterRef("pk"), status=Course.CLOSED)),
        )
        .filter(seen=False, closed=False)
    )


def build_worklist(
    clinic: Clinic, on: dt.date | None = None, focus: str | None = None, page: int = 1
) -> Worklist:
    """The overview (MAX_ROWS of each bucket) or, with `focus`, page `page` of one bucket.
    The counts of every bucket come with both (one query)."""
    on = today() if on is None else on
    offset = (page - 1) * PAGE_ROWS if focus else 0
    limit = PAGE_ROWS if focus else MAX_ROWS
    closing_by = add_working_days(on, CLOSING_SOON_WORKING_DAYS)
    horizon = on + dt.timedelta(days=FOLLOW_UP_HORIZON_DAYS)
    filters = _filters(on, closing_by, horizon)
    items = _items(clinic)

    counts = items.aggregate(**{k: Count("pk", filter=q) for k, q in filters.items()})
    buckets = []
    for key, q in filters.items():
        rows: list[PlanItem] = []
        if focus in (None, key):
            rows = list(
                items.filter(q)
                .select_related("course", "course__patient")
                .only(*_ROW_FIELDS)
                .order_by(*_ORDER[key])[offset : offset + limit]
            )
        title, help_text = _TITLES[key]
        buckets.append(Bucket(key, title, help_text, rows, counts[key] or 0))

    # one pass over the waiting referrals: the count is the length, the page its head
    latest_course = Course.objects.filter(referral=OuterRef("pk")).order_by("-id")
    waiting = list(
        _waiting(clinic)
        .annotate(course_pk=Subquery(latest_course.values("pk")[:1]))
        .order_by("date", "id")
        .values_list("pk", "course_pk")
    )
    referrals_total = len(waiting)
    head = dict(waiting[offset : offset + limit]) if focus in (None, REFERRALS) else {}
    referrals: list[WaitingReferral] = []
    for r in Referral.objects.filter(pk__in=head).select_related("patient").order_by("date", "id"):
        # a referral dated ahead (entered early) has waited 0 days so far
        w = waiting_time(r.date, None, max(on, r.date))
        referrals.append(
            WaitingReferral(
                referral=r,
                course_id=head[r.pk],
                days_waited=w.days_waited,
                deadline=w.deadline,
                limit_days=w.limit_days,
                past_limit=w.past_limit,
            )
        )
    return Worklist(
        today=on,
        closing_by=closing_by,
        horizon=horizon,
        buckets=buckets,
        referrals=referrals,
        referrals_total=referrals_total,
        referrals_limit_days=load_waiting_limit().days,
        by_key={b.key: b for b in buckets},
        focus=focus,
        offset=offset,
    )
