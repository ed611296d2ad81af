"""Values at the edges of what the API's types allow: each is answered 4xx with a message, or
works — never a server error."""

from __future__ import annotations

import datetime as dt

from tests.web.api_base import ApiTestCase
from tests.web.base import BaseTestCase

from forlob.web.actions.courses import do_add_service_line
from forlob.web.change_check import LineDraft
from forlob.web.models import Course

START = dt.date(2025, 1, 13)


class HostileValuesTestCase(ApiTestCase):
    def test_it_refuses_an_offset_or_limit_beyond_any_list_with_a_message(self) -> None:
        for path in ("/patients", "/courses"):
            for query in (
                "offset=9223372036854775808",
                "offset=9223372036854775807",
                "offset=99999999999",
                "offset=-1",
                "limit=-1",
                "limit=0",
                "limit=9223372036854775808",
                "limit=-9223372036854775809",
            ):
                r = self.call("GET", f"{path}?{query}", token=self.alice_token)
                self.assertEqual(r.status_code, 422, (path, query, r.content[:300]))
                self.assertTrue(r.json()["detail"][0]["msg"])

    def test_it_refuses_a_planned_start_at_the_ends_of_the_calendar_with_a_message(self) -> None:
        for start in ("9999-12-31", "0001-01-01", "9999-01-01"):
            body = {"referral_id": self.referral.pk, "pathway": "NRL", "planned_start": start}
            r = self.call("POST", "/courses", body, token=self.alice_token)
            self.assertEqual(r.status_code, 422, (start, r.content[:300]))
            self.assertEqual(r.json()["detail"][0]["loc"][-1], "planned_start")

    def test_it_refuses_a_planned_closing_at_the_end_of_the_calendar(self) -> None:
        body = {
            "referral_id": self.referral.pk,
            "pathway": "LBP",
            "planned_start": "2025-01-13",
            "planned_closing": "9999-12-31",
        }
        r = self.call("POST", "/courses", body, token=self.alice_token)
        self.assertEqual(r.status_code, 422, r.content[:300])

    def test_a_service_line_before_1970_is_judged_by_the_rules(self) -> None:
        course = self.start_course("NRL", START)
        for day in ("1924-05-01", "1969-12-31", "1900-01-01"):
            r = self.call(
                "POST",
                f"/courses/{course.pk}/lines",
                {"service_date": day, "code": "0243"},
                token=self.alice_token,
            )
            self.assertEqual(r.status_code, 422, (day, r.content[:500]))
            self.assertIs(r.json()["saved"], False)
            self.assertEqual(r.json()["findings"][0]["rule_id"], "COURSE-NO-START")

    def test_it_refuses_a_service_date_outside_the_calendar_with_a_message(self) -> None:
        course = self.start_course("NRL", START)
        for day in ("0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"):
            r = self.call(
                "POST",
                f"/courses/{course.pk}/lines",
                {"service_date": day, "code": "0241"},
                token=self.alice_token,
            )
            self.assertEqual(r.status_code, 422, (day, r.content[:500]))
            [issue] = r.json()["detail"]
            self.assertEqual(issue["loc"][-1], "service_date")
            self.assertEqual(issue["msg"], "Datoen skal ligge mellem 01.01.1900 og 31.12.2100.")
        self.assertFalse(course.lines.exists())

    def test_a_start_before_1970_is_saved(self) -> None:
        course = self.start_course("NRL", dt.date(1969, 12, 29))
        r = self.call(
            "POST",
            f"/courses/{course.pk}/lines",
            {"service_date": "1969-12-29", "code": "0241"},
            token=self.alice_token,
        )
        self.assertEqual(r.status_code, 201, r.content[:500])
        r = self.call("GET", f"/courses/{course.pk}/lines", token=self.alice_token)
        self.assertEqual(r.status_code, 200)

    def test_the_fhir_export_of_a_diagnosis_with_a_control_character_works(self) -> None:
        course = self.start_course("NRL", START)
        do_add_service_line(course, LineDraft(START, "0241"), actor=self.alice)
        for text in ("\x01", "\x0b", "\x1f", "Ryg\x7fsyndrom", "\x0c\x1c\x85"):
            # stored before the input refused control characters (or by another way in)
            self.referral.diagnosis_text = text
            self.referral.save()
            r = self.call("GET", f"/courses/{course.pk}/fhir", token=self.alice_token)
            self.assertEqual(r.status_code, 200, (text, r.content[:300]))

    def test_it_refuses_control_characters_in_the_apis_texts_with_a_message(self) -> None:
        for text in ("Ryg\x00syndrom", "\x0b", "Ryg\x1bsyndrom", "\x85"):
            body = {"date": "2025-01-06", "gp_name": "Lægerne", "diagnosis_text": text}
            r = self.call(
                "POST", f"/patients/{self.patient.pk}/referrals", body, token=self.alice_token
            )
            self.assertEqual(r.status_code, 422, (text, r.content[:300]))
            [issue] = r.json()["detail"]
            self.assertEqual(issue["type"], "control_character")
            self.assertEqual(issue["msg"], "Teksten må ikke indeholde kontroltegn.")
        # tab and line breaks are text
        body = {"date": "2025-01-06", "gp_name": "L", "diagnosis_text": "a\tb", "reason": "x\r\ny"}
        r = self.call(
            "POST", f"/patients/{self.patient.pk}/referrals", body, token=self.alice_token
        )
        self.assertEqual(r.status_code, 201, r.content[:300])


class HostileFormValuesTestCase(BaseTestCase):
    def test_the_course_start_page_refuses_a_planned_start_at_the_end_of_the_calendar(self) -> None:
        self.login(self.alice)
        for start in ("9999-12-31", "0001-01-01"):
            r = self.client.post(
                f"/referrals/{self.referral.pk}/courses/new/",
                {"pathway": "NRL", "planned_start": start, "clinician": self.bob.pk},
            )
            self.assertContains(
                r, "Datoen skal ligge mellem 01.01.1900 og 31.12.2100.", status_code=422
            )
        self.assertFalse(Course.objects.exists())

    def test_the_line_page_refuses_a_service_date_at_the_end_of_the_calendar(self) -> None:
        course = self.start_course("NRL", START)
        self.login(self.alice)
        r = self.client.post(
            f"/courses/{course.pk}/lines/new/",
            {"service_date": "9999-12-31", "code": "0241", "quantity": 1},
        )
        self.assertContains(
            r, "Datoen skal ligge mellem 01.01.1900 og 31.12.2100.", status_code=422
        )
        self.assertFalse(course.lines.exists())
