"""Creating a patient: CPR checked next to its field, birth date from the CPR, audit-logged."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from tests.web.base import BaseTestCase

from forlob.web.models import AuditEvent, Patient

URL = "/patients/new/"


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "cpr": "150392-4567",
        "name": "Jens Jensen",
        "email": "jens@example.org",
        "phone": "+45 12 34 56 78",
        "consent_beyond_journal": "on",
    }
    data.update(overrides)
    return data


class PatientCreateTestCase(BaseTestCase):
    def _field_has_error(self, html: str, name: str) -> bool:
        """The field's own paragraph carries the error (it is shown next to the field)."""
        block = re.search(
            rf'<p class="field has-error">\s*<label for="id_{name}">.*?</p>', html, re.S
        )
        return block is not None and 'class="error"' in block.group(0)

    def test_anonymous_is_sent_to_login(self) -> None:
        r = self.client.get(URL)
        self.assertRedirects(r, f"/login/?next={URL}", fetch_redirect_response=False)
        r = self.client.post(URL, _form())
        self.assertEqual(r.status_code, 302)
        self.assertFalse(Patient.objects.filter(name="Jens Jensen").exists())

    def test_it_shows_the_form(self) -> None:
        self.login(self.alice)
        r = self.client.get(URL)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'name="cpr"')
        self.assertContains(r, 'name="consent_beyond_journal"')

    def test_it_saves_the_patient_with_the_birth_date_from_the_cpr(self) -> None:
        self.login(self.alice)
        r = self.client.post(URL, _form())
        patient = Patient.objects.get(name="Jens Jensen")
        self.assertRedirects(r, f"/patients/{patient.pk}/", fetch_redirect_response=False)
        self.assertEqual(patient.clinic, self.clinic)
        self.assertEqual(patient.cpr, "1503924567")  # stored without the dash
        self.assertEqual(patient.birth_date, dt.date(1992, 3, 15))
        self.assertEqual(patient.email, "jens@example.org")
        self.assertEqual(patient.phone, "+45 12 34 56 78")
        self.assertTrue(patient.consent_beyond_journal)
        self.assertIsNotNone(patient.consent_recorded_at)

    def test_it_takes_ten_digits_and_the_century_from_the_seventh(self) -> None:
        self.login(self.alice)
        self.client.post(URL, _form(cpr="0101105123", consent_beyond_journal=""))
        patient = Patient.objects.get(cpr="0101105123")
        self.assertEqual(patient.birth_date, dt.date(2010, 1, 1))
        self.assertFalse(patient.consent_beyond_journal)
        self.assertIsNone(patient.consent_recorded_at)

    def test_the_creation_is_audit_logged_without_personal_data(self) -> None:
        self.login(self.bob)
        self.client.post(URL, _form())
        patient = Patient.objects.get(name="Jens Jensen")
        event = AuditEvent.objects.get(
            action=AuditEvent.CREATE, object_type="Patient", object_id=str(patient.pk)
        )
        self.assertEqual(event.user, self.bob)
        self.assertEqual(event.clinic, self.clinic)
        self.assertNotIn("1503924567", event.detail)
        self.assertNotIn("Jensen", event.detail)

    def test_an_impossible_date_is_refused_next_to_the_field_and_nothing_saved(self) -> None:
        self.login(self.alice)
        before = Patient.objects.count()
        events = AuditEvent.objects.filter(action=AuditEvent.CREATE).count()
        r = self.client.post(URL, _form(cpr="310480-1234"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("cpr", r.context["form"].errors)
        self.assertTrue(self._field_has_error(r.content.decode(), "cpr"))
        self.assertFalse(self._field_has_error(r.content.decode(), "name"))
        self.assertEqual(Patient.objects.count(), before)
        self.assertEqual(AuditEvent.objects.filter(action=AuditEvent.CREATE).count(), events)

    def test_a_danish_page_says_why_the_cpr_is_refused_in_danish(self) -> None:
        self.login(self.alice)
        r = self.client.post(URL, _form(cpr="310480-1234"))
        self.assertContains(
            r, "De første seks cifre i et CPR-nummer skal være en gyldig dato (DDMMÅÅ)."
        )
        r = self.client.post(URL, _form(cpr="12345"))
        self.assertContains(r, "Et CPR-nummer har ti cifre (DDMMÅÅ-XXXX).")

    def test_an_english_page_says_why_the_cpr_is_refused_in_english(self) -> None:
        self.login(self.alice)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        r = self.client.post(URL, _form(cpr="310480-1234"))
        self.assertContains(r, "The first six digits of a CPR number are a real date (DDMMYY).")
        self.assertNotContains(r, "gyldig dato")

    def test_letters_in_the_cpr_are_refused(self) -> None:
        self.login(self.alice)
        r = self.client.post(URL, _form(cpr="15039X-4567"))
        self.assertTrue(self._field_has_error(r.content.decode(), "cpr"))
        self.assertFalse(Patient.objects.filter(name="Jens Jensen").exists())

    def test_a_duplicate_cpr_in_the_clinic_is_refused_next_to_the_field(self) -> None:
        self.login(self.bob)
        r = self.client.post(URL, _form(cpr="010180-1234", name="Another Name"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["form"].errors.as_data()["cpr"][0].code, "duplicate_cpr")
        self.assertTrue(self._field_has_error(r.content.decode(), "cpr"))
        self.assertEqual(Patient.objects.filter(cpr="0101801234").count(), 1)
        # the error links to the patient already registered
        self.assertContains(r, f'href="/patients/{self.patient.pk}/"')

    def test_the_same_cpr_may_be_registered_in_another_clinic(self) -> None:
        self.login(self.charlie)
        r = self.client.post(URL, _form(cpr="0101801234", name="Hanne Hansen"))
        created = Patient.objects.get(clinic=self.other_clinic, cpr="0101801234")
        self.assertRedirects(r, f"/patients/{created.pk}/", fetch_redirect_response=False)
        # and Charlie's form never told him that clinic A has the patient
        self.assertEqual(Patient.objects.filter(cpr="0101801234").count(), 2)

    def test_a_patient_is_created_in_the_users_own_clinic(self) -> None:
        self.login(self.charlie)
        self.client.post(URL, _form())
        self.assertEqual(Patient.objects.get(name="Jens Jensen").clinic, self.other_clinic)

    def test_the_birth_date_is_shown_when_the_form_comes_back(self) -> None:
        self.login(self.alice)
        r = self.client.post(URL, _form(name=""))
        self.assertEqual(r.context["birth_date"], dt.date(1992, 3, 15))
        self.assertContains(r, "15.03.1992")
        self.assertTrue(self._field_has_error(r.content.decode(), "name"))
        self.assertFalse(Patient.objects.filter(cpr="1503924567").exists())

    def test_a_bad_email_or_phone_is_refused(self) -> None:
        self.login(self.alice)
        r = self.client.post(URL, _form(email="not-an-address", phone="12"))
        self.assertTrue(self._field_has_error(r.content.decode(), "email"))
        self.assertTrue(self._field_has_error(r.content.decode(), "phone"))
        self.assertFalse(Patient.objects.filter(cpr="1503924567").exists())
