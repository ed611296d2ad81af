"""The course's letters: prefilled, editable, saved with the course, downloadable as PDF."""

from __future__ import annotations

import datetime as dt

from tests.web.base import BaseTestCase

from forlob.web.actions.courses import do_add_service_line
from forlob.web.change_check import LineDraft
from forlob.web.models import AuditEvent, Letter


class LetterTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", dt.date(2025, 1, 13))
        do_add_service_line(self.course, LineDraft(dt.date(2025, 1, 13), "0241"), actor=self.alice)
        self.url = f"/courses/{self.course.pk}/letters/discharge/"

    def test_it_prefills_the_discharge_letter_from_the_course(self) -> None:
        self.login(self.alice)
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        text = r.context["form"].initial["text"]
        self.assertIn("Hanne Hansen", text)
        self.assertIn("010180-1234", text)
        self.assertIn("Lægerne på Torvet", text)
        self.assertTrue(
            AuditEvent.objects.filter(action=AuditEvent.VIEW, detail="letter discharge").exists()
        )

    def test_the_letter_of_a_running_course_says_it_is_not_closed(self) -> None:
        self.login(self.alice)
        text = self.client.get(self.url).context["form"].initial["text"]
        self.assertIn("fra 13.01.2025, ikke afsluttet", text)

    def test_a_nerve_root_course_ends_with_its_last_status_and_the_letter_is_dated_there(
        self,
    ) -> None:
        # 002: "Forløbet afsluttes med den Sidste statuskonsultation" (0245 at 8 weeks)
        for day, code in ((dt.date(2025, 1, 27), "0243"), (dt.date(2025, 3, 10), "0245")):
            outcome = do_add_service_line(self.course, LineDraft(day, code), actor=self.alice)
            self.assertIsNotNone(outcome.line, outcome.check.findings)
        self.login(self.alice)
        text = self.client.get(self.url).context["form"].initial["text"]
        self.assertIn("fra 13.01.2025 til 10.03.2025", text)
        self.assertIn("Dato: 10.03.2025", text)

    def test_it_saves_the_edited_letter_with_the_course(self) -> None:
        self.login(self.bob)
        edited = "Epikrise\n========\n\nStatus\n------\nPatienten er i klar bedring.\n"
        r = self.client.post(self.url, {"text": edited})
        self.assertRedirects(r, self.url)
        letter = Letter.objects.get(course=self.course, kind=Letter.DISCHARGE)
        self.assertEqual(letter.text.replace("\r\n", "\n"), edited)
        self.assertEqual(letter.updated_by, self.bob)
        self.assertTrue(
            AuditEvent.objects.filter(action=AuditEvent.CREATE, object_type="Letter").exists()
        )
        # the page now shows the saved text, not a new prefilled one
        r = self.client.get(self.url)
        self.assertIn("klar bedring", r.context["form"].initial["text"])

    def test_the_pdf_is_made_from_the_saved_text(self) -> None:
        self.login(self.alice)
        self.client.post(self.url, {"text": "Epikrise\n========\n\nStatus\n------\nBedre.\n"})
        r = self.client.get(f"/courses/{self.course.pk}/letters/discharge.pdf")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue(r.content.startswith(b"%PDF"))
        self.assertNotIn("Hanne", r["Content-Disposition"])
        self.assertTrue(
            AuditEvent.objects.filter(
                action=AuditEvent.EXPORT, detail="letter discharge pdf"
            ).exists()
        )

    def test_the_rheumatology_referral_is_offered_too(self) -> None:
        self.login(self.alice)
        r = self.client.get(f"/courses/{self.course.pk}/letters/rheumatology_referral/")
        self.assertEqual(r.status_code, 200)
        self.assertIn("Hanne Hansen", r.context["form"].initial["text"])

    def test_an_unknown_letter_kind_is_not_found(self) -> None:
        self.login(self.alice)
        r = self.client.get(f"/courses/{self.course.pk}/letters/love-letter/")
        self.assertEqual(r.status_code, 404)

    def test_charlie_gets_404_for_clinic_as_letters(self) -> None:
        self.login(self.charlie)
        for url in (self.url, f"/courses/{self.course.pk}/letters/discharge.pdf"):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        r = self.client.post(self.url, {"text": "x"})
        self.assertEqual(r.status_code, 404)
        self.assertFalse(Letter.objects.exists())

    def test_anonymous_is_sent_to_login(self) -> None:
        r = self.client.get(self.url)
        self.assertRedirects(r, f"/login/?next={self.url}", fetch_redirect_response=False)
