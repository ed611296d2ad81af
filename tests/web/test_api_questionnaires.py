from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from tests.web.api_base import ApiTestCase

from forlob.web.models import AuditEvent, QuestionnaireAnswer, QuestionnaireRound


class ApiQuestionnairesTestCase(ApiTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", dt.date(2025, 1, 13))
        self.done = QuestionnaireRound.objects.create(
            course=self.course,
            plan_key="questionnaire:0241",
            instruments=["NPRS", "ODI"],
            token_hash="a" * 64,
            expires_at=timezone.now() + dt.timedelta(days=14),
            completed_at=dt.datetime(2025, 1, 10, 9, 30, tzinfo=dt.UTC),
            answered_by=QuestionnaireRound.PATIENT,
        )
        QuestionnaireAnswer.objects.create(
            round=self.done, instrument="NPRS", answers=[7], score=Decimal("7"), unit="0-10"
        )
        QuestionnaireAnswer.objects.create(
            round=self.done,
            instrument="ODI",
            answers=[2, 2, 1, 2, 3, 2, 1, 2, 2, 1],
            score=Decimal("36.0"),
            unit="%",
        )
        self.waiting = QuestionnaireRound.objects.create(
            course=self.course, plan_key="questionnaire:0245", instruments=["NPRS"]
        )

    def path(self) -> str:
        return f"/courses/{self.course.pk}/questionnaires"

    def test_the_rounds_are_listed_with_their_scores(self) -> None:
        body = self.ok("GET", self.path())
        self.assertEqual([r["id"] for r in body], [self.done.pk, self.waiting.pk])
        done = body[0]
        self.assertEqual(done["answered_by"], "patient")
        self.assertEqual(
            [(s["instrument"], s["score"], s["unit"]) for s in done["scores"]],
            [("NPRS", 7.0, "0-10"), ("ODI", 36.0, "%")],
        )
        self.assertTrue(done["scores"][0]["completed_at"].startswith("2025-01-10"))
        self.assertEqual(done["scores"][0]["answered_by"], "patient")
        self.assertIsNone(body[1]["completed_at"])
        self.assertEqual(body[1]["scores"], [])
        # the link's token (hash) is never part of the answer
        self.assertNotIn("a" * 64, str(body))

    def test_viewing_the_questionnaires_is_logged(self) -> None:
        self.ok("GET", self.path())
        [view] = self.events(AuditEvent.VIEW, "Course", self.course.pk)
        self.assertEqual(view.detail, "questionnaires")

    def test_charlie_gets_404_for_the_questionnaires_of_a_course_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("GET", self.path())

    def test_the_questionnaires_need_authentication(self) -> None:
        self.assert_anonymous_refused("GET", self.path())
        self.assert_wrong_token_refused("GET", self.path())
