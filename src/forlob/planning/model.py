"""Domain types of the planner: planned items, plans and their progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

ItemKind = Literal["consultation", "questionnaire"]
PlanState = Literal["planned", "unreachable"]
ProgressState = Literal["done", "open", "upcoming", "overdue", "unreachable"]


class PlanError(ValueError):
    """The course cannot be planned as asked (unknown pathway, dates in the wrong order, …)."""


@dataclass(frozen=True)
class PlannedItem:
    """One consultation (or series of consultations) or one questionnaire round of a course.

    `earliest`/`latest` bound the dates allowed (None: no limit on that side); `target` is the
    intended date. A series (`max_count` > 1 or None) is several lines of one code in the
    window: `min_count` of them complete it. A questionnaire round has no code: `belongs_to`
    is the key of its consultation and the dates are send dates.
    """

    key: str
    kind: ItemKind
    code: str | None
    label: str
    target: dt.date | None
    earliest: dt.date | None
    latest: dt.date | None
    note: str
    instruments: tuple[str, ...] = ()
    state: PlanState = "planned"
    alternatives: tuple[str, ...] = ()
    belongs_to: str | None = None
    min_count: int = 1
    max_count: int | None = 1

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code a registered line may carry to count for this item."""
        return () if self.code is None else (self.code, *self.alternatives)

    @property
    def is_series(self) -> bool:
        return self.max_count != 1


@dataclass(frozen=True)
class Plan:
    pathway: str
    start: dt.date
    items: tuple[PlannedItem, ...]
    referral_date: dt.date | None = None
    closing_date: dt.date | None = None
    lead_days: int = 7

    def item(self, key: str) -> PlannedItem:
        for it in self.items:
            if it.key == key:
                return it
        raise KeyError(key)


@dataclass(frozen=True)
class ItemProgress:
    """Where one planned item stands on a given day (what the clinic's worklist shows).

    `done_on` is the date of the line that completed the item (for a questionnaire round: the
    date of its consultation); `count` is how many matching lines were attributed to it, and
    `lines` their positions in the services given to `progress`.
    """

    item: PlannedItem
    state: ProgressState
    done_on: dt.date | None = None
    count: int = 0
    lines: tuple[int, ...] = ()
