"""The clinician enters a round's answers on the patient's behalf."""

from __future__ import annotations

from decimal import Decimal

from tests.web.base import BaseTestCase
from tests.web.questionnaire_support import ODI_16_OF_50, answer_post, send

from forlob.web.models import AuditEvent, QuestionnaireAnswer, QuestionnaireRound


class RoundEnterTest(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL")
        self.url = f"/courses/{self.course.pk}/questionnaires/enter/"

    def test_the_entry_form_shows_the_pathway_questionnaires(self) -> None:
        self.login(self.bob)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('name="nprs-pain"', html)
        self.assertIn('name="odi-pain_intensity"', html)
        self.assertIn('name="psfs-name-1"', html)
        self.assertNotIn('name="ndi-', html)

    def test_entering_answers_scores_them_as_answered_by_the_clinician(self) -> None:
        self.login(self.bob)
        data = answer_post(nprs=8, odi=ODI_16_OF_50, psfs=[("Sidde ved computer", 2)])
        data["plan_key"] = "questionnaire:0241"
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(f"/courses/{self.course.pk}/"))
        r = QuestionnaireRound.objects.get(course=self.course)
        self.assertEqual(r.answered_by, "clinician")
        self.assertEqual(r.plan_key, "questionnaire:0241")
        self.assertIsNone(r.token_hash)
        self.assertIsNotNone(r.completed_at)
        scores = dict(QuestionnaireAnswer.objects.values_list("instrument", "score"))
        self.assertEqual(
            scores, {"nprs": Decimal("8.0"), "odi": Decimal("32.0"), "psfs": Decimal("2.0")}
        )

    def test_entering_answers_is_audit_logged_as_create(self) -> None:
        self.login(self.bob)
        self.client.post(self.url, answer_post(nprs=8, odi=ODI_16_OF_50, psfs=[("Gå", 2)]))
        event = AuditEvent.objects.get(action=AuditEvent.CREATE, object_type="QuestionnaireRound")
        self.assertEqual(event.user, self.bob)
        self.assertEqual(event.clinic, self.clinic)
        self.assertIn("answered_by=clinician", event.detail)
        self.assertNotIn("Gå", event.detail)

    def test_viewing_the_entry_form_is_logged(self) -> None:
        self.login(self.bob)
        self.client.get(self.url)
        self.assertTrue(
            AuditEvent.objects.filter(
                action=AuditEvent.VIEW, object_type="Course", object_id=str(self.course.pk)
            ).exists()
        )

    def test_an_invalid_entry_is_shown_again_with_its_error_and_nothing_saved(self) -> None:
        self.login(self.bob)
        response = self.client.post(self.url, answer_post(nprs=None, odi=ODI_16_OF_50))
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn('data-for="nprs-pain"', html)
        self.assertIn('data-for="psfs-name-1"', html)
        self.assertRegex(html, r'name="odi-pain_intensity" value="3"[^>]*checked')
        self.assertFalse(QuestionnaireRound.objects.exists())

    def test_entering_into_a_sent_round_uses_up_its_link(self) -> None:
        sent = send(self.alice, self.course, plan_key="questionnaire:0241")
        self.login(self.bob)
        data = answer_post(nprs=5, odi=ODI_16_OF_50, psfs=[("Gå", 4)])
        data["round"] = str(sent.round.pk)
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        self.assertEqual(QuestionnaireRound.objects.count(), 1)
        self.assertEqual(QuestionnaireRound.objects.get().answered_by, "clinician")
        self.client.logout()
        self.assertEqual(self.client.get(f"/q/{sent.token}/").status_code, 410)

    def test_an_answered_round_cannot_be_entered_again(self) -> None:
        sent = send(self.alice, self.course)
        self.client.post(f"/q/{sent.token}/", answer_post(odi=ODI_16_OF_50, psfs=[("Gå", 4)]))
        self.login(self.bob)
        data = answer_post(nprs=1, odi=ODI_16_OF_50, psfs=[("Gå", 9)])
        data["round"] = str(sent.round.pk)
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        nprs = QuestionnaireAnswer.objects.get(instrument="nprs")
        self.assertEqual(nprs.score, Decimal("6.0"))  # the patient's answer stands

    def test_a_neck_course_enters_ndi(self) -> None:
        course = self.start_course("NRC")
        self.login(self.bob)
        url = f"/courses/{course.pk}/questionnaires/enter/"
        self.assertIn('name="ndi-', self.client.get(url).content.decode())
        response = self.client.post(url, answer_post(nprs=2, ndi=[1] * 10, psfs=[("Læse", 8)]))
        self.assertEqual(response.status_code, 302)
        ndi = QuestionnaireAnswer.objects.get(round__course=course, instrument="ndi")
        self.assertEqual(ndi.score, Decimal("20.0"))

    def test_charlie_gets_404_for_clinic_a_course(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        data = answer_post(nprs=5, odi=ODI_16_OF_50, psfs=[("Gå", 4)])
        self.assertEqual(self.client.post(self.url, data).status_code, 404)
        self.assertFalse(QuestionnaireRound.objects.exists())

    def test_charlie_cannot_enter_into_a_clinic_a_round_through_his_own_course(self) -> None:
        sent = send(self.alice, self.course)
        self.login(self.charlie)
        data = answer_post(nprs=5, odi=ODI_16_OF_50, psfs=[("Gå", 4)])
        data["round"] = str(sent.round.pk)
        self.assertEqual(self.client.post(self.url, data).status_code, 404)
        self.assertIsNone(QuestionnaireRound.objects.get().completed_at)

    def test_an_anonymous_user_is_sent_to_login(self) -> None:
        for response in (self.client.get(self.url), self.client.post(self.url, {})):
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith("/login/?next="))
