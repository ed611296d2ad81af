from __future__ import annotations

import datetime as dt

from tests.web.api_base import ApiTestCase

from forlob.web.actions.courses import do_add_service_line
from forlob.web.change_check import LineDraft
from forlob.web.models import AuditEvent, ServiceLine

START = dt.date(2025, 1, 13)  # a Monday; NRL status 0243 is due start + 2 weeks ± 5 working days


class ApiLinesTestCase(ApiTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", START)

    def lines_path(self) -> str:
        return f"/courses/{self.course.pk}/lines"

    def add(self, code: str, day: dt.date, reason: str = "") -> ServiceLine:
        outcome = do_add_service_line(
            self.course, LineDraft(day, code), reason=reason, actor=self.alice
        )
        assert outcome.line is not None, outcome.check.findings
        return outcome.line

    # -- POST /courses/{id}/lines -----------------------------------------------------------

    def test_an_allowed_line_is_saved_without_findings(self) -> None:
        body = self.ok(
            "POST", self.lines_path(), {"service_date": "2025-01-13", "code": "0241"}, status=201
        )
        self.assertIs(body["saved"], True)
        self.assertEqual(body["findings"], [])
        line = ServiceLine.objects.get(course=self.course)
        self.assertEqual(body["line"]["id"], line.pk)
        self.assertEqual((line.code, line.service_date), ("0241", START))
        self.assertEqual(line.created_by, self.alice)
        self.assertEqual(body["line"]["service_date"], "2025-01-13")
        [event] = self.events(AuditEvent.CREATE, "ServiceLine", line.pk)
        self.assertEqual(event.detail, "0241")
        self.assertEqual(event.clinic, self.clinic)

    def test_a_status_outside_its_window_is_refused_with_the_rules_finding(self) -> None:
        self.add("0241", START)
        body = self.ok(
            "POST", self.lines_path(), {"service_date": "2025-01-15", "code": "0243"}, status=422
        )
        self.assertIs(body["saved"], False)
        self.assertIs(body["reason_required"], False)
        window = [f for f in body["findings"] if f["rule_id"] == "NR-STATUS-WINDOW"]
        self.assertEqual(len(window), 1)
        self.assertEqual(window[0]["severity"], "error")
        self.assertEqual((window[0]["service_date"], window[0]["code"]), ("2025-01-15", "0243"))
        self.assertTrue(window[0]["message"])
        self.assertEqual(list(self.course.lines.values_list("code", flat=True)), ["0241"])
        # only the start line's creation is logged
        self.assertEqual(len(self.events(AuditEvent.CREATE, "ServiceLine")), 1)

    def test_a_status_inside_its_window_is_saved(self) -> None:
        self.add("0241", START)
        body = self.ok(
            "POST", self.lines_path(), {"service_date": "2025-01-27", "code": "0243"}, status=201
        )
        self.assertEqual(body["line"]["code"], "0243")
        self.assertEqual(self.course.lines.count(), 2)

    def test_a_warning_needs_a_reason_and_is_saved_with_it(self) -> None:
        # 0242 "in a current course of treatment" with no earlier service: NR-0242-NO-PRIOR
        line = {"service_date": "2025-01-13", "code": "0242"}
        body = self.ok("POST", self.lines_path(), line, status=422)
        self.assertIs(body["saved"], False)
        self.assertIs(body["reason_required"], True)
        self.assertEqual(
            [(f["rule_id"], f["severity"]) for f in body["findings"]],
            [("NR-0242-NO-PRIOR", "warning")],
        )
        self.assertFalse(self.course.lines.exists())

        reason = "Behandlet i anden klinik før henvisning"
        body = self.ok("POST", self.lines_path(), {**line, "warning_reason": reason}, status=201)
        self.assertIs(body["saved"], True)
        saved = ServiceLine.objects.get(course=self.course)
        self.assertEqual(saved.warning_reason, reason)
        self.assertEqual(body["line"]["warning_reason"], reason)
        self.assertEqual([f["rule_id"] for f in body["findings"]], ["NR-0242-NO-PRIOR"])
        self.assertEqual(body["findings"][0]["line"], saved.pk)
        self.assertEqual([f["rule_id"] for f in body["line"]["findings"]], ["NR-0242-NO-PRIOR"])
        # the audit detail names the code, never the free-text reason
        [event] = self.events(AuditEvent.CREATE, "ServiceLine", saved.pk)
        self.assertNotIn("klinik", event.detail)

    def test_a_code_outside_the_catalogue_is_refused(self) -> None:
        body = self.ok(
            "POST", self.lines_path(), {"service_date": "2025-01-13", "code": "9999"}, status=422
        )
        self.assertEqual(body["detail"][0]["type"], "code_unknown")
        self.assertFalse(self.course.lines.exists())

    def test_charlie_cannot_register_a_line_on_a_course_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie(
            "POST", self.lines_path(), {"service_date": "2025-01-13", "code": "0241"}
        )
        self.assertFalse(self.course.lines.exists())

    def test_registering_a_line_needs_authentication(self) -> None:
        line = {"service_date": "2025-01-13", "code": "0241"}
        self.assert_anonymous_refused("POST", self.lines_path(), line)
        self.assert_wrong_token_refused("POST", self.lines_path(), line)
        self.assertFalse(self.course.lines.exists())

    def test_registering_a_line_through_the_session_needs_the_csrf_token(self) -> None:
        body = self.assert_needs_csrf_with_session(
            "POST", self.lines_path(), {"service_date": "2025-01-13", "code": "0241"}
        )
        self.assertEqual(ServiceLine.objects.get(course=self.course).pk, body["line"]["id"])

    # -- GET /courses/{id}/lines ------------------------------------------------------------

    def test_the_lines_are_listed_with_their_findings(self) -> None:
        first = self.add("0242", START, reason="kendt patient")
        second = self.add("0243", dt.date(2025, 1, 27))
        body = self.ok("GET", self.lines_path())
        self.assertEqual([x["id"] for x in body], [first.pk, second.pk])
        self.assertEqual(body[0]["label"], first.label)
        self.assertEqual([f["rule_id"] for f in body[0]["findings"]], ["NR-0242-NO-PRIOR"])
        self.assertEqual(body[1]["findings"], [])
        [view] = self.events(AuditEvent.VIEW, "Course", self.course.pk)
        self.assertEqual(view.detail, "lines")

    def test_charlie_gets_404_for_the_lines_of_a_course_of_clinic_a(self) -> None:
        self.add("0241", START)
        self.assert_hidden_from_charlie("GET", self.lines_path())

    def test_the_lines_need_authentication(self) -> None:
        self.assert_anonymous_refused("GET", self.lines_path())
        self.assert_wrong_token_refused("GET", self.lines_path())

    # -- DELETE /lines/{id} -----------------------------------------------------------------

    def test_deleting_a_line_returns_the_findings_it_leaves(self) -> None:
        start = self.add("0241", START)
        self.add("0243", dt.date(2025, 1, 27))
        body = self.ok("DELETE", f"/lines/{start.pk}")
        self.assertIs(body["deleted"], True)
        self.assertFalse(ServiceLine.objects.filter(pk=start.pk).exists())
        # the status now stands without a start: the engine says so
        self.assertTrue(body["findings"])
        self.assertTrue(all(f["code"] == "0243" for f in body["findings"]))
        [event] = self.events(AuditEvent.DELETE, "ServiceLine", start.pk)
        self.assertEqual(event.user, self.alice)

    def test_deleting_a_line_that_leaves_nothing_wrong_returns_no_findings(self) -> None:
        line = self.add("0241", START)
        body = self.ok("DELETE", f"/lines/{line.pk}")
        self.assertEqual(body["findings"], [])

    def test_charlie_cannot_delete_a_line_of_clinic_a(self) -> None:
        line = self.add("0241", START)
        self.assert_hidden_from_charlie("DELETE", f"/lines/{line.pk}")
        self.assertTrue(ServiceLine.objects.filter(pk=line.pk).exists())

    def test_deleting_a_line_needs_authentication(self) -> None:
        line = self.add("0241", START)
        self.assert_anonymous_refused("DELETE", f"/lines/{line.pk}")
        self.assert_wrong_token_refused("DELETE", f"/lines/{line.pk}")
        self.assertTrue(ServiceLine.objects.filter(pk=line.pk).exists())

    def test_deleting_a_line_through_the_session_needs_the_csrf_token(self) -> None:
        line = self.add("0241", START)
        self.assert_needs_csrf_with_session("DELETE", f"/lines/{line.pk}", ok_status=200)
        self.assertFalse(ServiceLine.objects.filter(pk=line.pk).exists())
