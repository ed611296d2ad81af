"""Outcomes on the course page: baseline vs latest, change, MCID; consent; query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from tests.web.base import BaseTestCase
from tests.web.questionnaire_support import (
    ODI_16_OF_50,
    ODI_20,
    ODI_38,
    ODI_40,
    answer_post,
    answered_round,
    send,
)

from forlob.prom import load_instrument
from forlob.web.models import Course, QuestionnaireAnswer
from forlob.web.outcomes import course_outcomes, reportable_answers
from forlob.web.plans import course_progress

JAN, MAR = dt.date(2025, 1, 10), dt.date(2025, 3, 5)


def _points_threshold(name: str) -> Decimal:
    return next(t.value for t in load_instrument(name).mcid if t.kind == "points")


def _percent_threshold(name: str) -> Decimal:
    return next(t.value for t in load_instrument(name).mcid if t.kind == "percent")


class OutcomesTest(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL")

    def rows(self, course: Course | None = None) -> dict[str, object]:
        ctx = course_outcomes(course or self.course)
        return {row.key: row for row in ctx["outcomes"].rows}

    def test_an_odi_drop_of_40_to_20_reaches_the_mcid(self) -> None:
        # the thresholds from the instrument data: a 20-point, 50 % drop meets both
        self.assertGreaterEqual(Decimal(20), _points_threshold("odi"))
        self.assertGreaterEqual(Decimal(50), _percent_threshold("odi"))
        answered_round(self.alice, self.course, JAN, odi=ODI_40)
        answered_round(self.alice, self.course, MAR, odi=ODI_20)
        odi = self.rows()["odi"]
        self.assertEqual((odi.baseline.score, odi.latest.score), (Decimal(40), Decimal(20)))
        self.assertEqual((odi.baseline.on, odi.latest.on), (JAN, MAR))
        self.assertEqual(odi.change.absolute, Decimal("-20.0"))
        self.assertEqual(odi.change.percent, Decimal("-50.0"))
        self.assertTrue(odi.change.improved)  # lower is better for ODI
        self.assertTrue(odi.reaches_mcid)
        self.assertEqual(odi.verdict, "important_improvement")
        self.assertIn("Ostelo", odi.change.threshold)

    def test_an_odi_drop_of_40_to_38_does_not(self) -> None:
        self.assertLess(Decimal(2), _points_threshold("odi"))
        self.assertLess(Decimal(5), _percent_threshold("odi"))  # 2 of 40
        answered_round(self.alice, self.course, JAN, odi=ODI_40)
        answered_round(self.alice, self.course, MAR, odi=ODI_38)
        odi = self.rows()["odi"]
        self.assertEqual(odi.change.absolute, Decimal("-2.0"))
        self.assertTrue(odi.change.improved)
        self.assertFalse(odi.reaches_mcid)
        self.assertEqual(odi.verdict, "improvement")

    def test_a_rise_in_odi_is_a_deterioration_and_a_rise_in_psfs_an_improvement(self) -> None:
        answered_round(self.alice, self.course, JAN, odi=ODI_20, psfs=[2, 3])
        answered_round(self.alice, self.course, MAR, odi=ODI_40, psfs=[6, 7])
        rows = self.rows()
        self.assertEqual(rows["odi"].verdict, "important_deterioration")
        self.assertFalse(rows["odi"].change.improved)
        self.assertTrue(rows["psfs"].change.improved)  # higher is better for PSFS
        self.assertEqual(rows["psfs"].change.absolute, Decimal("4.0"))  # 2.5 → 6.5
        self.assertGreaterEqual(Decimal(4), _points_threshold("psfs"))
        self.assertEqual(rows["psfs"].verdict, "important_improvement")

    def test_baseline_is_the_first_answered_round_and_latest_the_last(self) -> None:
        answered_round(self.alice, self.course, MAR, nprs=3)
        answered_round(self.alice, self.course, JAN, nprs=8)
        answered_round(self.alice, self.course, dt.date(2025, 2, 1), nprs=5)
        nprs = self.rows()["nprs"]
        self.assertEqual([p.score for p in nprs.points], [Decimal(8), Decimal(5), Decimal(3)])
        self.assertEqual(nprs.change.absolute, Decimal("-5.0"))

    def test_one_round_gives_a_baseline_without_change(self) -> None:
        answered_round(self.alice, self.course, JAN, odi=ODI_16_OF_50)
        odi = self.rows()["odi"]
        self.assertEqual(odi.baseline.score, Decimal("32.0"))
        self.assertIsNone(odi.latest)
        self.assertIsNone(odi.change)
        self.assertEqual(odi.verdict, "single")

    def test_unanswered_rounds_give_no_outcome(self) -> None:
        send(self.alice, self.course)
        self.assertEqual(self.rows(), {})

    def test_planned_rounds_show_what_happened_to_them(self) -> None:
        sent = send(self.alice, self.course, plan_key="questionnaire:0241")
        ctx = course_outcomes(self.course)["questionnaires"]
        states = {p.key: p.state for p in ctx.planned}
        self.assertEqual(states["questionnaire:0241"], "sent")
        self.assertIn(states["questionnaire:0245"], ("open", "overdue", "upcoming"))
        self.assertEqual(ctx.planned[0].instruments, ["nprs", "odi", "psfs"])
        self.assertEqual(ctx.other_rounds, [])
        self.client.post(f"/q/{sent.token}/", answer_post(odi=ODI_16_OF_50, psfs=[("Gå", 4)]))
        ctx = course_outcomes(self.course)["questionnaires"]
        self.assertEqual(ctx.planned[0].state, "answered")
        self.assertFalse(ctx.planned[0].can_send)
        self.assertTrue(ctx.planned[1].can_send)

    def test_course_outcomes_uses_a_fixed_number_of_queries(self) -> None:
        for day in (JAN, dt.date(2025, 2, 1), MAR):
            answered_round(self.alice, self.course, day, odi=ODI_40, psfs=[3])
        send(self.alice, self.course, plan_key="questionnaire:0241")
        course = Course.objects.select_related("patient", "referral", "clinic").get(
            pk=self.course.pk
        )
        progress = course_progress(course, timezone.localdate())
        with self.assertNumQueries(2):  # rounds, answers
            course_outcomes(course, progress=progress)
        with self.assertNumQueries(3):  # + the service lines for the plan
            ctx = course_outcomes(course)
        with self.assertNumQueries(0):  # rendering the partials adds none
            self.render(ctx)

    def render(self, ctx: dict[str, object]) -> str:
        context = {"course": self.course, **ctx}
        return render_to_string(
            "forlob/course/_questionnaires.html", context, request=None
        ) + render_to_string("forlob/course/_outcomes.html", context, request=None)

    def test_the_partials_show_the_outcome_rows_and_the_chart(self) -> None:
        answered_round(self.alice, self.course, JAN, odi=ODI_40)
        answered_round(self.alice, self.course, MAR, odi=ODI_20)
        with translation.override("en"):
            html = self.render(course_outcomes(self.course))
        self.assertIn('data-instrument="odi" data-verdict="important_improvement"', html)
        self.assertIn('data-mcid="yes"', html)
        self.assertIn("Yes: improved by at least the MCID", html)
        self.assertIn("Ostelo", html)
        self.assertIn("<svg", html)
        self.assertIn(f"/courses/{self.course.pk}/questionnaires/send/", html)
        self.assertIn(f"/courses/{self.course.pk}/questionnaires/enter/", html)
        self.assertIn("10.01.2025", html)

    def test_the_questionnaire_section_shows_the_consent_state(self) -> None:
        html = self.render(course_outcomes(self.course))
        self.assertIn('data-consent="no"', html)
        self.patient.consent_beyond_journal = True
        self.patient.save()
        course = Course.objects.select_related("patient").get(pk=self.course.pk)
        self.assertIn('data-consent="yes"', self.render(course_outcomes(course)))


class ReportableAnswersTest(BaseTestCase):
    def test_only_answers_of_consenting_patients_are_reportable(self) -> None:
        from forlob.web.actions.courses import do_start_course
        from forlob.web.actions.patients import do_create_patient, do_create_referral

        consenting = do_create_patient(
            self.clinic,
            {"cpr": "0202802345", "name": "Jens Jensen", "consent_beyond_journal": True},
            actor=self.alice,
        )
        referral = do_create_referral(
            consenting,
            {"date": dt.date(2025, 1, 6), "gp_name": "GP", "diagnosis_text": "Lændesmerter"},
            actor=self.alice,
        )
        with_consent = do_start_course(referral, "NRL", dt.date(2025, 1, 13), actor=self.alice)
        without_consent = self.start_course("NRL")  # self.patient: no consent
        yes = answered_round(self.alice, with_consent, JAN, odi=ODI_40)
        no = answered_round(self.alice, without_consent, JAN, odi=ODI_40)
        send(self.alice, with_consent)  # unanswered: nothing to report
        reportable = set(reportable_answers().values_list("round_id", flat=True))
        self.assertEqual(reportable, {yes.pk})
        # the answers without consent stay on their course
        self.assertEqual(QuestionnaireAnswer.objects.filter(round=no).count(), 2)
        self.assertEqual(len(course_outcomes(without_consent)["outcomes"].rows), 2)

    def test_it_narrows_a_given_queryset(self) -> None:
        course = self.start_course("NRL")
        self.patient.consent_beyond_journal = True
        self.patient.save()
        answered_round(self.alice, course, JAN, odi=ODI_40)
        base = QuestionnaireAnswer.objects.filter(instrument="odi")
        self.assertEqual(
            list(reportable_answers(base).values_list("instrument", flat=True)), ["odi"]
        )
        self.patient.consent_beyond_journal = False
        self.patient.save()
        self.assertFalse(reportable_answers(base).exists())
