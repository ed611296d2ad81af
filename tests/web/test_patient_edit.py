"""Editing a patient's contact and consent; each change audit-logged by field name."""

from __future__ import annotations

from tests.web.base import BaseTestCase

from forlob.web.models import AuditEvent, Patient


def _form(**overrides: str) -> dict[str, str]:
    data = {"name": "Hanne Hansen", "email": "hanne@example.org", "phone": ""}
    data.update(overrides)
    return data


class PatientEditTestCase(BaseTestCase):
    def url(self) -> str:
        return f"/patients/{self.patient.pk}/edit/"

    def updates(self):  # type: ignore[no-untyped-def]
        return AuditEvent.objects.filter(
            action=AuditEvent.UPDATE, object_type="Patient", object_id=str(self.patient.pk)
        )

    def test_anonymous_is_sent_to_login(self) -> None:
        r = self.client.get(self.url())
        self.assertRedirects(r, f"/login/?next={self.url()}", fetch_redirect_response=False)
        r = self.client.post(self.url(), _form(consent_beyond_journal="on"))
        self.assertEqual(r.status_code, 302)
        self.patient.refresh_from_db()
        self.assertFalse(self.patient.consent_beyond_journal)

    def test_charlie_gets_404_and_changes_nothing(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        r = self.client.post(self.url(), _form(email="x@example.org", consent_beyond_journal="on"))
        self.assertEqual(r.status_code, 404)
        self.patient.refresh_from_db()
        self.assertEqual(self.patient.email, "hanne@example.org")
        self.assertFalse(self.patient.consent_beyond_journal)
        self.assertFalse(self.updates().exists())

    def test_it_shows_the_form_filled_in_and_logs_the_view(self) -> None:
        self.login(self.bob)
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["form"]["email"].value(), "hanne@example.org")
        self.assertContains(r, "010180-1234")
        self.assertTrue(
            AuditEvent.objects.filter(
                action=AuditEvent.VIEW, object_id=str(self.patient.pk), detail="edit"
            ).exists()
        )

    def test_giving_consent_is_saved_dated_and_logged_by_field_name(self) -> None:
        self.login(self.alice)
        r = self.client.post(self.url(), _form(consent_beyond_journal="on"))
        self.assertRedirects(r, f"/patients/{self.patient.pk}/", fetch_redirect_response=False)
        self.patient.refresh_from_db()
        self.assertTrue(self.patient.consent_beyond_journal)
        self.assertIsNotNone(self.patient.consent_recorded_at)
        event = self.updates().get()
        self.assertEqual(event.detail, "consent_beyond_journal")
        self.assertEqual(event.user, self.alice)
        self.assertEqual(event.clinic, self.clinic)

    def test_withdrawing_consent_is_saved_and_logged(self) -> None:
        Patient.objects.filter(pk=self.patient.pk).update(consent_beyond_journal=True)
        self.login(self.alice)
        self.client.post(self.url(), _form())  # checkbox left out = unticked
        self.patient.refresh_from_db()
        self.assertFalse(self.patient.consent_beyond_journal)
        self.assertEqual(self.updates().get().detail, "consent_beyond_journal")

    def test_a_contact_change_is_logged_with_its_fields_only(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), _form(email="new@example.org", phone="12345678"))
        self.patient.refresh_from_db()
        self.assertEqual((self.patient.email, self.patient.phone), ("new@example.org", "12345678"))
        self.assertEqual(self.updates().get().detail, "email,phone")

    def test_saving_without_changes_logs_no_update(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), _form())
        self.assertFalse(self.updates().exists())

    def test_the_cpr_number_cannot_be_changed_here(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), _form(cpr="0202902345"))
        self.patient.refresh_from_db()
        self.assertEqual(self.patient.cpr, "0101801234")

    def test_a_bad_email_is_refused_and_nothing_saved(self) -> None:
        self.login(self.alice)
        r = self.client.post(self.url(), _form(email="nope", consent_beyond_journal="on"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("email", r.context["form"].errors)
        self.patient.refresh_from_db()
        self.assertFalse(self.patient.consent_beyond_journal)
        self.assertFalse(self.updates().exists())
