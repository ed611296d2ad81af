from __future__ import annotations

import datetime as dt
from unittest import mock

from tests.web.api_base import ApiTestCase

from forlob.web.actions.courses import do_add_service_line
from forlob.web.change_check import LineDraft
from forlob.web.models import AuditEvent

START = dt.date(2025, 1, 13)


class ApiPlanTestCase(ApiTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", START)
        do_add_service_line(self.course, LineDraft(START, "0241"), actor=self.alice)

    def path(self) -> str:
        return f"/courses/{self.course.pk}/plan"

    def test_the_plan_shows_each_item_with_its_window_and_state_today(self) -> None:
        with mock.patch("forlob.web.api.timezone.localdate", return_value=dt.date(2025, 1, 28)):
            body = self.ok("GET", self.path())
        self.assertEqual(body["today"], "2025-01-28")
        self.assertEqual(body["start"], "2025-01-13")
        items = {i["key"]: i for i in body["items"]}
        self.assertEqual(
            [i["code"] for i in body["items"] if i["kind"] == "consultation"],
            ["0241", "0243", "0244", "0245"],
        )
        self.assertEqual(items["0241"]["state"], "done")
        self.assertEqual(items["0241"]["done_on"], "2025-01-13")
        # the 2-week status: target start + 2 weeks, ± 5 working days; open on the 28th
        status = items["0243"]
        self.assertEqual(
            (status["target"], status["earliest"], status["latest"]),
            ("2025-01-27", "2025-01-20", "2025-02-03"),
        )
        self.assertEqual(status["state"], "open")
        self.assertEqual(items["0244"]["state"], "upcoming")
        rounds = [i for i in body["items"] if i["kind"] == "questionnaire"]
        self.assertTrue(rounds)
        self.assertIn("NPRS", rounds[0]["instruments"])

    def test_a_passed_window_is_overdue(self) -> None:
        with mock.patch("forlob.web.api.timezone.localdate", return_value=dt.date(2025, 2, 5)):
            body = self.ok("GET", self.path())
        items = {i["key"]: i for i in body["items"]}
        self.assertEqual(items["0243"]["state"], "overdue")

    def test_viewing_the_plan_is_logged(self) -> None:
        self.ok("GET", self.path())
        [view] = self.events(AuditEvent.VIEW, "Course", self.course.pk)
        self.assertEqual(view.detail, "plan")
        self.assertEqual(view.user, self.alice)

    def test_charlie_gets_404_for_the_plan_of_a_course_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("GET", self.path())

    def test_the_plan_needs_authentication(self) -> None:
        self.assert_anonymous_refused("GET", self.path())
        self.assert_wrong_token_refused("GET", self.path())
