"""Questionnaire rounds: sending a one-time link, the patient's submission, clinician entry.

A link's token is `secrets.token_urlsafe(32)`; only its SHA-256 is stored (`token_hash`), so the
link is shown once when it is made and cannot be shown again. A round is answered once: the
submission marks it completed in one conditional UPDATE, so two submissions of the same link
cannot both count. Audit details name instruments and channels, never the token or an address.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forlob.prom import InstrumentAnswers, load_instrument, score
from forlob.web import auditlog
from forlob.web.models import AuditEvent, Course, QuestionnaireAnswer, QuestionnaireRound
from forlob.web.tokens import hash_token


class RoundClosed(Exception):
    """The round was answered already, or its link has expired."""


def find_round(token: str) -> QuestionnaireRound | None:
    """The round of a link's token (by its hash), or None."""
    if not token or len(token) > 100:
        return None
    return (
        QuestionnaireRound.objects.select_related("course", "course__clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )


def round_state(r: QuestionnaireRound, now: dt.datetime | None = None) -> str:
    """answered | expired | sent | open (entered in the clinic, not yet answered)."""
    if r.completed_at is not None:
        return "answered"
    if r.expires_at is not None and r.expires_at <= (now or timezone.now()):
        return "expired"
    return "sent" if r.token_hash else "open"


@dataclass
class SentRound:
    """A round just sent: the token and link exist only here, never in the database."""

    round: QuestionnaireRound
    token: str
    link: str
    emailed: bool


def _email_link(course: Course, link: str, email: str, expires_at: dt.datetime) -> None:
    """The e-mail channel (Django's mail backend; FORLOB_EMAIL_BACKEND chooses it).

    Subject and body hold the clinic, the link and its expiry — never a CPR number or a name.
    Written in the clinic's default language (Danish), whatever the clinician's UI language.
    """
    with translation.override(settings.LANGUAGE_CODE):
        expiry = date_format(timezone.localtime(expires_at).date(), "SHORT_DATE_FORMAT")
        subject = _("Questionnaire from %(clinic)s") % {"clinic": course.clinic.name}
        body = _(
            "Hello,\n\n"
            "%(clinic)s asks you to fill in a short questionnaire before your next "
            "consultation. Open this link on your phone or computer:\n\n"
            "%(link)s\n\n"
            "The link works once and until %(expiry)s. Do not forward it.\n\n"
            "Kind regards\n%(clinic)s"
        ) % {"clinic": course.clinic.name, "link": link, "expiry": expiry}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])


# The ways a link can reach the patient besides being copied; a clinic may register more
# (an SMS gateway, say) under a name and a function (course, link, address, expires_at).
SENDERS: dict[str, Callable[[Course, str, str, dt.datetime], None]] = {"email": _email_link}


@transaction.atomic(durable=True)
def do_send_questionnaire(
    course: Course,
    instruments: list[str],
    plan_key: str,
    email: str,
    *,
    link_for: Callable[[str], str],
    channel: str = "email",
    actor: User,
) -> SentRound:
    """Make a round with a one-time link; e-mail it when `email` is given (once the round is
    saved: the mail goes out on commit).

    `link_for(token)` builds the absolute URL (the view knows the host). The returned
    `SentRound` is the only place the token and link ever exist.
    """
    return _send(
        course, instruments, plan_key, email, link_for=link_for, channel=channel, actor=actor
    )


def _send(
    course: Course,
    instruments: list[str],
    plan_key: str,
    email: str,
    *,
    link_for: Callable[[str], str],
    channel: str = "email",
    actor: User,
) -> SentRound:
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=settings.QUESTIONNAIRE_LINK_DAYS)
    r = QuestionnaireRound.objects.create(
        course=course,
        plan_key=plan_key,
        instruments=list(instruments),
        token_hash=hash_token(token),
        expires_at=expires_at,
        sent_to=email if email else "",
        created_by=actor,
    )
    link = link_for(token)
    emailed = bool(email)
    if emailed:
        sender = SENDERS[channel]
        transaction.on_commit(lambda: sender(course, link, email, expires_at))
    detail = f"instruments={','.join(instruments)};channel={channel if emailed else 'link'}"
    if plan_key:
        detail += f";plan={plan_key}"
    auditlog.record(actor, AuditEvent.SEND, r, clinic=course.clinic, detail=detail)
    return SentRound(r, token, link, emailed)


@transaction.atomic(durable=True)
def do_renew_link(
    old: QuestionnaireRound,
    email: str,
    *,
    link_for: Callable[[str], str],
    actor: User,
) -> SentRound:
    """A new link for a round not yet answered; the old link expires now (it answers 410)."""
    if old.completed_at is not None:
        raise RoundClosed("answered")
    QuestionnaireRound.objects.filter(pk=old.pk, completed_at__isnull=True).update(
        expires_at=timezone.now()
    )
    auditlog.record(
        actor, AuditEvent.UPDATE, old, clinic=old.course.clinic, detail="expires_at;renewed"
    )
    return _send(
        old.course, list(old.instruments), old.plan_key, email, link_for=link_for, actor=actor
    )


def _store_answers(
    r: QuestionnaireRound, answers_by_instrument: Mapping[str, InstrumentAnswers]
) -> list[QuestionnaireAnswer]:
    rows = []
    for name, filled in answers_by_instrument.items():
        inst = load_instrument(name)
        result = score(inst, filled.answers)  # raises ScoreInputError: nothing is stored
        rows.append(
            QuestionnaireAnswer(
                round=r,
                instrument=inst.id,
                answers=list(filled.answers),
                activities=list(filled.activities),
                score=result.score,
                unit=result.unit,
            )
        )
    return rows


@transaction.atomic(durable=True)
def do_submit_questionnaire(
    r: QuestionnaireRound,
    answers_by_instrument: Mapping[str, InstrumentAnswers],
    *,
    actor: User | None,
) -> list[QuestionnaireAnswer]:
    """The patient's answers through the one-time link (`actor` None: no one is logged in;
    a clinician's answers go through `do_enter_questionnaire`). Scored and stored once;
    raises `RoundClosed` when the round is answered or its link expired."""
    answered_by = QuestionnaireRound.PATIENT if actor is None else QuestionnaireRound.CLINICIAN
    return _submit(r, answers_by_instrument, answered_by, actor)


def _submit(
    r: QuestionnaireRound,
    answers_by_instrument: Mapping[str, InstrumentAnswers],
    answered_by: str,
    actor: User | None,
) -> list[QuestionnaireAnswer]:
    now = timezone.now()
    rows = _store_answers(r, answers_by_instrument)
    # one conditional UPDATE: of two submissions racing, exactly one finds the round open
    open_rounds = QuestionnaireRound.objects.filter(pk=r.pk, completed_at__isnull=True)
    if answered_by == QuestionnaireRound.PATIENT:
        # entered in the clinic, an expired link does not stop the clinician
        open_rounds = open_rounds.exclude(expires_at__lte=now)
    if open_rounds.update(completed_at=now, answered_by=answered_by) != 1:
        raise RoundClosed("answered or expired")
    r.completed_at = now
    r.answered_by = answered_by
    QuestionnaireAnswer.objects.bulk_create(rows)
    detail = f"instruments={','.join(a.instrument for a in rows)};answered_by={answered_by}"
    auditlog.record(actor, AuditEvent.CREATE, r, clinic=r.course.clinic, detail=detail)
    return rows


@transaction.atomic(durable=True)
def do_enter_questionnaire(
    course: Course,
    instruments: list[str],
    plan_key: str,
    answers_by_instrument: Mapping[str, InstrumentAnswers],
    *,
    into: QuestionnaireRound | None = None,
    actor: User,
) -> QuestionnaireRound:
    """The clinician enters answers on the patient's behalf: into a sent, unanswered round
    (its link is then used up) or a new round without a link."""
    if into is None:
        into = QuestionnaireRound.objects.create(
            course=course, plan_key=plan_key, instruments=list(instruments), created_by=actor
        )
    elif into.course_id != course.pk:
        raise RoundClosed("another course")
    _submit(into, answers_by_instrument, QuestionnaireRound.CLINICIAN, actor)
    return into
