"""`forlob fhir COURSE_ID --out FILE` exports a course of the app's database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle
from tests.web.base import BaseTestCase
from typer.testing import CliRunner

from forlob.cli import app
from forlob.web.actions.courses import do_add_service_line
from forlob.web.change_check import LineDraft
from forlob.web.models import AuditEvent


class FhirCliTestCase(BaseTestCase):
    def test_it_writes_a_valid_bundle_with_the_patients_cpr(self) -> None:
        course = self.start_course("NRL", dt.date(2025, 1, 13))
        do_add_service_line(course, LineDraft(dt.date(2025, 1, 13), "0241"), actor=self.alice)
        out = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "b.json"
        result = CliRunner().invoke(app, ["fhir", str(course.pk), "--out", str(out)])
        self.assertEqual(result.exit_code, 0, result.output)
        bundle = Bundle.model_validate_json(out.read_text())
        resources = [e.resource for e in bundle.entry or []]
        patient = next(r for r in resources if r.get_resource_type() == "Patient")
        ids = {(i.system, i.value) for i in patient.identifier or []}
        self.assertIn(("urn:oid:1.2.208.176.1.2", "0101801234"), ids)
        charges = [r for r in resources if r.get_resource_type() == "ChargeItem"]
        self.assertEqual([c.code.coding[0].code for c in charges], ["0241"])
        self.assertTrue(
            AuditEvent.objects.filter(action=AuditEvent.EXPORT, object_id=str(course.pk)).exists()
        )
        json.loads(out.read_text())

    def test_it_says_so_when_the_course_does_not_exist(self) -> None:
        result = CliRunner().invoke(app, ["fhir", "999999"])
        self.assertEqual(result.exit_code, 2)
        self.assertIn("no course 999999", result.output)


class LetterCliTestCase(BaseTestCase):
    def test_it_prints_the_prefilled_discharge_letter_and_writes_its_pdf(self) -> None:
        course = self.start_course("NRL", dt.date(2025, 1, 13))
        do_add_service_line(course, LineDraft(dt.date(2025, 1, 13), "0241"), actor=self.alice)
        result = CliRunner().invoke(app, ["letter", str(course.pk)])
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("Hanne Hansen, CPR 010180-1234", result.output)
        out = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "l.pdf"
        result = CliRunner().invoke(
            app, ["letter", str(course.pk), "--format", "pdf", "--out", str(out)]
        )
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertTrue(out.read_bytes().startswith(b"%PDF"))

    def test_it_refuses_an_unknown_letter_kind(self) -> None:
        course = self.start_course("NRL", dt.date(2025, 1, 13))
        result = CliRunner().invoke(app, ["letter", str(course.pk), "--kind", "poem"])
        self.assertEqual(result.exit_code, 2)
        self.assertIn("unknown letter kind", result.output)
