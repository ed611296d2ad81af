"""The clinic outcome report: only consenting patients' answers count; clinics stay apart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from tests.web.base import BaseTestCase

from forlob.outcome_report import PathwayOutcome
from forlob.web.actions.courses import do_start_course
from forlob.web.actions.patients import do_create_patient, do_create_referral
from forlob.web.models import Course, QuestionnaireAnswer, QuestionnaireRound


def answered(course: Course, day: dt.date, nprs: str) -> None:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    r = QuestionnaireRound.objects.create(course=course, completed_at=at, instruments=["nprs"])
    QuestionnaireAnswer.objects.create(
        round=r, instrument="nprs", answers=[int(Decimal(nprs))], score=Decimal(nprs), unit="points"
    )


class ReportTestCase(BaseTestCase):
    def course_for(self, cpr: str, consent: bool, before: str, after: str) -> Course:
        patient = do_create_patient(
            self.clinic,
            {"cpr": cpr, "name": f"Patient {cpr}", "consent_beyond_journal": consent},
            actor=self.alice,
        )
        referral = do_create_referral(
            patient,
            {"date": dt.date(2025, 1, 6), "gp_name": "GP", "diagnosis_text": "x"},
            actor=self.alice,
        )
        course = do_start_course(referral, "NRL", dt.date(2025, 1, 13), actor=self.alice)
        answered(course, dt.date(2025, 1, 10), before)
        answered(course, dt.date(2025, 3, 7), after)
        return course

    def nrl(self, user: object) -> PathwayOutcome | None:
        self.login(user)  # type: ignore[arg-type]
        r = self.client.get("/clinic/report/")
        self.assertEqual(r.status_code, 200)
        return next((p for p in r.context["report"] if p.pathway == "NRL"), None)

    def test_only_consenting_patients_answers_count(self) -> None:
        self.course_for("0202801111", True, "8", "3")  # -5, consent
        self.course_for("0303801111", False, "2", "9")  # +7, no consent: left out
        p = self.nrl(self.bob)
        assert p is not None
        self.assertEqual(p.courses, 2)  # both courses exist
        self.assertEqual(p.courses_with_scores, 1)
        (row,) = p.instruments
        self.assertEqual((row.instrument, row.courses, row.reaching_mcid), ("nprs", 1, 1))
        self.assertEqual(row.mean_change, Decimal("-5.0"))

    def test_unanswered_rounds_do_not_count(self) -> None:
        course = self.course_for("0202801111", True, "8", "3")
        r = QuestionnaireRound.objects.create(course=course, instruments=["nprs"])
        QuestionnaireAnswer.objects.create(
            round=r, instrument="nprs", answers=[0], score=Decimal("0"), unit="points"
        )
        p = self.nrl(self.alice)
        assert p is not None
        self.assertEqual(p.instruments[0].mean_change, Decimal("-5.0"))

    def test_the_page_names_no_patient(self) -> None:
        self.course_for("0202801111", True, "8", "3")
        self.login(self.alice)
        html = self.client.get("/clinic/report/").content.decode()
        self.assertNotIn("Patient 0202801111", html)
        self.assertNotIn("0202801111", html)
        self.assertIn('data-instrument="nprs"', html)

    def test_charlie_sees_nothing_of_clinic_a(self) -> None:
        self.course_for("0202801111", True, "8", "3")
        self.assertIsNone(self.nrl(self.charlie))

    def test_an_anonymous_user_is_sent_to_login(self) -> None:
        r = self.client.get("/clinic/report/")
        self.assertRedirects(r, "/login/?next=/clinic/report/", fetch_redirect_response=False)
