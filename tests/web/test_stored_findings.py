"""The engine's findings are stored with the key of their inputs and recomputed when any
input changes, however the change was made (findings_store.course_findings)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from tests.web.base import BaseTestCase

from forlob.web import change_check, engine_input, findings_store
from forlob.web.actions.courses import do_add_service_line
from forlob.web.change_check import LineDraft
from forlob.web.findings_store import course_findings
from forlob.web.models import Course, Patient, ServiceLine

START = dt.date(2025, 1, 13)


class StoredFindingsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", START)
        do_add_service_line(self.course, LineDraft(START, "0241"), actor=self.alice)

    def fresh(self) -> Course:
        return Course.objects.select_related("clinic", "patient", "referral").get(pk=self.course.pk)

    def test_unchanged_inputs_are_read_back_without_running_the_engine(self) -> None:
        first = course_findings(self.fresh())
        with mock.patch.object(engine_input, "audit_frame", side_effect=AssertionError("ran")):
            self.assertEqual(course_findings(self.fresh()), first)

    def test_a_line_saved_behind_the_apps_back_is_judged(self) -> None:
        self.assertEqual(course_findings(self.fresh()), [])
        # a 4-week status far outside its window, written straight to the database
        ServiceLine.objects.create(
            course=self.course, service_date=START + dt.timedelta(weeks=9), code="0244"
        )
        rules = {f.rule_id for f in course_findings(self.fresh())}
        self.assertIn("NR-STATUS-WINDOW", rules)

    def test_a_changed_birth_date_is_judged_again(self) -> None:
        chiro = self.start_course("CPL", START)
        do_add_service_line(
            chiro, LineDraft(START + dt.timedelta(days=1), "1040"), actor=self.alice
        )
        course = Course.objects.select_related("clinic", "patient", "referral").get(pk=chiro.pk)
        self.assertNotIn("CH-AGE-16", {f.rule_id for f in course_findings(course)})
        # born 2010: not over 16 when the package starts in 2025 (rules.md §5, CH-AGE-16)
        Patient.objects.filter(pk=self.patient.pk).update(birth_date=dt.date(2010, 5, 1))
        course = Course.objects.select_related("clinic", "patient", "referral").get(pk=chiro.pk)
        self.assertIn("CH-AGE-16", {f.rule_id for f in course_findings(course)})

    def test_another_course_of_the_patient_gets_its_share_stored(self) -> None:
        other = self.start_course("NRL", START + dt.timedelta(days=200))
        ServiceLine.objects.create(
            course=other, service_date=START + dt.timedelta(days=201), code="0243"
        )
        course_findings(self.fresh())
        other = Course.objects.get(pk=other.pk)
        self.assertTrue(other.findings_key)
        self.assertIn("COURSE-NO-START", {f["rule_id"] for f in other.findings or []})


class RefreshAllTestCase(BaseTestCase):
    def test_the_bulk_refresh_stores_what_the_course_page_would_compute(self) -> None:
        course = self.start_course("NRL", START)
        do_add_service_line(course, LineDraft(START, "0241"), actor=self.alice)
        ServiceLine.objects.create(
            course=course, service_date=START + dt.timedelta(weeks=9), code="0244"
        )
        other = Patient.objects.create(
            clinic=self.clinic, cpr="0202902345", name="Ole", birth_date=dt.date(1990, 2, 2)
        )
        self.assertEqual(findings_store.refresh_all_findings(Course.objects.all()), 1)
        fresh = Course.objects.select_related("clinic", "patient", "referral").get(pk=course.pk)
        with mock.patch.object(engine_input, "audit_frame", side_effect=AssertionError("ran")):
            stored = course_findings(fresh)
        self.assertEqual([f.rule_id for f in stored], ["NR-STATUS-WINDOW"])
        self.assertFalse(Course.objects.filter(patient=other).exists())


class CheckChangeTestCase(BaseTestCase):
    def test_a_change_judged_against_current_stored_findings_runs_the_engine_once(self) -> None:
        course = self.start_course("NRL", START)
        do_add_service_line(course, LineDraft(START, "0241"), actor=self.alice)
        fresh = Course.objects.select_related("clinic", "patient", "referral").get(pk=course.pk)
        course_findings(fresh)  # stores them
        real = engine_input.audit_frame
        with mock.patch.object(engine_input, "audit_frame", side_effect=real) as engine:
            result = change_check.check_change(
                fresh, LineDraft(START + dt.timedelta(weeks=4), "0243")
            )
        self.assertEqual(engine.call_count, 1)
        self.assertEqual([f.rule_id for f in result.errors], ["NR-STATUS-WINDOW"])
