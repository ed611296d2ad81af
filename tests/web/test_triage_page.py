"""Triage on the patient's page: the same `forlob.decision.triage` as `forlob triage` (003)."""

from __future__ import annotations

from tests.web.base import BaseTestCase

from forlob.web.models import AuditEvent


class TriagePageTestCase(BaseTestCase):
    def url(self) -> str:
        return f"/patients/{self.patient.pk}/triage/"

    def test_a_red_flag_gives_group_3_and_no_pathway(self) -> None:
        # 003 §3.3, Bilag 2: any red flag → group 3, the patient leaves the programme
        self.login(self.alice)
        r = self.client.post(
            self.url(),
            {
                "region": "low_back",
                "new_onset": "on",
                "red_flags": ["weight_loss"],
                "sick_leave_weeks": "0",
            },
        )
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["result"].group, 3)
        self.assertEqual(r.context["result"].pathways, ())
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.VIEW, detail="triage").exists())

    def test_paresis_grade_3_is_an_acute_referral(self) -> None:
        # 003 Bilag 3: paresis grade <= 3 → acute
        self.login(self.bob)
        r = self.client.post(
            self.url(),
            {
                "region": "low_back",
                "new_onset": "on",
                "paresis_grade": "3",
                "sick_leave_weeks": "0",
            },
        )
        self.assertEqual(r.context["result"].group, 2)
        self.assertEqual(r.context["result"].urgency, "acute")
        self.assertContains(r, 'data-urgency="acute"')

    def test_a_paresis_grade_out_of_range_is_shown_next_to_the_field(self) -> None:
        self.login(self.alice)
        r = self.client.post(
            self.url(), {"region": "low_back", "paresis_grade": "7", "sick_leave_weeks": "0"}
        )
        self.assertIsNone(r.context["result"])
        self.assertIn("paresis_grade", r.context["form"].errors)

    def test_charlie_gets_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_anonymous_is_sent_to_login(self) -> None:
        r = self.client.get(self.url())
        self.assertRedirects(r, f"/login/?next={self.url()}", fetch_redirect_response=False)
