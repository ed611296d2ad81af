"""The patient list: the active clinic's patients only, searched by POST, 50 a page."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.web.base import BaseTestCase

from forlob.web.models import Clinic, Course, Patient, Referral

URL = "/patients/"


def make_patients(clinic: Clinic, n: int, *, with_courses: bool = False) -> list[Patient]:
    """`n` patients named "Test NNN" (born January 1990), each with an active course if asked."""
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            cpr=f"{i % 28 + 1:02d}0190{1000 + i:04d}",
            name=f"Test {i:03d}",
            birth_date=dt.date(1990, 1, i % 28 + 1),
        )
        for i in range(n)
    )
    if with_courses:
        for p in patients:
            referral = Referral.objects.create(
                patient=p, date=dt.date(2025, 1, 6), gp_name="GP", diagnosis_text="L03"
            )
            Course.objects.create(
                clinic=clinic,
                patient=p,
                referral=referral,
                pathway="LBP",
                planned_start=dt.date(2025, 1, 13),
            )
    return patients


class PatientListTestCase(BaseTestCase):
    def shown(self, r) -> list[int]:  # type: ignore[no-untyped-def]
        return [p.pk for p in r.context["page"].object_list]

    def test_anonymous_is_sent_to_login(self) -> None:
        r = self.client.get(URL)
        self.assertRedirects(r, f"/login/?next={URL}", fetch_redirect_response=False)
        r = self.client.post(URL, {"q": "Hanne"})
        self.assertEqual(r.status_code, 302)

    def test_it_lists_the_clinics_patients(self) -> None:
        self.login(self.bob)
        r = self.client.get(URL)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(self.shown(r), [self.patient.pk])
        self.assertContains(r, f'href="/patients/{self.patient.pk}/"')
        self.assertContains(r, "010180-1234")

    def test_charlie_sees_none_of_clinic_as_patients(self) -> None:
        own = make_patients(self.other_clinic, 1)[0]
        self.login(self.charlie)
        r = self.client.get(URL)
        self.assertEqual(self.shown(r), [own.pk])
        self.assertNotContains(r, "Hanne Hansen")
        self.assertNotContains(r, "010180-1234")
        r = self.client.post(URL, {"q": "0101801234"})
        self.assertEqual(self.shown(r), [])
        r = self.client.post(URL, {"q": "Hanne"})
        self.assertEqual(self.shown(r), [])

    def test_it_shows_the_patients_active_courses_with_links(self) -> None:
        active = self.start_course("NRL", dt.date(2025, 1, 13))
        closed = self.start_course("LBP", dt.date(2024, 6, 3))
        Course.objects.filter(pk=closed.pk).update(status=Course.CLOSED)
        self.login(self.alice)
        r = self.client.get(URL)
        row = r.context["page"].object_list[0]
        self.assertEqual([c.pk for c in row.active_courses], [active.pk])
        self.assertContains(r, f'href="/courses/{active.pk}/"')
        self.assertNotContains(r, f'href="/courses/{closed.pk}/"')

    def test_it_searches_by_name_words_in_any_case(self) -> None:
        make_patients(self.clinic, 3)
        self.login(self.alice)
        r = self.client.post(URL, {"q": "hanne"})
        self.assertEqual(self.shown(r), [self.patient.pk])
        r = self.client.post(URL, {"q": "HANSEN hanne"})
        self.assertEqual(self.shown(r), [self.patient.pk])
        r = self.client.post(URL, {"q": "Nobody"})
        self.assertEqual(self.shown(r), [])

    def test_it_searches_by_cpr_with_or_without_dash_or_by_its_start(self) -> None:
        make_patients(self.clinic, 3)
        self.login(self.alice)
        for q in ("010180-1234", "0101801234", "010180"):
            r = self.client.post(URL, {"q": q})
            self.assertEqual(self.shown(r), [self.patient.pk], q)

    def test_the_search_never_puts_a_cpr_in_a_url(self) -> None:
        make_patients(self.clinic, 60)
        self.login(self.alice)
        r = self.client.get(URL)
        form = re.search(
            r'<form method="post" action="([^"]*)" id="patient-search"', r.content.decode()
        )
        assert form is not None
        self.assertEqual(form.group(1), URL)
        r = self.client.post(URL, {"q": "0101901000"})
        self.assertEqual(len(self.shown(r)), 1)
        hrefs = re.findall(r'href="([^"]*)"', r.content.decode())
        self.assertFalse([h for h in hrefs if "0101901000" in h or "q=" in h])

    def test_a_get_query_does_not_search(self) -> None:
        # searching is POST only, so a shared link never carries a CPR number
        make_patients(self.clinic, 2)
        self.login(self.alice)
        r = self.client.get(URL, {"q": "0101801234"})
        self.assertEqual(len(self.shown(r)), 3)

    def test_it_shows_fifty_patients_a_page(self) -> None:
        make_patients(self.clinic, 60)
        self.login(self.alice)
        r = self.client.get(URL)
        self.assertEqual(len(self.shown(r)), 50)
        self.assertEqual(r.context["page"].paginator.count, 61)
        self.assertContains(r, 'href="?page=2"')
        r = self.client.get(URL, {"page": 2})
        self.assertEqual(len(self.shown(r)), 11)

    def test_search_results_page_by_post(self) -> None:
        make_patients(self.clinic, 60)
        self.login(self.alice)
        r = self.client.post(URL, {"q": "Test"})
        self.assertEqual(r.context["page"].paginator.count, 60)
        self.assertContains(r, 'form="patient-search" name="page" value="2"')
        r = self.client.post(URL, {"q": "Test", "page": "2"})
        self.assertEqual(len(self.shown(r)), 10)
        self.assertTrue(all(p.name.startswith("Test") for p in r.context["page"].object_list))

    def test_the_query_count_does_not_grow_with_the_number_of_patients(self) -> None:
        self.start_course()
        self.login(self.alice)
        self.client.get(URL)  # warm the session
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        # session, user, clinic (twice: view and header), count, page, active courses
        self.assertLessEqual(len(few), 8)
        make_patients(self.clinic, 60, with_courses=True)
        with self.assertNumQueries(len(few)):
            r = self.client.get(URL)
        self.assertEqual(len(self.shown(r)), 50)
        self.assertTrue(all(p.active_courses for p in r.context["page"].object_list))
        with self.assertNumQueries(len(few)):
            self.client.post(URL, {"q": "Test"})
