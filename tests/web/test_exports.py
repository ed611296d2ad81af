"""Exports of service lines as the audit CSV of formats.md, checked with the real audit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
from django.http import HttpResponse, StreamingHttpResponse
from tests.web.base import BaseTestCase

from forlob.rules import audit_frame
from forlob.web.actions.courses import do_add_service_line, do_start_course
from forlob.web.actions.patients import do_create_patient, do_create_referral
from forlob.web.change_check import LineDraft
from forlob.web.exports import COLUMNS
from forlob.web.models import AuditEvent, Course, PlanItem, ServiceLine

START = dt.date(2025, 1, 13)


def body(r: HttpResponse | StreamingHttpResponse) -> bytes:
    if isinstance(r, StreamingHttpResponse):
        return b"".join(r.streaming_content)  # type: ignore[arg-type]
    return r.content


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def audit(data: bytes) -> pl.DataFrame:
    """The real audit on the exported bytes, every column read as text (formats.md)."""
    return audit_frame(pl.read_csv(io.BytesIO(data), infer_schema=False))


class ExportTestCase(BaseTestCase):
    def clean_course(self) -> Course:
        """An NRL course registered correctly: start, then the 2-week status on its target."""
        course = self.start_course("NRL", START)
        status = PlanItem.objects.get(course=course, code="0243")
        assert status.target is not None
        for day, code in ((START, "0241"), (status.target, "0243")):
            out = do_add_service_line(course, LineDraft(day, code), actor=self.alice)
            self.assertTrue(out.saved, out.check.findings)
        return course

    def plant_window_violation(self, course: Course) -> ServiceLine:
        """A 4-week status far outside its window, written past the action (and its check)."""
        item = PlanItem.objects.get(course=course, code="0244")
        assert item.latest is not None
        return ServiceLine.objects.create(
            course=course, service_date=item.latest + dt.timedelta(days=21), code="0244"
        )

    # -- course export ----------------------------------------------------------------------
    def test_a_course_export_has_the_audit_columns_and_the_course_lines(self) -> None:
        course = self.clean_course()
        self.login(self.bob)
        r = self.client.get(f"/courses/{course.pk}/export.csv")
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r["Content-Type"].startswith("text/csv"))
        data = body(r)
        self.assertEqual(data.decode().splitlines()[0], ",".join(COLUMNS))
        got = rows(data)
        self.assertEqual(
            [(x["service_date"], x["service_code"]) for x in got][0], ("2025-01-13", "0241")
        )
        self.assertEqual({x["service_code"] for x in got}, {"0241", "0243"})
        first = got[0]
        self.assertEqual(first["patient_id"], str(self.patient.pk))
        self.assertEqual(first["provider_id"], "123456")
        self.assertEqual(first["course_id"], str(course.pk))
        self.assertEqual(first["referral_date"], "2025-01-06")
        self.assertEqual(first["birth_date"], "1980-01-01")
        self.assertEqual(first["team_size"], "")
        self.assertEqual(first["quantity"], "1")

    def test_the_export_keeps_leading_zeros_and_carries_no_cpr_or_name(self) -> None:
        course = self.clean_course()
        self.login(self.alice)
        data = body(self.client.get(f"/courses/{course.pk}/export.csv"))
        self.assertIn(b",0241,", data)
        codes = pl.read_csv(io.BytesIO(data), infer_schema=False)["service_code"].to_list()
        self.assertIn("0241", codes)
        self.assertNotIn(b"0101801234", data)
        self.assertNotIn(b"Hanne", data)

    def test_the_filename_holds_no_personal_data(self) -> None:
        course = self.clean_course()
        self.login(self.alice)
        r = self.client.get(f"/courses/{course.pk}/export.csv")
        disposition = r["Content-Disposition"]
        self.assertTrue(disposition.startswith("attachment;"))
        self.assertIn(f"forlob-course-{course.pk}-", disposition)
        self.assertNotIn("0101801234", disposition)
        self.assertNotIn("Hanne", disposition)

    def test_a_course_export_is_audit_logged(self) -> None:
        course = self.clean_course()
        self.login(self.bob)
        self.client.get(f"/courses/{course.pk}/export.csv")
        event = AuditEvent.objects.get(action=AuditEvent.EXPORT)
        self.assertEqual((event.object_type, event.object_id), ("Course", str(course.pk)))
        self.assertEqual(event.user, self.bob)
        self.assertEqual(event.clinic, self.clinic)

    def test_the_real_audit_finds_nothing_on_a_clean_course(self) -> None:
        course = self.clean_course()
        self.login(self.alice)
        found = audit(body(self.client.get(f"/courses/{course.pk}/export.csv")))
        self.assertEqual(found.height, 0, found.to_dicts())

    def test_the_real_audit_finds_exactly_the_planted_window_violation(self) -> None:
        course = self.clean_course()
        self.plant_window_violation(course)
        self.login(self.alice)
        data = body(self.client.get(f"/courses/{course.pk}/export.csv"))
        found = audit(data)
        self.assertEqual(found.height, 1, found.to_dicts())
        f = found.row(0, named=True)
        self.assertEqual(f["severity"], "error")
        self.assertIn("WINDOW", f["rule_id"])
        self.assertEqual(f["service_code"], "0244")
        self.assertEqual(f["patient_id"], str(self.patient.pk))
        self.assertEqual(f["course_id"], str(course.pk))
        self.assertEqual(rows(data)[f["row"] - 1]["service_code"], "0244")

    def test_the_forlob_audit_command_reads_the_export(self) -> None:
        course = self.clean_course()
        self.plant_window_violation(course)
        self.login(self.alice)
        data = body(self.client.get(f"/courses/{course.pk}/export.csv"))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.csv"
            path.write_bytes(data)
            run = subprocess.run(
                [sys.executable, "-m", "forlob.cli", "audit", str(path), "--format", "jsonl"],
                capture_output=True,
                text=True,
                timeout=120,
            )
        self.assertEqual(run.returncode, 1, run.stderr)  # 1: at least one error finding
        findings = [json.loads(x) for x in run.stdout.splitlines() if x.strip()]
        self.assertEqual(len(findings), 1, run.stdout)
        self.assertEqual(findings[0]["service_code"], "0244")
        self.assertEqual(findings[0]["provider_id"], "123456")

    def test_charlie_gets_404_for_a_clinic_a_course_export(self) -> None:
        course = self.clean_course()
        self.login(self.charlie)
        r = self.client.get(f"/courses/{course.pk}/export.csv")
        self.assertEqual(r.status_code, 404)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.EXPORT).exists())

    def test_an_anonymous_user_is_sent_to_login_for_a_course_export(self) -> None:
        course = self.clean_course()
        url = f"/courses/{course.pk}/export.csv"
        r = self.client.get(url)
        self.assertRedirects(r, f"/login/?next={url}", fetch_redirect_response=False)

    def test_an_export_is_only_answered_to_get(self) -> None:
        course = self.clean_course()
        self.login(self.alice)
        self.assertEqual(self.client.post(f"/courses/{course.pk}/export.csv").status_code, 405)

    # -- clinic export ----------------------------------------------------------------------
    def clinic_b_course(self) -> Course:
        patient = do_create_patient(
            self.other_clinic,
            {"cpr": "0202901234", "name": "Bent Berg"},
            actor=self.charlie,
        )
        referral = do_create_referral(
            patient,
            {"date": dt.date(2025, 2, 3), "gp_name": "GP", "diagnosis_text": "Nakkesmerter"},
            actor=self.charlie,
        )
        course = do_start_course(referral, "NRC", dt.date(2025, 2, 10), actor=self.charlie)
        ServiceLine.objects.create(course=course, service_date=dt.date(2025, 2, 10), code="0231")
        return course

    def test_the_clinic_export_streams_every_line_of_the_clinic(self) -> None:
        a = self.clean_course()
        self.plant_window_violation(a)
        self.login(self.alice)
        r = self.client.get("/clinic/export.csv")
        self.assertEqual(r.status_code, 200)
        self.assertIsInstance(r, StreamingHttpResponse)
        got = rows(body(r))
        self.assertEqual(len(got), 3)
        self.assertEqual({x["course_id"] for x in got}, {str(a.pk)})
        self.assertIn("forlob-123456-", r["Content-Disposition"])

    def test_the_clinic_export_of_b_contains_no_line_of_a(self) -> None:
        self.clean_course()
        b = self.clinic_b_course()
        self.login(self.charlie)
        got = rows(body(self.client.get("/clinic/export.csv")))
        self.assertEqual(len(got), 1)
        self.assertEqual({x["provider_id"] for x in got}, {"654321"})
        self.assertEqual({x["course_id"] for x in got}, {str(b.pk)})
        self.assertEqual({x["patient_id"] for x in got}, {str(b.patient_id)})

    def test_the_real_audit_of_the_clinic_export_finds_only_the_planted_line(self) -> None:
        a = self.clean_course()
        planted = self.plant_window_violation(a)
        self.login(self.alice)
        data = body(self.client.get("/clinic/export.csv"))
        found = audit(data)
        self.assertEqual(found.height, 1, found.to_dicts())
        row = rows(data)[found.row(0, named=True)["row"] - 1]
        self.assertEqual(row["service_date"], planted.service_date.isoformat())
        self.assertEqual(row["service_code"], "0244")

    def test_a_clinic_export_is_audit_logged(self) -> None:
        self.login(self.alice)
        body(self.client.get("/clinic/export.csv"))
        event = AuditEvent.objects.get(action=AuditEvent.EXPORT)
        self.assertEqual((event.object_type, event.object_id), ("Clinic", str(self.clinic.pk)))
        self.assertEqual(event.clinic, self.clinic)

    def test_an_empty_clinic_export_is_just_the_header(self) -> None:
        self.login(self.charlie)
        data = body(self.client.get("/clinic/export.csv"))
        self.assertEqual(data.decode(), ",".join(COLUMNS) + "\n")

    def test_an_anonymous_user_is_sent_to_login_for_the_clinic_export(self) -> None:
        r = self.client.get("/clinic/export.csv")
        self.assertRedirects(r, "/login/?next=/clinic/export.csv", fetch_redirect_response=False)
