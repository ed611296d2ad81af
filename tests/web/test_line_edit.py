"""Editing a service line re-checks the course with the rule engine."""

from __future__ import annotations

import datetime as dt
import html

from tests.web.base import BaseTestCase

from forlob.calendar import window_bounds
from forlob.catalogue import load_catalogue
from forlob.web.actions.courses import do_add_service_line
from forlob.web.change_check import LineDraft, check_change
from forlob.web.models import AuditEvent, ServiceLine

START = dt.date(2025, 1, 13)


class LineEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", START)
        self.start_line = self.add(START, "0241")
        self.status = self.add(START + dt.timedelta(days=14), "0243")
        self.url = f"/lines/{self.status.pk}/edit/"

    def add(self, day: dt.date, code: str, reason: str = "") -> ServiceLine:
        outcome = do_add_service_line(
            self.course, LineDraft(day, code), reason=reason, actor=self.alice
        )
        assert outcome.line is not None, outcome.check.findings
        return outcome.line

    def post(self, day: dt.date, code: str = "0243", **extra: str) -> object:
        data = {"service_date": day.isoformat(), "code": code, "quantity": "1", **extra}
        return self.client.post(self.url, data)


class TestEditing(LineEditTestCase):
    def test_the_form_shows_the_lines_values(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'value="{self.status.service_date.isoformat()}"')
        self.assertContains(response, '<option value="0243" selected>')

    def test_moving_a_status_out_of_its_window_is_refused(self) -> None:
        self.login(self.alice)
        day = START + dt.timedelta(days=28)
        expected = check_change(self.course, LineDraft(day, "0243"), replacing=self.status).errors
        self.assertIn("NR-STATUS-WINDOW", [f.rule_id for f in expected])

        response = self.post(day)

        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "NR-STATUS-WINDOW", status_code=422)
        self.assertContains(response, html.escape(expected[0].message), status_code=422)
        self.status.refresh_from_db()
        self.assertEqual(self.status.service_date, START + dt.timedelta(days=14))
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.UPDATE).exists())

    def test_moving_a_status_within_its_window_saves_and_is_logged(self) -> None:
        cat = load_catalogue()
        _, latest = window_bounds(
            START + dt.timedelta(weeks=2), cat.param("status_tolerance_working_days")
        )
        self.login(self.bob)
        response = self.post(latest, team_size="")
        self.assertRedirects(
            response,
            f"/courses/{self.course.pk}/#line-{self.status.pk}",
            fetch_redirect_response=False,
        )
        self.status.refresh_from_db()
        self.assertEqual(self.status.service_date, latest)
        event = AuditEvent.objects.get(action=AuditEvent.UPDATE, object_type="ServiceLine")
        self.assertEqual((event.user, event.object_id), (self.bob, str(self.status.pk)))
        self.assertEqual(event.detail, "service_date")

    def test_an_edit_that_brings_a_warning_needs_a_reason(self) -> None:
        # turning the start line into 0242 (no earlier service of the patient) warns
        self.url = f"/lines/{self.start_line.pk}/edit/"
        self.login(self.alice)
        response = self.post(START, "0242")
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "NR-0242-NO-PRIOR", status_code=422)
        self.start_line.refresh_from_db()
        self.assertEqual(self.start_line.code, "0241")

        response = self.post(START, "0242", warning_reason="Fortsætter individuelt forløb")
        self.assertEqual(response.status_code, 302)
        self.start_line.refresh_from_db()
        self.assertEqual(
            (self.start_line.code, self.start_line.warning_reason),
            ("0242", "Fortsætter individuelt forløb"),
        )

    def test_a_lines_code_outside_the_pick_list_stays_editable(self) -> None:
        # a line imported with a code of no pick list (e.g. through the API) keeps its code
        odd = ServiceLine.objects.create(
            course=self.course, service_date=START + dt.timedelta(days=1), code="0231"
        )
        self.login(self.alice)
        response = self.client.get(f"/lines/{odd.pk}/edit/")
        self.assertContains(response, '<option value="0231" selected>')


class TestAccess(LineEditTestCase):
    def test_another_clinic_gets_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.post(START + dt.timedelta(days=15)).status_code, 404)
        self.status.refresh_from_db()
        self.assertEqual(self.status.service_date, START + dt.timedelta(days=14))

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/login/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(self.post(START + dt.timedelta(days=15)).status_code, 302)
        self.status.refresh_from_db()
        self.assertEqual(self.status.service_date, START + dt.timedelta(days=14))
