"""The course page: header, the plan as a timeline with today's place and overdue items, the
registered lines with their current findings. Reading it is logged."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from tests.web.base import BaseTestCase

from forlob.web.actions.courses import do_add_service_line
from forlob.web.change_check import LineDraft
from forlob.web.findings_store import course_findings
from forlob.web.models import AuditEvent, Course, ServiceLine
from forlob.web.plans import course_plan

START = dt.date(2025, 1, 13)


def plan_row(html: str, key: str) -> str:
    """The plan table's row of one planned item."""
    m = re.search(rf'<tr class="([^"]*)" data-key="{re.escape(key)}"[^>]*>(.*?)</tr>', html, re.S)
    assert m is not None, f"no plan row {key}"
    return m.group(0)


class CourseDetailTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", START)
        self.url = f"/courses/{self.course.pk}/"

    def add(self, day: dt.date, code: str, reason: str = "") -> ServiceLine:
        outcome = do_add_service_line(
            self.course, LineDraft(day, code), reason=reason, actor=self.alice
        )
        assert outcome.line is not None, outcome.check.findings
        return outcome.line


class TestPage(CourseDetailTestCase):
    def test_it_shows_the_course_header(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        for text in ("Hanne Hansen", "Nerverodspåvirkning i lænd", "Lægerne på Torvet", "L86"):
            self.assertContains(response, text)
        self.assertContains(response, "06.01.2025")  # referral date, Danish style
        self.assertContains(response, "13.01.2025")  # start

    def test_reading_the_course_is_logged(self) -> None:
        self.login(self.bob)
        self.client.get(self.url)
        event = AuditEvent.objects.get(action=AuditEvent.VIEW)
        self.assertEqual(
            (event.user, event.object_type, event.object_id, event.clinic),
            (self.bob, "Course", str(self.course.pk), self.clinic),
        )

    def test_the_plan_shows_each_item_with_its_window_and_registered_line(self) -> None:
        line = self.add(START, "0241")
        self.add(START + dt.timedelta(days=14), "0243")
        self.login(self.alice)
        html = self.client.get(self.url).content.decode()
        plan = course_plan(self.course)
        for item in plan.items:
            row = plan_row(html, item.key)
            if item.earliest and item.latest:
                self.assertIn(f"{item.earliest:%d.%m.%Y} – {item.latest:%d.%m.%Y}", row, item.key)
        start_row = plan_row(html, "0241")
        self.assertIn('data-state="done"', start_row)
        self.assertIn(f'href="#line-{line.pk}"', start_row)
        self.assertIn('data-state="done"', plan_row(html, "0243"))
        self.assertIn("<svg", html)
        # the timeline: a dot on each done consultation, no "other services" row
        self.assertEqual(html.count('class="tl-dot"'), 2)
        self.assertNotIn("tl-other", html)

    def test_lines_of_no_planned_item_are_shown_on_the_timeline_too(self) -> None:
        self.add(START, "0241")
        self.add(START + dt.timedelta(days=3), "0247")
        self.login(self.alice)
        html = self.client.get(self.url).content.decode()
        m = re.search(r'<g class="tl-row tl-other">(.*?)</g>', html, re.S)
        assert m is not None
        self.assertIn("0247", m.group(1))
        self.assertEqual(m.group(1).count('class="tl-dot"'), 1)

    def test_an_overdue_item_is_marked_overdue(self) -> None:
        # started long ago, no status registered: the 2-week status is overdue
        today = timezone.localdate()
        course = self.start_course("NRL", today - dt.timedelta(days=120))
        self.add_to(course, today - dt.timedelta(days=120), "0241")
        self.login(self.alice)
        html = self.client.get(f"/courses/{course.pk}/").content.decode()
        row = plan_row(html, "0243")
        self.assertIn("overdue", row.split(">")[0])
        self.assertIn('<span class="badge overdue">', row)
        self.assertNotIn("overdue", plan_row(html, "0241").split(">")[0])

    def add_to(self, course: Course, day: dt.date, code: str) -> None:
        outcome = do_add_service_line(course, LineDraft(day, code), actor=self.alice)
        assert outcome.line is not None

    def test_todays_place_is_marked_once_between_the_items(self) -> None:
        today = timezone.localdate()
        course = self.start_course("NRL", today - dt.timedelta(days=20))
        self.login(self.alice)
        html = self.client.get(f"/courses/{course.pk}/").content.decode()
        self.assertEqual(html.count('class="today-marker"'), 1)
        # after the 2-week status (already open) and before the 4-week one (upcoming)
        marker = html.index('class="today-marker"')
        self.assertLess(html.index('data-key="0243"', html.index("plan-table")), marker)
        self.assertGreater(html.index('data-key="0245"', html.index("plan-table")), marker)
        self.assertIn('class="tl-today tl-today-within"', html)

    def test_each_line_shows_its_current_findings(self) -> None:
        self.add(START, "0241")
        # imported without the checks (as an API import might): outside its window
        bad = ServiceLine.objects.create(
            course=self.course, service_date=START + dt.timedelta(days=28), code="0243"
        )
        self.assertIn("NR-STATUS-WINDOW", [f.rule_id for f in course_findings(self.course)])
        self.login(self.alice)
        html = self.client.get(self.url).content.decode()
        self.assertIn(f'<tr id="line-{bad.pk}" class="line sev-error"', html)
        m = re.search(rf'<tr class="line-findings" data-line="{bad.pk}">(.*?)</tr>', html, re.S)
        assert m is not None
        self.assertIn('class="finding sev-error" data-rule="NR-STATUS-WINDOW"', m.group(1))
        self.assertIn(f'href="/lines/{bad.pk}/edit/"', html)
        self.assertIn(f'href="/lines/{bad.pk}/delete/"', html)

    def test_a_line_saved_with_a_warning_shows_it_and_the_reason(self) -> None:
        line = self.add(START, "0242", reason="Kommer fra individuelt forløb")
        self.login(self.alice)
        html = self.client.get(self.url).content.decode()
        self.assertIn(f'<tr id="line-{line.pk}" class="line sev-warning"', html)
        self.assertIn('data-rule="NR-0242-NO-PRIOR"', html)
        self.assertIn("Kommer fra individuelt forløb", html)

    def test_it_offers_a_form_to_register_a_service(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, f'action="/courses/{self.course.pk}/lines/new/"')
        self.assertContains(response, '<option value="0243">0243 – Statuskonsultation efter 2 uger')


class TestQueries(CourseDetailTestCase):
    # session, user, course (+patient, referral, clinic, clinician), its lines, the patient's
    # lines for the rule engine, the VIEW event, the questionnaire rounds, the user's clinics;
    # the first view after a change also stores the engine's findings (one UPDATE per course)
    QUERIES = 8

    def fill(self, n: int) -> None:
        ServiceLine.objects.bulk_create(
            ServiceLine(
                course=self.course, service_date=START + dt.timedelta(days=i % 50), code="0247"
            )
            for i in range(n)
        )

    def test_the_page_runs_a_fixed_number_of_queries_with_5_lines(self) -> None:
        self.fill(5)
        self.login(self.alice)
        with self.assertNumQueries(self.QUERIES + 1):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        with self.assertNumQueries(self.QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_the_number_of_queries_does_not_grow_with_the_lines(self) -> None:
        self.fill(15)
        self.login(self.alice)
        with self.assertNumQueries(self.QUERIES + 1):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        with self.assertNumQueries(self.QUERIES):
            self.assertEqual(self.client.get(self.url).status_code, 200)


class TestAccess(CourseDetailTestCase):
    def test_another_clinic_gets_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.VIEW).exists())

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/login/?next={self.url}", fetch_redirect_response=False)
