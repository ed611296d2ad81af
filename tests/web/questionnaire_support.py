"""Helpers of the questionnaire and outcome tests: answer sets, POST data, rounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from forlob.prom import InstrumentAnswers, load_instrument
from forlob.web.actions.questionnaires import (
    SentRound,
    do_enter_questionnaire,
    do_send_questionnaire,
)
from forlob.web.models import Course, QuestionnaireRound

# tests/test_prom.py's worked example: 16 points over 10 answered sections = 32.0 %
ODI_16_OF_50 = [3, 2, 2, 1, 2, 2, 1, 1, 1, 1]
# the same 16 points with section 8 skipped: 16 / 45 = 35.6 %
ODI_16_OF_45 = [3, 2, 2, 1, 2, 2, 1, None, 2, 1]
ODI_40 = [2] * 10  # 20/50
ODI_38 = [2] * 9 + [1]  # 19/50
ODI_20 = [1] * 10  # 10/50

LINK = "https://clinic.example/q/{}/"


def link_for(token: str) -> str:
    return LINK.format(token)


def answer_post(
    *,
    nprs: int | None = 6,
    odi: list[int | None] | None = None,
    ndi: list[int | None] | None = None,
    psfs: list[tuple[str, int | None]] | None = None,
) -> dict[str, Any]:
    """The POST data of the answer form, field names as the form makes them."""
    data: dict[str, Any] = {}
    if nprs is not None:
        data["nprs-pain"] = str(nprs)
    for name, values in (("odi", odi), ("ndi", ndi)):
        if values is None:
            continue
        for item, value in zip(load_instrument(name).items, values, strict=True):
            if value is not None:
                data[f"{name}-{item.id}"] = str(value)
    for n, (activity, rating) in enumerate(psfs or [], start=1):
        data[f"psfs-name-{n}"] = activity
        if rating is not None:
            data[f"psfs-rating-{n}"] = str(rating)
    return data


def send(user: Any, course: Course, email: str = "", plan_key: str = "") -> SentRound:
    return do_send_questionnaire(
        course,
        ["nprs", "odi", "psfs"],
        plan_key,
        email,
        link_for=link_for,
        actor=user,
    )


def answered_round(
    user: Any,
    course: Course,
    on: dt.date,
    *,
    nprs: int = 6,
    odi: list[int | None] | None = None,
    psfs: list[int] | None = None,
) -> QuestionnaireRound:
    """A round entered in the clinic, dated `on` (noon, local time)."""
    answers = {"nprs": InstrumentAnswers([nprs])}
    if odi is not None:
        answers["odi"] = InstrumentAnswers(list(odi))
    if psfs is not None:
        answers["psfs"] = InstrumentAnswers(list(psfs), [f"activity {i}" for i in range(len(psfs))])
    r = do_enter_questionnaire(course, list(answers), "", answers, actor=user)
    when = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    QuestionnaireRound.objects.filter(pk=r.pk).update(completed_at=when, created_at=when)
    r.refresh_from_db()
    return r
