from __future__ import annotations

import datetime as dt
import json

from tests.web.api_base import ApiTestCase
from tests.web.openapi import validate_body

from forlob.web.actions.courses import do_add_service_line
from forlob.web.change_check import LineDraft
from forlob.web.models import AuditEvent


class ApiFhirTestCase(ApiTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", dt.date(2025, 1, 13))
        do_add_service_line(self.course, LineDraft(dt.date(2025, 1, 13), "0241"), actor=self.alice)

    def path(self) -> str:
        return f"/courses/{self.course.pk}/fhir"

    def test_the_course_is_exported_as_a_fhir_bundle(self) -> None:
        r = self.call("GET", self.path(), token=self.alice_token)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/fhir+json")
        bundle = json.loads(r.content)
        validate_body(bundle, "GET", "/api/v1" + self.path(), 200)
        self.assertEqual(bundle["resourceType"], "Bundle")
        types = {e["resource"]["resourceType"] for e in bundle["entry"]}
        self.assertIn("Patient", types)
        self.assertIn("0101801234", r.content.decode())
        [event] = self.events(AuditEvent.EXPORT, "Course", self.course.pk)
        self.assertEqual(event.detail, "fhir")
        self.assertEqual(event.user, self.alice)

    def test_charlie_gets_404_for_the_fhir_bundle_of_a_course_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("GET", self.path())

    def test_the_fhir_bundle_needs_authentication(self) -> None:
        self.assert_anonymous_refused("GET", self.path())
        self.assert_wrong_token_refused("GET", self.path())
