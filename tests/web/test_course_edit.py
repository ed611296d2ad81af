"""Editing a course: planned dates, status and clinician."""

from __future__ import annotations

import datetime as dt

from tests.web.base import BaseTestCase

from forlob.web.models import AuditEvent, Course, PlanItem

START = dt.date(2025, 1, 13)


class CourseEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", START)
        self.url = f"/courses/{self.course.pk}/edit/"

    def post(self, **data: object) -> object:
        values: dict[str, object] = {
            "planned_start": START.isoformat(),
            "status": Course.ACTIVE,
            "clinician": self.alice.pk,
        }
        values.update(data)
        return self.client.post(self.url, values)


class TestEditing(CourseEditTestCase):
    def test_the_form_shows_the_courses_values(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'value="{START.isoformat()}"')
        self.assertContains(response, '<option value="active" selected>')
        # an NRL course has no planned closing
        self.assertNotContains(response, 'name="planned_closing"')

    def test_it_saves_the_changes_replans_and_logs_them(self) -> None:
        self.login(self.alice)
        new_start = START + dt.timedelta(days=7)
        response = self.post(
            planned_start=new_start.isoformat(), status=Course.CLOSED, clinician=self.bob.pk
        )
        self.assertRedirects(response, f"/courses/{self.course.pk}/", fetch_redirect_response=False)
        self.course.refresh_from_db()
        self.assertEqual(
            (self.course.planned_start, self.course.status, self.course.clinician),
            (new_start, Course.CLOSED, self.bob),
        )
        # the stored plan follows the new start
        item = PlanItem.objects.get(course=self.course, code="0243")
        self.assertEqual(item.target, new_start + dt.timedelta(weeks=2))
        event = AuditEvent.objects.get(action=AuditEvent.UPDATE, object_type="Course")
        self.assertEqual(set(event.detail.split(",")), {"planned_start", "status", "clinician"})

    def test_an_lbp_course_edits_its_planned_closing(self) -> None:
        course = self.start_course("LBP", START)
        self.login(self.alice)
        url = f"/courses/{course.pk}/edit/"
        data = {"planned_start": START.isoformat(), "status": "active", "clinician": ""}
        bad = self.client.post(url, {**data, "planned_closing": "2025-01-01"})
        self.assertEqual(bad.status_code, 422)
        good = self.client.post(url, {**data, "planned_closing": "2025-04-01"})
        self.assertEqual(good.status_code, 302)
        course.refresh_from_db()
        self.assertEqual(course.planned_closing, dt.date(2025, 4, 1))

    def test_a_clinician_of_another_clinic_is_refused(self) -> None:
        self.login(self.alice)
        response = self.post(clinician=self.charlie.pk)
        self.assertEqual(response.status_code, 422)
        self.course.refresh_from_db()
        self.assertEqual(self.course.clinician, self.alice)


class TestAccess(CourseEditTestCase):
    def test_another_clinic_gets_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.post(status=Course.CLOSED).status_code, 404)
        self.course.refresh_from_db()
        self.assertEqual(self.course.status, Course.ACTIVE)

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/login/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(self.post(status=Course.CLOSED).status_code, 302)
        self.course.refresh_from_db()
        self.assertEqual(self.course.status, Course.ACTIVE)
