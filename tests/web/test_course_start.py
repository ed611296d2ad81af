"""Starting a course of any pathway of the catalogue on a referral."""

from __future__ import annotations

import datetime as dt
import html

from tests.web.base import BaseTestCase

from forlob.catalogue import load_catalogue
from forlob.web.models import AuditEvent, Course, PlanItem, Referral


class CourseStartTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.url = f"/referrals/{self.referral.pk}/courses/new/"

    def post(self, pathway: str, start: dt.date, **extra: object) -> object:
        data = {"pathway": pathway, "planned_start": start.isoformat(), "clinician": self.bob.pk}
        data.update(extra)
        return self.client.post(self.url, data)


class TestStarting(CourseStartTestCase):
    def test_the_form_offers_every_pathway_with_its_danish_name(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        for pw in load_catalogue().pathways.values():
            self.assertContains(response, f'<option value="{pw.id}"')
            self.assertContains(response, html.escape(pw.name_da))
        # the clinicians of the clinic, not of other clinics
        self.assertContains(response, f'<option value="{self.bob.pk}"')
        self.assertNotContains(response, f'<option value="{self.charlie.pk}"')

    def test_it_starts_a_course_plans_it_and_logs_it(self) -> None:
        self.login(self.alice)
        response = self.post("NRL", dt.date(2025, 1, 13))
        course = Course.objects.get()
        self.assertRedirects(response, f"/courses/{course.pk}/", fetch_redirect_response=False)
        self.assertEqual(
            (course.pathway, course.planned_start, course.clinician, course.clinic),
            ("NRL", dt.date(2025, 1, 13), self.bob, self.clinic),
        )
        self.assertEqual(course.patient, self.patient)
        self.assertTrue(PlanItem.objects.filter(course=course, code="0243").exists())
        event = AuditEvent.objects.get(action=AuditEvent.CREATE, object_type="Course")
        self.assertEqual(
            (event.user, event.object_id, event.detail), (self.alice, str(course.pk), "NRL")
        )

    def test_a_chiropractic_pathway_can_be_started_too(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.post("CSS", dt.date(2025, 3, 3)).status_code, 302)
        self.assertEqual(Course.objects.get().pathway, "CSS")

    def test_an_lbp_course_keeps_its_planned_closing_date(self) -> None:
        self.login(self.alice)
        response = self.post("LBP", dt.date(2025, 1, 13), planned_closing="2025-04-01")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Course.objects.get().planned_closing, dt.date(2025, 4, 1))

    def test_only_lbp_has_a_planned_closing_date(self) -> None:
        self.login(self.alice)
        response = self.post("NRL", dt.date(2025, 1, 13), planned_closing="2025-04-01")
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Course.objects.exists())

    def test_the_closing_cannot_come_before_the_start(self) -> None:
        self.login(self.alice)
        response = self.post("LBP", dt.date(2025, 1, 13), planned_closing="2025-01-01")
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Course.objects.exists())

    def test_an_unknown_pathway_or_a_clinician_of_another_clinic_is_refused(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.post("XYZ", dt.date(2025, 1, 13)).status_code, 422)
        response = self.post("NRL", dt.date(2025, 1, 13), clinician=self.charlie.pk)
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Course.objects.exists())

    def test_the_referrals_group_suggests_the_pathway(self) -> None:
        Referral.objects.filter(pk=self.referral.pk).update(group=2)
        self.login(self.alice)
        response = self.client.get(self.url)
        # a physiotherapy clinic: NRL first (chosen), CPL named too
        self.assertContains(response, '<option value="NRL" selected>')
        self.assertContains(response, 'data-pathway="CPL"')
        Referral.objects.filter(pk=self.referral.pk).update(group=1)
        response = self.client.get(self.url)
        self.assertContains(response, '<option value="LBP" selected>')


class TestAccess(CourseStartTestCase):
    def test_another_clinic_gets_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.post("NRL", dt.date(2025, 1, 13)).status_code, 404)
        self.assertFalse(Course.objects.exists())

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/login/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(self.post("NRL", dt.date(2025, 1, 13)).status_code, 302)
        self.assertFalse(Course.objects.exists())
