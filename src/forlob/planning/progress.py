"""Progress of a plan: which items are done, open, upcoming, overdue or unreachable today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from forlob.planning.model import ItemProgress, Plan, PlannedItem, ProgressState

__all__ = ["progress"]


def progress(
    plan: Plan, services: Iterable[tuple[dt.date, str]], today: dt.date
) -> list[ItemProgress]:
    """Each item's state on `today`, given the services registered so far (date, code).

    Lines are attributed in date order to the consultation items in plan order, each line to
    at most one item: the first 0268 fulfils follow-up 1 and the second follow-up 2, as the
    rule engine counts them. A line counts wherever it is dated (the audit judges the date).
    A series is done once `min_count` lines (at least one) are registered. A questionnaire
    round is done when its consultation is, since the answers serve that consultation.
    Lines dated after `today` are ignored: the worklist shows what has happened.
    `ItemProgress.lines` holds the positions in `services` of the lines each item took.
    """
    # (date, code, position): the position tells the caller which of its lines counted
    lines = sorted((d, c, i) for i, (d, c) in enumerate(services) if d <= today)
    used = [False] * len(lines)
    by_key: dict[str, ItemProgress] = {}
    for item in plan.items:
        if item.kind != "consultation":
            continue
        needed = max(item.min_count, 1)
        take = item.max_count if item.is_series else 1
        matched: list[tuple[dt.date, int]] = []
        for n, (d, code, i) in enumerate(lines):
            if used[n] or code not in item.codes:
                continue
            if take is not None and len(matched) >= take:
                break
            used[n] = True
            matched.append((d, i))
        positions = tuple(i for _d, i in matched)
        if len(matched) >= needed:
            done_on = matched[needed - 1][0]
            by_key[item.key] = ItemProgress(item, "done", done_on, len(matched), positions)
        else:
            state = _waiting(item, today)
            by_key[item.key] = ItemProgress(item, state, None, len(matched), positions)
    out = []
    for item in plan.items:
        if item.kind == "consultation":
            out.append(by_key[item.key])
            continue
        owner = by_key.get(item.belongs_to or "")
        if owner is not None and owner.state == "done":
            out.append(ItemProgress(item, "done", owner.done_on, 0))
        else:
            out.append(ItemProgress(item, _waiting(item, today), None, 0))
    return out


def _waiting(item: PlannedItem, today: dt.date) -> ProgressState:
    """State of an item not yet done: by its window, or by its target where it has none."""
    if item.state == "unreachable":
        return "unreachable"
    opens = item.earliest if item.earliest is not None else item.target
    if opens is None or today < opens:
        return "upcoming"
    if item.latest is not None and today > item.latest:
        return "overdue"
    return "open"
