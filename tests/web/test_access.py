"""Which clinic and which role: pages work in the active clinic, the API in all of the user's
clinics; patient data needs a clinician or admin, the audit log a clinic admin (access.py)."""

from __future__ import annotations

import datetime as dt

from django.test import RequestFactory
from tests.web.api_base import ApiTestCase

from forlob.web.access import access_course
from forlob.web.actions.courses import do_add_service_line
from forlob.web.actions.patients import do_create_patient
from forlob.web.change_check import LineDraft
from forlob.web.models import AuditEvent, Membership, Patient

START = dt.date(2025, 1, 13)


class AccessTestCase(ApiTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", START)
        outcome = do_add_service_line(self.course, LineDraft(START, "0241"), actor=self.alice)
        assert outcome.line is not None
        self.line = outcome.line
        self.b_patient = do_create_patient(
            self.other_clinic,
            {"cpr": "0202802345", "name": "Bent Berg"},
            actor=self.charlie,
        )

    def clinic_a_pages(self) -> list[str]:
        """Every page of one of clinic A's records (the patient's, the course's, a line's)."""
        p, c, r, x = self.patient.pk, self.course.pk, self.referral.pk, self.line.pk
        return [
            f"/patients/{p}/",
            f"/patients/{p}/edit/",
            f"/patients/{p}/triage/",
            f"/patients/{p}/referrals/new/",
            f"/referrals/{r}/courses/new/",
            f"/courses/{c}/",
            f"/courses/{c}/edit/",
            f"/courses/{c}/lines/new/",
            f"/lines/{x}/edit/",
            f"/lines/{x}/delete/",
            f"/courses/{c}/questionnaires/send/",
            f"/courses/{c}/questionnaires/enter/",
            f"/courses/{c}/chart.svg",
            f"/courses/{c}/export.csv",
            f"/courses/{c}/letters/discharge/",
            f"/courses/{c}/letters/discharge.pdf",
        ]

    def work_in(self, clinic_id: int) -> None:
        r = self.client.post("/clinic/choose/", {"clinic": clinic_id})
        self.assertEqual(r.status_code, 302)


class ActiveClinicTestCase(AccessTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Bob works in both clinics
        Membership.objects.create(user=self.bob, clinic=self.other_clinic)
        self.login(self.bob)

    def test_a_user_of_two_clinics_gets_404_for_the_other_clinics_records(self) -> None:
        self.work_in(self.other_clinic.pk)
        for url in self.clinic_a_pages():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(f"/patients/{self.b_patient.pk}/").status_code, 200)
        # nothing of clinic A was logged as seen
        self.assertFalse(
            AuditEvent.objects.filter(action=AuditEvent.VIEW, clinic=self.clinic).exists()
        )

    def test_after_switching_clinic_the_records_open(self) -> None:
        self.work_in(self.other_clinic.pk)
        self.work_in(self.clinic.pk)
        for url in self.clinic_a_pages():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.get(f"/patients/{self.b_patient.pk}/").status_code, 404)

    def test_nothing_is_written_into_the_other_clinic(self) -> None:
        self.work_in(self.other_clinic.pk)
        r = self.client.post(
            f"/courses/{self.course.pk}/lines/new/",
            {"service_date": "2025-01-27", "code": "0243", "quantity": "1"},
        )
        self.assertEqual(r.status_code, 404)
        self.assertEqual(self.course.lines.count(), 1)
        r = self.client.post(f"/patients/{self.patient.pk}/edit/", {"name": "Changed"})
        self.assertEqual(r.status_code, 404)
        self.assertEqual(Patient.objects.get(pk=self.patient.pk).name, "Hanne Hansen")

    def test_the_clinic_pages_show_the_active_clinic_only(self) -> None:
        self.work_in(self.other_clinic.pk)
        html = self.client.get("/patients/").content.decode()
        self.assertIn("Bent Berg", html)
        self.assertNotIn("Hanne Hansen", html)
        self.work_in(self.clinic.pk)
        html = self.client.get("/patients/").content.decode()
        self.assertIn("Hanne Hansen", html)
        self.assertNotIn("Bent Berg", html)

    def test_a_clinic_the_user_is_not_a_member_of_cannot_be_chosen(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(
            self.client.post("/clinic/choose/", {"clinic": self.clinic.pk}).status_code, 404
        )
        self.assertEqual(self.client.get(f"/patients/{self.patient.pk}/").status_code, 404)


class ApiAcrossClinicsTestCase(AccessTestCase):
    def test_the_api_reaches_every_clinic_of_the_user_whatever_the_session_chose(self) -> None:
        Membership.objects.create(user=self.alice, clinic=self.other_clinic)
        self.ok("GET", f"/patients/{self.patient.pk}")
        self.ok("GET", f"/patients/{self.b_patient.pk}")
        self.login(self.alice)
        self.work_in(self.other_clinic.pk)
        self.ok("GET", f"/courses/{self.course.pk}", token=None)
        listed = self.ok("GET", "/patients", token=None)
        self.assertEqual(
            {p["clinic"] for p in listed["items"]}, {self.clinic.pk, self.other_clinic.pk}
        )


class RolesTestCase(AccessTestCase):
    def setUp(self) -> None:
        super().setUp()
        # a member of clinic A whose role gives no access to patient data
        self.dora = type(self.alice).objects.create_user("dora", "dora@example.org", "pw")
        Membership.objects.create(user=self.dora, clinic=self.clinic, role="reception")

    def test_patient_data_needs_a_clinician_or_an_admin(self) -> None:
        self.login(self.dora)
        for url in [*self.clinic_a_pages(), "/patients/", "/worklist/", "/clinic/export.csv"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.VIEW, user=self.dora))
        for user in (self.alice, self.bob):
            self.login(user)
            self.assertEqual(self.client.get(f"/courses/{self.course.pk}/").status_code, 200)

    def test_a_member_without_the_role_reaches_no_patient_data_through_the_api(self) -> None:
        self.login(self.dora)
        r = self.call("GET", f"/patients/{self.patient.pk}")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(self.call("GET", "/patients").json()["count"], 0)

    def test_the_audit_log_needs_a_clinic_admin(self) -> None:
        for user, status in ((self.alice, 200), (self.bob, 403), (self.dora, 403)):
            self.login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/clinic/audit-log/").status_code, status)

    def test_the_rights_come_with_the_record(self) -> None:
        factory = RequestFactory()
        for user, admin in ((self.alice, True), (self.bob, False)):
            request = factory.get("/")
            request.user = user
            request.session = self.client.session
            course, rights = access_course(request, self.course.pk)
            self.assertEqual(course, self.course)
            self.assertEqual((rights.clinic, rights.clinic_admin), (self.clinic, admin))
            self.assertTrue(rights.patient_data)
