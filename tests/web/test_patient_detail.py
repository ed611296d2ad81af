"""A patient's page: header, referrals with their courses and waiting time, logged as VIEW."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.web.base import BaseTestCase

from forlob.cpr import age_on
from forlob.web.actions.patients import do_create_referral
from forlob.web.models import AuditEvent, Course, ServiceLine


class PatientDetailTestCase(BaseTestCase):
    def url(self) -> str:
        return f"/patients/{self.patient.pk}/"

    def views(self):  # type: ignore[no-untyped-def]
        return AuditEvent.objects.filter(
            action=AuditEvent.VIEW, object_type="Patient", object_id=str(self.patient.pk)
        )

    def add_line(self, course: Course, day: dt.date, code: str = "0241") -> None:
        ServiceLine.objects.create(course=course, service_date=day, code=code)

    def test_anonymous_is_sent_to_login(self) -> None:
        r = self.client.get(self.url())
        self.assertRedirects(r, f"/login/?next={self.url()}", fetch_redirect_response=False)
        self.assertFalse(self.views().exists())

    def test_charlie_gets_404_for_clinic_as_patient(self) -> None:
        self.login(self.charlie)
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 404)
        self.assertNotContains(r, "Hanne", status_code=404)
        self.assertFalse(self.views().exists())

    def test_an_unknown_patient_is_404(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get("/patients/999999/").status_code, 404)

    def test_it_shows_the_header(self) -> None:
        self.login(self.bob)
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Hanne Hansen")
        self.assertContains(r, "010180-1234")
        self.assertContains(r, "01.01.1980")
        self.assertContains(r, "hanne@example.org")
        self.assertEqual(r.context["age"], age_on(dt.date(1980, 1, 1), timezone.localdate()))
        self.assertContains(r, 'data-consent="no"')

    def test_it_shows_consent_when_given(self) -> None:
        self.patient.consent_beyond_journal = True
        self.patient.save()
        self.login(self.alice)
        self.assertContains(self.client.get(self.url()), 'data-consent="yes"')

    def test_the_view_is_audit_logged(self) -> None:
        self.login(self.bob)
        self.client.get(self.url())
        event = self.views().get()
        self.assertEqual(event.user, self.bob)
        self.assertEqual(event.clinic, self.clinic)

    def test_it_lists_referrals_with_buttons_to_start_a_course(self) -> None:
        self.login(self.alice)
        r = self.client.get(self.url())
        self.assertContains(r, f'href="/patients/{self.patient.pk}/referrals/new/"')
        self.assertContains(r, f'href="/referrals/{self.referral.pk}/courses/new/"')
        self.assertContains(r, f'id="referral-{self.referral.pk}"')
        self.assertContains(r, "Lægerne på Torvet")
        self.assertContains(r, "L86")

    def test_it_lists_each_referrals_courses_with_links(self) -> None:
        course = self.start_course("NRL", dt.date(2025, 1, 13))
        other = do_create_referral(
            self.patient,
            {"date": dt.date(2025, 3, 3), "gp_name": "GP", "diagnosis_text": "Lumbago"},
            actor=self.alice,
        )
        self.login(self.alice)
        r = self.client.get(self.url())
        rows = {row.referral.pk: row for row in r.context["referrals"]}
        self.assertEqual([c.course.pk for c in rows[self.referral.pk].courses], [course.pk])
        self.assertEqual(rows[other.pk].courses, [])
        self.assertContains(r, f'href="/courses/{course.pk}/"')
        self.assertContains(r, course.pathway_name)
        self.assertContains(r, "13.01.2025")

    def test_the_course_start_is_the_first_start_code_once_registered(self) -> None:
        course = self.start_course("NRL", dt.date(2025, 1, 13))
        self.add_line(course, dt.date(2025, 1, 15), "0241")
        self.login(self.alice)
        r = self.client.get(self.url())
        self.assertEqual(r.context["referrals"][0].courses[0].start, dt.date(2025, 1, 15))

    def test_a_referral_without_a_visit_past_14_days_is_overdue(self) -> None:
        # the base referral is dated 6 January 2025; nobody has seen the patient since
        self.login(self.alice)
        row = self.client.get(self.url()).context["referrals"][0]
        assert row.waiting is not None
        self.assertEqual(row.waiting.status, "overdue")
        self.assertEqual(row.waiting.deadline, dt.date(2025, 1, 20))
        self.assertTrue(row.waiting.past_limit)

    def test_a_first_visit_within_14_days_is_in_time(self) -> None:
        course = self.start_course("NRL", dt.date(2025, 1, 13))
        self.add_line(course, dt.date(2025, 1, 20))  # day 14: still in time (003 §4.5)
        self.add_line(course, dt.date(2025, 2, 3), "0242")
        self.login(self.alice)
        r = self.client.get(self.url())
        row = r.context["referrals"][0]
        self.assertEqual(row.first_visit, dt.date(2025, 1, 20))
        self.assertEqual((row.waiting.status, row.waiting.days_waited), ("seen_in_time", 14))
        self.assertContains(r, 'data-waiting="seen_in_time"')

    def test_a_first_visit_after_14_days_is_late(self) -> None:
        course = self.start_course("NRL", dt.date(2025, 1, 13))
        self.add_line(course, dt.date(2025, 1, 21))
        self.login(self.alice)
        row = self.client.get(self.url()).context["referrals"][0]
        self.assertEqual((row.waiting.status, row.waiting.days_waited), ("seen_late", 15))

    def test_a_new_referral_is_waiting(self) -> None:
        today = timezone.localdate()
        new = do_create_referral(
            self.patient,
            {"date": today - dt.timedelta(days=3), "gp_name": "GP", "diagnosis_text": "x"},
            actor=self.alice,
        )
        self.login(self.alice)
        rows = {row.referral.pk: row for row in self.client.get(self.url()).context["referrals"]}
        self.assertEqual(
            (rows[new.pk].waiting.status, rows[new.pk].waiting.days_waited), ("waiting", 3)
        )

    def test_the_query_count_does_not_grow_with_courses_and_lines(self) -> None:
        course = self.start_course("NRL", dt.date(2025, 1, 13))
        self.login(self.alice)
        self.client.get(self.url())
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url())
        for i in range(5):
            self.add_line(course, dt.date(2025, 1, 14 + i))
        self.start_course("LBP", dt.date(2025, 2, 3))
        do_create_referral(
            self.patient,
            {"date": dt.date(2025, 3, 3), "gp_name": "G", "diagnosis_text": "x"},
            actor=self.alice,
        )
        with self.assertNumQueries(len(few)):
            self.client.get(self.url())
