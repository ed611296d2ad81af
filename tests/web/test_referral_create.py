"""Registering a referral; the group is suggested from the diagnosis code (003 Bilag 4).

Bilag 4 (src/forlob/decision/data/diagnosis.toml): ICPC L03 and L84 are group 1, L86 group 2;
ICD-10 DM545 (lumbago) belongs to L03, DM543 (ischias) to L86.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from tests.web.base import BaseTestCase

from forlob.web.models import AuditEvent, Referral


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "date": "2025-03-03",
        "gp_name": "Lægehuset",
        "gp_provider_id": "012345",
        "diagnosis_system": "ICPC",
        "diagnosis_code": "L86",
        "diagnosis_text": "Rygsyndrom med smerteudstråling",
        "reason": "Smerter i venstre ben",
        "group": "",
    }
    data.update(overrides)
    return data


class ReferralCreateTestCase(BaseTestCase):
    def url(self) -> str:
        return f"/patients/{self.patient.pk}/referrals/new/"

    def new_referrals(self):  # type: ignore[no-untyped-def]
        return Referral.objects.filter(patient=self.patient).exclude(pk=self.referral.pk)

    def test_anonymous_is_sent_to_login(self) -> None:
        r = self.client.get(self.url())
        self.assertRedirects(r, f"/login/?next={self.url()}", fetch_redirect_response=False)
        self.assertEqual(self.client.post(self.url(), _form()).status_code, 302)
        self.assertFalse(self.new_referrals().exists())

    def test_charlie_gets_404_and_creates_nothing(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), _form()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), _form(suggest="1")).status_code, 404)
        self.assertFalse(self.new_referrals().exists())

    def test_the_form_starts_with_today_and_icpc(self) -> None:
        self.login(self.alice)
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["form"]["date"].value(), timezone.localdate())
        self.assertEqual(r.context["form"]["diagnosis_system"].value(), "ICPC")
        self.assertContains(r, '<option value="L86">')  # Bilag 4 codes offered as a pick list

    def suggest(self, code: str, system: str = "ICPC", **more: str):  # type: ignore[no-untyped-def]
        self.login(self.alice)
        fields = _form(diagnosis_code=code, diagnosis_system=system, diagnosis_text="", **more)
        self.client.cookies["django_language"] = "en"  # the page's English texts
        r = self.client.post(self.url(), {**fields, "suggest": "1"})
        self.assertEqual(r.status_code, 200)
        self.assertFalse(self.new_referrals().exists())  # suggesting saves nothing
        return r

    def test_it_suggests_group_2_for_l86(self) -> None:
        r = self.suggest("L86")
        self.assertEqual(r.context["suggestion"].group, 2)
        self.assertEqual(r.context["form"]["group"].value(), 2)
        self.assertContains(r, "Suggested group 2 (003 Bilag 4)")
        # the diagnosis text is filled from Bilag 4 when left empty
        self.assertEqual(
            r.context["form"]["diagnosis_text"].value(), "Rygsyndrom med smerteudstråling"
        )

    def test_it_suggests_group_1_for_l03(self) -> None:
        r = self.suggest("l03")
        self.assertEqual(r.context["suggestion"].group, 1)
        self.assertEqual(r.context["form"]["group"].value(), 1)
        self.assertContains(r, "Suggested group 1 (003 Bilag 4)")

    def test_it_suggests_from_icd10_codes(self) -> None:
        self.assertEqual(self.suggest("DM543", "ICD-10").context["suggestion"].group, 2)
        self.assertEqual(self.suggest("M54.5", "ICD-10").context["suggestion"].group, 1)

    def test_it_keeps_a_group_the_clinician_chose(self) -> None:
        r = self.suggest("L86", group="1")
        self.assertEqual(r.context["suggestion"].group, 2)
        self.assertEqual(r.context["form"]["group"].value(), "1")

    def test_it_says_when_the_code_is_not_in_bilag_4(self) -> None:
        r = self.suggest("L83")
        self.assertIsNone(r.context["suggestion"])
        self.assertTrue(r.context["code_unmapped"])
        self.assertContains(r, "not listed in 003 Bilag 4")

    def test_a_code_in_the_wrong_system_is_not_suggested(self) -> None:
        self.assertIsNone(self.suggest("DM543", "ICPC").context["suggestion"])

    def test_saving_stores_the_referral_with_the_suggested_group_and_logs_it(self) -> None:
        self.login(self.bob)
        r = self.client.post(self.url(), _form())
        referral = self.new_referrals().get()
        self.assertRedirects(
            r,
            f"/patients/{self.patient.pk}/#referral-{referral.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(referral.date, dt.date(2025, 3, 3))
        self.assertEqual((referral.gp_name, referral.gp_provider_id), ("Lægehuset", "012345"))
        self.assertEqual((referral.diagnosis_system, referral.diagnosis_code), ("ICPC", "L86"))
        self.assertEqual(referral.reason, "Smerter i venstre ben")
        self.assertEqual(referral.group, 2)
        event = AuditEvent.objects.get(
            action=AuditEvent.CREATE, object_type="Referral", object_id=str(referral.pk)
        )
        self.assertEqual((event.user, event.clinic), (self.bob, self.clinic))

    def test_saving_keeps_the_clinicians_group(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), _form(group="1"))
        self.assertEqual(self.new_referrals().get().group, 1)

    def test_an_unmapped_code_saves_without_a_group(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), _form(diagnosis_code="L83", diagnosis_text="Nakkesyndrom"))
        self.assertIsNone(self.new_referrals().get().group)

    def test_the_gp_provider_number_is_optional(self) -> None:
        self.login(self.alice)
        self.client.post(
            self.url(), _form(gp_provider_id="", diagnosis_code="DM545", diagnosis_system="ICD-10")
        )
        referral = self.new_referrals().get()
        self.assertEqual((referral.gp_provider_id, referral.group), ("", 1))

    def test_a_danish_date_is_read(self) -> None:
        self.login(self.alice)
        self.client.post(self.url(), _form(date="03.03.2025"))
        self.assertEqual(self.new_referrals().get().date, dt.date(2025, 3, 3))

    def test_missing_fields_are_refused_next_to_them_and_nothing_saved(self) -> None:
        self.login(self.alice)
        r = self.client.post(self.url(), _form(gp_name="", diagnosis_text=""))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(set(r.context["form"].errors), {"gp_name", "diagnosis_text"})
        self.assertContains(
            r, '<p class="field has-error">\n  <label for="id_gp_name">', html=False
        )
        self.assertFalse(self.new_referrals().exists())

    def test_a_future_referral_date_is_refused(self) -> None:
        self.login(self.alice)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        r = self.client.post(self.url(), _form(date=tomorrow.isoformat()))
        self.assertIn("date", r.context["form"].errors)
        self.assertFalse(self.new_referrals().exists())
