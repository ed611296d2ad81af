from __future__ import annotations

import datetime as dt

from tests.web.api_base import ApiTestCase

from forlob.web.models import AuditEvent, Referral

BODY = {
    "date": "2025-02-03",
    "gp_name": "Lægehuset i Byen",
    "diagnosis_system": "ICPC",
    "diagnosis_code": "L86",
    "diagnosis_text": "Rygsyndrom med smerteudstråling",
    "reason": "Smerter i ben",
}


class ApiReferralsTestCase(ApiTestCase):
    def path(self) -> str:
        return f"/patients/{self.patient.pk}/referrals"

    # -- GET --------------------------------------------------------------------------------

    def test_the_patients_referrals_are_listed_and_the_view_logged(self) -> None:
        body = self.ok("GET", self.path())
        self.assertEqual([r["id"] for r in body], [self.referral.pk])
        self.assertEqual(body[0]["date"], "2025-01-06")
        self.assertEqual(body[0]["diagnosis_code"], "L86")
        [view] = self.events(AuditEvent.VIEW, "Patient", self.patient.pk)
        self.assertEqual(view.detail, "referrals")

    def test_charlie_gets_404_for_the_referrals_of_a_patient_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("GET", self.path())

    def test_the_referral_list_needs_authentication(self) -> None:
        self.assert_anonymous_refused("GET", self.path())
        self.assert_wrong_token_refused("GET", self.path())

    # -- POST -------------------------------------------------------------------------------

    def test_a_referral_is_created_with_the_group_suggested_from_the_code(self) -> None:
        body = self.ok("POST", self.path(), BODY, status=201)
        referral = Referral.objects.get(pk=body["id"])
        self.assertEqual(referral.patient, self.patient)
        self.assertEqual(referral.date, dt.date(2025, 2, 3))
        # L86 (back syndrome with radiating pain) is group 2 in 003 Bilag 4
        self.assertEqual(referral.group, 2)
        self.assertEqual(body["group"], 2)
        [event] = self.events(AuditEvent.CREATE, "Referral", referral.pk)
        self.assertEqual(event.clinic, self.clinic)
        self.assertEqual(event.user, self.alice)

    def test_a_group_given_is_kept(self) -> None:
        body = self.ok("POST", self.path(), {**BODY, "group": 1}, status=201)
        self.assertEqual(Referral.objects.get(pk=body["id"]).group, 1)

    def test_a_referral_without_a_date_is_refused(self) -> None:
        body = self.ok("POST", self.path(), {**BODY, "date": "3.2.2025"}, status=422)
        self.assertEqual(body["detail"][0]["loc"][-1], "date")
        self.assertEqual(Referral.objects.count(), 1)

    def test_charlie_cannot_add_a_referral_to_a_patient_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("POST", self.path(), BODY)
        self.assertEqual(Referral.objects.count(), 1)

    def test_adding_a_referral_needs_authentication(self) -> None:
        self.assert_anonymous_refused("POST", self.path(), BODY)
        self.assert_wrong_token_refused("POST", self.path(), BODY)
        self.assertEqual(Referral.objects.count(), 1)

    def test_adding_a_referral_through_the_session_needs_the_csrf_token(self) -> None:
        body = self.assert_needs_csrf_with_session("POST", self.path(), BODY)
        self.assertEqual(Referral.objects.get(pk=body["id"]).patient, self.patient)
