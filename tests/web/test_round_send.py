"""Sending a questionnaire round: a one-time link (hash stored only), e-mail, a new link."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.core import mail
from django.test import override_settings
from django.utils import timezone
from tests.web.base import BaseTestCase
from tests.web.questionnaire_support import ODI_16_OF_50, answer_post

from forlob.web.models import AuditEvent, QuestionnaireRound

LINK_RE = re.compile(r"http://testserver/q/([A-Za-z0-9_-]{40,})/")


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", QUESTIONNAIRE_LINK_DAYS=14
)
class RoundSendTest(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL")
        self.url = f"/courses/{self.course.pk}/questionnaires/send/"

    def send_planned(self, by_email: bool = True, user=None):  # type: ignore[no-untyped-def]
        self.login(user or self.bob)
        data = {"plan_key": "questionnaire:0241"}
        if by_email:
            data["by_email"] = "on"
        # the e-mail goes out when the round's transaction commits
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, data)

    def token_of(self, response) -> str:  # type: ignore[no-untyped-def]
        match = LINK_RE.search(response.content.decode())
        assert match is not None, "no link on the page"
        return match.group(1)

    def test_sending_a_planned_round_makes_a_link_with_its_instruments_and_expiry(self) -> None:
        before = timezone.now()
        response = self.send_planned(by_email=False)
        self.assertEqual(response.status_code, 200)
        r = QuestionnaireRound.objects.get(course=self.course)
        self.assertEqual(r.plan_key, "questionnaire:0241")
        self.assertEqual(r.instruments, ["nprs", "odi", "psfs"])
        self.assertEqual(r.created_by, self.bob)
        assert r.expires_at is not None
        self.assertGreaterEqual(r.expires_at, before + dt.timedelta(days=14))
        self.assertLess(r.expires_at, timezone.now() + dt.timedelta(days=14, minutes=1))
        self.assertIsNone(r.completed_at)
        self.assertEqual(len(mail.outbox), 0)
        self.assertIn("no-store", response["Cache-Control"])

    def test_only_the_hash_of_the_token_is_stored(self) -> None:
        token = self.token_of(self.send_planned(by_email=False))
        r = QuestionnaireRound.objects.get(course=self.course)
        self.assertEqual(r.token_hash, hashlib.sha256(token.encode()).hexdigest())
        values = QuestionnaireRound.objects.values_list().get(pk=r.pk)
        self.assertFalse(any(token in str(v) for v in values))
        self.assertFalse(AuditEvent.objects.filter(detail__contains=token).exists())

    def test_the_shown_link_opens_the_patient_page(self) -> None:
        token = self.token_of(self.send_planned(by_email=False))
        self.client.logout()
        self.assertEqual(self.client.get(f"/q/{token}/").status_code, 200)

    def test_sending_is_audit_logged_with_the_instruments_and_never_the_token(self) -> None:
        token = self.token_of(self.send_planned())
        event = AuditEvent.objects.get(action=AuditEvent.SEND)
        self.assertEqual(event.user, self.bob)
        self.assertEqual(event.clinic, self.clinic)
        self.assertEqual(event.object_type, "QuestionnaireRound")
        self.assertIn("instruments=nprs,odi,psfs", event.detail)
        self.assertIn("channel=email", event.detail)
        self.assertNotIn(token, event.detail)
        self.assertNotIn("hanne@example.org", event.detail)

    def test_the_e_mail_holds_the_link_and_no_cpr_or_name(self) -> None:
        token = self.token_of(self.send_planned())
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["hanne@example.org"])
        self.assertIn(f"http://testserver/q/{token}/", message.body)
        for text in (message.subject, message.body):
            for secret in ("0101801234", "010180-1234", "Hanne"):
                self.assertNotIn(secret, text)
        self.assertEqual(QuestionnaireRound.objects.get().sent_to, "hanne@example.org")

    def test_the_e_mail_waits_for_the_round_to_be_saved(self) -> None:
        self.login(self.bob)
        data = {"plan_key": "questionnaire:0241", "by_email": "on"}
        with self.captureOnCommitCallbacks(execute=False) as pending:
            self.client.post(self.url, data)
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(len(pending), 1)
        pending[0]()
        self.assertEqual(len(mail.outbox), 1)

    def test_no_e_mail_when_the_patient_has_no_address(self) -> None:
        self.patient.email = ""
        self.patient.save()
        response = self.send_planned(by_email=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(mail.outbox), 0)
        self.token_of(response)  # the link is still shown to copy

    def test_an_ad_hoc_round_takes_the_chosen_questionnaires(self) -> None:
        self.login(self.bob)
        response = self.client.post(self.url, {"instruments": ["nprs", "psfs"]})
        self.assertEqual(response.status_code, 200)
        r = QuestionnaireRound.objects.get(course=self.course)
        self.assertEqual((r.plan_key, r.instruments), ("", ["nprs", "psfs"]))

    def test_an_instrument_outside_the_pathway_set_is_refused(self) -> None:
        self.login(self.bob)
        response = self.client.post(self.url, {"instruments": ["ndi"]})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(QuestionnaireRound.objects.exists())

    def test_a_plan_key_not_in_the_plan_is_refused(self) -> None:
        self.login(self.bob)
        response = self.client.post(self.url, {"plan_key": "questionnaire:9999"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(QuestionnaireRound.objects.exists())

    def test_the_send_page_offers_the_pathway_set(self) -> None:
        self.login(self.bob)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for name in ("nprs", "odi", "psfs"):
            self.assertIn(f'value="{name}"', html)
        self.assertNotIn('value="ndi"', html)

    def test_a_new_link_expires_the_old_one_and_works_itself(self) -> None:
        old_token = self.token_of(self.send_planned(by_email=False))
        old = QuestionnaireRound.objects.get()
        response = self.client.post(self.url, {"renew": old.pk})
        self.assertEqual(response.status_code, 200)
        new_token = self.token_of(response)
        self.assertNotEqual(new_token, old_token)
        new = QuestionnaireRound.objects.exclude(pk=old.pk).get()
        self.assertEqual((new.plan_key, new.instruments), (old.plan_key, old.instruments))
        self.client.logout()
        self.assertEqual(self.client.get(f"/q/{old_token}/").status_code, 410)
        data = answer_post(nprs=5, odi=ODI_16_OF_50, psfs=[("Gå", 4)])
        self.assertEqual(self.client.post(f"/q/{new_token}/", data).status_code, 200)

    def test_no_new_link_for_an_answered_round(self) -> None:
        token = self.token_of(self.send_planned(by_email=False))
        self.client.post(f"/q/{token}/", answer_post(nprs=5, odi=ODI_16_OF_50, psfs=[("Gå", 4)]))
        r = QuestionnaireRound.objects.get()
        response = self.client.post(self.url, {"renew": r.pk})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(QuestionnaireRound.objects.count(), 1)

    def test_get_is_not_a_send(self) -> None:
        self.login(self.bob)
        self.client.get(self.url + "?plan_key=questionnaire:0241")
        self.assertFalse(QuestionnaireRound.objects.exists())

    def test_charlie_gets_404_for_clinic_a_course(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(
            self.client.post(self.url, {"plan_key": "questionnaire:0241"}).status_code, 404
        )
        self.assertFalse(QuestionnaireRound.objects.exists())

    def test_charlie_cannot_renew_a_clinic_a_round(self) -> None:
        self.send_planned(by_email=False)
        r = QuestionnaireRound.objects.get()
        self.login(self.charlie)
        self.assertEqual(self.client.post(self.url, {"renew": r.pk}).status_code, 404)
        self.assertEqual(QuestionnaireRound.objects.count(), 1)

    def test_an_anonymous_user_is_sent_to_login(self) -> None:
        for response in (self.client.get(self.url), self.client.post(self.url, {})):
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith("/login/?next="))
