from __future__ import annotations

import datetime as dt
from unittest import mock

from django.db.models import QuerySet
from django.utils import translation
from tests.web.api_base import ApiTestCase

from forlob.web.actions.patients import do_create_patient
from forlob.web.models import AuditEvent, Membership, Patient


class ApiPatientsTestCase(ApiTestCase):
    def setUp(self) -> None:
        self.other_patient = do_create_patient(
            self.other_clinic,
            {"cpr": "0202902345", "name": "Ole Olsen"},
            actor=self.charlie,
        )

    # -- GET /patients ----------------------------------------------------------------------

    def test_the_list_shows_the_users_clinics_patients_only(self) -> None:
        body = self.ok("GET", "/patients")
        self.assertEqual([p["id"] for p in body["items"]], [self.patient.pk])
        self.assertEqual(body["count"], 1)
        self.assertEqual(body["items"][0]["cpr"], "0101801234")
        self.assertEqual(body["items"][0]["birth_date"], "1980-01-01")

        body = self.ok("GET", "/patients", token=self.charlie_token)
        self.assertEqual([p["id"] for p in body["items"]], [self.other_patient.pk])

    def test_the_list_logs_a_view_of_each_patient_shown(self) -> None:
        self.ok("GET", "/patients")
        views = self.events(AuditEvent.VIEW, "Patient", self.patient.pk)
        self.assertEqual(len(views), 1)
        self.assertEqual(views[0].user, self.alice)
        self.assertEqual(views[0].clinic, self.clinic)
        self.assertEqual(self.events(AuditEvent.VIEW, "Patient", self.other_patient.pk), [])

    def test_the_list_filters_by_clinic_and_pages(self) -> None:
        do_create_patient(
            self.clinic, {"cpr": "0303703456", "name": "Anna Andersen"}, actor=self.alice
        )
        body = self.ok("GET", f"/patients?clinic={self.clinic.pk}&limit=1")
        self.assertEqual(body["count"], 2)
        self.assertEqual([p["name"] for p in body["items"]], ["Anna Andersen"])
        body = self.ok("GET", f"/patients?clinic={self.clinic.pk}&limit=1&offset=1")
        self.assertEqual([p["name"] for p in body["items"]], ["Hanne Hansen"])

    def test_charlie_cannot_filter_by_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("GET", f"/patients?clinic={self.clinic.pk}")

    def test_the_list_needs_authentication(self) -> None:
        self.assert_anonymous_refused("GET", "/patients")
        self.assert_wrong_token_refused("GET", "/patients")

    def test_the_list_works_with_the_browser_session(self) -> None:
        self.login(self.bob)
        r = self.client.get("/api/v1/patients")
        self.assertEqual(r.status_code, 200)
        self.assertEqual([p["id"] for p in r.json()["items"]], [self.patient.pk])

    # -- GET /patients/{id} -----------------------------------------------------------------

    def test_a_patient_is_shown_and_the_view_logged(self) -> None:
        body = self.ok("GET", f"/patients/{self.patient.pk}")
        self.assertEqual(body["name"], "Hanne Hansen")
        self.assertEqual(body["clinic"], self.clinic.pk)
        [view] = self.events(AuditEvent.VIEW, "Patient", self.patient.pk)
        self.assertEqual(view.user, self.alice)
        self.assertNotIn("0101801234", view.detail)

    def test_charlie_gets_404_for_a_patient_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("GET", f"/patients/{self.patient.pk}")

    def test_a_patient_that_does_not_exist_is_404(self) -> None:
        self.ok("GET", "/patients/999999", status=404)

    def test_a_patient_needs_authentication(self) -> None:
        self.assert_anonymous_refused("GET", f"/patients/{self.patient.pk}")
        self.assert_wrong_token_refused("GET", f"/patients/{self.patient.pk}")

    # -- POST /patients ---------------------------------------------------------------------

    def test_a_patient_is_created_with_the_birth_date_from_the_cpr_number(self) -> None:
        body = self.ok(
            "POST",
            "/patients",
            {"cpr": "241224-1321", "name": "Peter Jensen", "email": "pj@example.org"},
            status=201,
        )
        patient = Patient.objects.get(pk=body["id"])
        self.assertEqual(patient.clinic, self.clinic)
        self.assertEqual(patient.cpr, "2412241321")
        self.assertEqual(patient.birth_date, dt.date(1924, 12, 24))
        self.assertEqual(body["birth_date"], "1924-12-24")
        [event] = self.events(AuditEvent.CREATE, "Patient", patient.pk)
        self.assertEqual(event.user, self.alice)
        self.assertEqual(event.clinic, self.clinic)

    def test_a_cpr_number_that_is_not_a_date_is_refused_with_a_message(self) -> None:
        with translation.override("en"):
            body = self.ok(
                "POST",
                "/patients",
                {"cpr": "3102801234", "name": "Nobody"},
                status=422,
                HTTP_ACCEPT_LANGUAGE="en",
            )
        [issue] = body["detail"]
        self.assertEqual(issue["loc"][-1], "cpr")
        self.assertEqual(issue["type"], "cpr_invalid")
        self.assertIn("real date", issue["msg"])
        self.assertFalse(Patient.objects.filter(name="Nobody").exists())

    def test_a_cpr_number_without_ten_digits_is_refused(self) -> None:
        body = self.ok("POST", "/patients", {"cpr": "12345", "name": "Nobody"}, status=422)
        self.assertEqual(body["detail"][0]["type"], "cpr_invalid")

    def test_a_second_patient_with_the_same_cpr_number_is_a_conflict(self) -> None:
        body = self.ok(
            "POST", "/patients", {"cpr": "010180-1234", "name": "Hanne Igen"}, status=409
        )
        self.assertIn("detail", body)
        self.assertEqual(Patient.objects.filter(cpr="0101801234", clinic=self.clinic).count(), 1)

    def test_a_conflict_the_check_misses_is_answered_409_by_the_unique_constraint(self) -> None:
        # the check before the insert finds nothing (as if the other registration were not
        # committed yet): the database's constraint refuses, and the answer is the same 409
        with (
            mock.patch.object(QuerySet, "exists", return_value=False),
            self.assertNoLogs("django.request", "ERROR"),
        ):
            body = self.ok(
                "POST", "/patients", {"cpr": "010180-1234", "name": "Hanne Igen"}, status=409
            )
        self.assertEqual(body["detail"], "Klinikken har allerede en patient med dette CPR-nummer.")
        self.assertEqual(Patient.objects.filter(cpr="0101801234", clinic=self.clinic).count(), 1)

    def test_a_user_of_several_clinics_must_name_the_clinic(self) -> None:
        Membership.objects.create(user=self.alice, clinic=self.other_clinic)
        body = self.ok("POST", "/patients", {"cpr": "0505505555", "name": "Eva"}, status=422)
        self.assertEqual(body["detail"][0]["type"], "clinic_required")
        body = self.ok(
            "POST",
            "/patients",
            {"cpr": "0505505555", "name": "Eva", "clinic": self.other_clinic.pk},
            status=201,
        )
        self.assertEqual(body["clinic"], self.other_clinic.pk)

    def test_through_the_session_a_new_patient_goes_to_the_chosen_clinic(self) -> None:
        Membership.objects.create(user=self.alice, clinic=self.other_clinic)
        self.login(self.alice)
        session = self.client.session
        session["forlob_clinic"] = self.other_clinic.pk
        session.save()
        r = self.call("POST", "/patients", {"cpr": "0505505555", "name": "Eva"})
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(Patient.objects.get(cpr="0505505555").clinic, self.other_clinic)

    def test_charlie_cannot_create_a_patient_in_clinic_a(self) -> None:
        self.assert_hidden_from_charlie(
            "POST", "/patients", {"cpr": "0505505555", "name": "Eva", "clinic": self.clinic.pk}
        )
        self.assertFalse(Patient.objects.filter(cpr="0505505555").exists())

    def test_creating_a_patient_needs_authentication(self) -> None:
        body = {"cpr": "0505505555", "name": "Eva"}
        self.assert_anonymous_refused("POST", "/patients", body)
        self.assert_wrong_token_refused("POST", "/patients", body)
        self.assertFalse(Patient.objects.filter(cpr="0505505555").exists())

    def test_creating_a_patient_through_the_session_needs_the_csrf_token(self) -> None:
        body = self.assert_needs_csrf_with_session(
            "POST", "/patients", {"cpr": "0505505555", "name": "Eva"}
        )
        self.assertEqual(Patient.objects.get(cpr="0505505555").pk, body["id"])
