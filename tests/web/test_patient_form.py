"""The patient's one-time questionnaire page /q/<token>/: no login, fills once, expires."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.utils import timezone
from tests.web.base import BaseTestCase
from tests.web.questionnaire_support import ODI_16_OF_45, ODI_16_OF_50, answer_post, send

from forlob.prom import load_instrument
from forlob.web.models import AuditEvent, QuestionnaireAnswer, QuestionnaireRound


class PatientFormTest(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL")
        self.sent = send(self.alice, self.course, plan_key="questionnaire:0241")
        self.url = f"/q/{self.sent.token}/"

    def post_answers(self, **kwargs: object):  # type: ignore[no-untyped-def]
        data = answer_post(nprs=7, odi=ODI_16_OF_50, psfs=[("Gå en tur", 3), ("Løfte barn", 5)])
        data.update(kwargs)
        return self.client.post(self.url, data)

    def test_the_page_needs_no_login_and_shows_the_danish_items_from_the_instrument_data(
        self,
    ) -> None:
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        odi = load_instrument("odi")
        for item in odi.items:
            self.assertIn(item.title_da, html)
        self.assertIn(odi.items[0].options[5].da, html)
        self.assertIn(load_instrument("nprs").items[0].title_da, html)
        self.assertIn(load_instrument("psfs").instructions_da.split()[0], html)
        # eleven NPRS buttons 0..10 and three PSFS activities
        self.assertEqual(html.count('name="nprs-pain"'), 11)
        self.assertIn('name="psfs-name-3"', html)
        self.assertNotIn('name="psfs-name-4"', html)

    def test_the_page_shows_no_clinic_navigation_and_no_patient_data(self) -> None:
        response = self.client.get(self.url)
        # the token in the URL travels nowhere else: no Referer, no caching
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        self.assertIn("no-store", response["Cache-Control"])
        html = response.content.decode()
        self.assertIn('name="viewport"', html)
        for absent in ("/worklist/", "/patients/", "/clinic/audit-log/", "Hanne", "0101801234"):
            self.assertNotIn(absent, html)

    def test_the_patient_can_choose_english(self) -> None:
        html = self.client.get(self.url + "?lang=en").content.decode()
        self.assertIn(load_instrument("odi").items[0].title_en, html)

    def test_a_submission_scores_odi_as_the_worked_example_and_stores_every_instrument(
        self,
    ) -> None:
        response = self.post_answers()
        self.assertEqual(response.status_code, 200)
        r = QuestionnaireRound.objects.get(pk=self.sent.round.pk)
        self.assertIsNotNone(r.completed_at)
        self.assertEqual(r.answered_by, "patient")
        rows = {a.instrument: a for a in QuestionnaireAnswer.objects.filter(round=r)}
        self.assertEqual(set(rows), {"nprs", "odi", "psfs"})
        # 16 of 50 → 32.0 % (tests/test_prom.py)
        self.assertEqual(rows["odi"].score, Decimal("32.0"))
        self.assertEqual(rows["odi"].unit, "%")
        self.assertEqual(rows["odi"].answers, ODI_16_OF_50)
        self.assertEqual(rows["nprs"].score, Decimal("7.0"))
        self.assertEqual(rows["psfs"].score, Decimal("4.0"))  # (3 + 5) / 2
        self.assertEqual(rows["psfs"].activities, ["Gå en tur", "Løfte barn"])

    def test_an_unanswered_odi_section_is_allowed_and_scored_on_the_answered(self) -> None:
        data = answer_post(nprs=4, odi=ODI_16_OF_45, psfs=[("Cykle", 6)])
        self.assertEqual(self.client.post(self.url, data).status_code, 200)
        odi = QuestionnaireAnswer.objects.get(round=self.sent.round, instrument="odi")
        self.assertEqual(odi.score, Decimal("35.6"))  # 16 / 45
        self.assertIsNone(odi.answers[7])

    def test_the_submission_is_audit_logged_without_a_user(self) -> None:
        self.post_answers()
        event = AuditEvent.objects.get(action=AuditEvent.CREATE, object_type="QuestionnaireRound")
        self.assertIsNone(event.user)
        self.assertEqual(event.clinic, self.clinic)
        self.assertIn("answered_by=patient", event.detail)
        self.assertNotIn(self.sent.token, event.detail)

    def test_the_link_fills_once_then_answers_410_to_get_and_post(self) -> None:
        self.assertEqual(self.post_answers().status_code, 200)
        again = self.client.get(self.url)
        self.assertEqual(again.status_code, 410)
        self.assertEqual(self.post_answers(**{"nprs-pain": "1"}).status_code, 410)
        # the first answers stand
        nprs = QuestionnaireAnswer.objects.get(round=self.sent.round, instrument="nprs")
        self.assertEqual(nprs.score, Decimal("7.0"))
        self.assertEqual(QuestionnaireAnswer.objects.filter(round=self.sent.round).count(), 3)

    def test_an_expired_link_answers_410_and_stores_nothing(self) -> None:
        QuestionnaireRound.objects.filter(pk=self.sent.round.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
        self.assertEqual(self.client.get(self.url).status_code, 410)
        self.assertEqual(self.post_answers().status_code, 410)
        self.assertFalse(QuestionnaireAnswer.objects.exists())
        self.assertIsNone(QuestionnaireRound.objects.get(pk=self.sent.round.pk).completed_at)

    def test_used_and_expired_pages_reveal_no_patient_or_clinic_data(self) -> None:
        self.post_answers()
        for html in (self.client.get(self.url).content.decode(),):
            for absent in ("Hanne", "0101801234", self.clinic.name, "nprs-pain"):
                self.assertNotIn(absent, html)

    def test_an_unknown_token_is_404(self) -> None:
        self.assertEqual(self.client.get("/q/not-a-real-token/").status_code, 404)
        self.assertEqual(self.client.post("/q/not-a-real-token/", {}).status_code, 404)

    def test_the_token_is_not_logged_on_a_refusal(self) -> None:
        self.post_answers()
        logger = logging.getLogger("django.request")
        with self.assertNoLogs(logger, level="DEBUG"):
            self.assertEqual(self.client.get(self.url).status_code, 410)
            self.assertEqual(self.client.get("/q/unknown-token/").status_code, 404)
            self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_a_missing_nprs_is_shown_next_to_it_and_the_other_answers_are_kept(self) -> None:
        data = answer_post(nprs=None, odi=ODI_16_OF_50, psfs=[("Gå en tur", 3)])
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(QuestionnaireAnswer.objects.exists())
        self.assertIsNone(QuestionnaireRound.objects.get(pk=self.sent.round.pk).completed_at)
        html = response.content.decode()
        # the error sits in the NPRS item's fieldset, next to it
        nprs_item = html[html.index('id="item-nprs-pain"') :]
        nprs_item = nprs_item[: nprs_item.index("</fieldset>")]
        self.assertIn('data-for="nprs-pain"', nprs_item)
        self.assertEqual(html.count('class="error"'), 1)
        # ODI section 1 answered 3 and the PSFS activity are still there
        self.assertRegex(html, r'name="odi-pain_intensity" value="3"[^>]*checked')
        self.assertIn('value="Gå en tur"', html)
        self.assertRegex(html, r'name="psfs-rating-1" value="3"[^>]*checked')

    def test_three_unanswered_odi_sections_are_marked_each(self) -> None:
        odi = [None, None, None, 1, 1, 1, 1, 1, 1, 1]
        response = self.client.post(self.url, answer_post(odi=odi, psfs=[("Cykle", 6)]))
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        for item in load_instrument("odi").items[:3]:
            self.assertIn(f'data-for="odi-{item.id}"', html)
        self.assertNotIn(f'data-for="odi-{load_instrument("odi").items[3].id}"', html)

    def test_a_named_activity_without_a_rating_is_refused_next_to_its_rating(self) -> None:
        data = answer_post(odi=ODI_16_OF_50, psfs=[("Gå en tur", 3), ("Støvsuge", None)])
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 400)
        self.assertIn('data-for="psfs-rating-2"', response.content.decode())

    def test_psfs_needs_at_least_one_activity(self) -> None:
        response = self.client.post(self.url, answer_post(odi=ODI_16_OF_50, psfs=[]))
        self.assertEqual(response.status_code, 400)
        self.assertIn('data-for="psfs-name-1"', response.content.decode())

    def test_a_neck_course_asks_ndi_instead_of_odi(self) -> None:
        course = self.start_course("NRC")
        sent = send(self.alice, course)
        sent.round.instruments = ["nprs", "ndi", "psfs"]
        sent.round.save()
        html = self.client.get(f"/q/{sent.token}/").content.decode()
        self.assertIn('name="ndi-', html)
        self.assertNotIn('name="odi-', html)
        data = answer_post(nprs=3, ndi=[2] * 10, psfs=[("Køre bil", 7)])
        self.assertEqual(self.client.post(f"/q/{sent.token}/", data).status_code, 200)
        ndi = QuestionnaireAnswer.objects.get(round=sent.round, instrument="ndi")
        self.assertEqual(ndi.score, Decimal("40.0"))  # 20 of 50
