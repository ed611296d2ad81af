"""Deleting a service line: a confirmation shows the findings it would leave; deleting never
blocks (a wrong registration must be removable) and the course page shows what is left."""

from __future__ import annotations

import datetime as dt

from tests.web.base import BaseTestCase

from forlob.web.actions.courses import do_add_service_line, preview_delete
from forlob.web.change_check import LineDraft
from forlob.web.models import AuditEvent, ServiceLine

START = dt.date(2025, 1, 13)


class LineDeleteTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", START)
        self.start_line = self.add(START, "0241")
        self.status = self.add(START + dt.timedelta(days=14), "0243")
        self.url = f"/lines/{self.start_line.pk}/delete/"

    def add(self, day: dt.date, code: str) -> ServiceLine:
        outcome = do_add_service_line(self.course, LineDraft(day, code), actor=self.alice)
        assert outcome.line is not None, outcome.check.findings
        return outcome.line


class TestDeleting(LineDeleteTestCase):
    def test_the_confirmation_shows_the_findings_deleting_would_leave(self) -> None:
        left = [f.rule_id for f in preview_delete(self.start_line).findings]
        self.assertIn("COURSE-NO-START", left)
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        for rule_id in left:
            self.assertContains(response, f'data-rule="{rule_id}"')
        # nothing is deleted by looking
        self.assertTrue(ServiceLine.objects.filter(pk=self.start_line.pk).exists())

    def test_deleting_a_line_without_consequences_shows_no_findings(self) -> None:
        self.login(self.alice)
        response = self.client.get(f"/lines/{self.status.pk}/delete/")
        self.assertNotContains(response, "data-rule=")

    def test_deleting_the_start_line_deletes_it_and_shows_the_findings_left(self) -> None:
        self.login(self.bob)
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, f"/courses/{self.course.pk}/#lines")
        self.assertFalse(ServiceLine.objects.filter(pk=self.start_line.pk).exists())
        event = AuditEvent.objects.get(action=AuditEvent.DELETE)
        self.assertEqual(
            (event.user, event.object_type, event.object_id, event.detail),
            (self.bob, "ServiceLine", str(self.start_line.pk), "0241"),
        )
        # the course page shows the finding next to the remaining 0243
        html = response.content.decode()
        self.assertIn("COURSE-NO-START", html)
        self.assertRegex(
            html,
            rf'(?s)<tr class="line-findings" data-line="{self.status.pk}">'
            r'.*?data-rule="COURSE-NO-START"',
        )

    def test_get_is_not_a_delete(self) -> None:
        self.login(self.alice)
        self.client.get(self.url)
        self.assertEqual(ServiceLine.objects.filter(course=self.course).count(), 2)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.DELETE).exists())


class TestAccess(LineDeleteTestCase):
    def test_another_clinic_gets_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.assertTrue(ServiceLine.objects.filter(pk=self.start_line.pk).exists())

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/login/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(self.client.post(self.url).status_code, 302)
        self.assertTrue(ServiceLine.objects.filter(pk=self.start_line.pk).exists())
