"""The worklist: buckets by window and today, questionnaires, follow-ups, waiting referrals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.web.base import BaseTestCase

from forlob.calendar import add_working_days
from forlob.catalogue import load_catalogue
from forlob.web.actions.courses import do_add_service_line, do_start_course, do_update_course
from forlob.web.actions.patients import do_create_patient, do_create_referral
from forlob.web.change_check import LineDraft
from forlob.web.models import Course, PlanItem, QuestionnaireRound, Referral
from forlob.web.worklist import FOLLOW_UP_ROLES, WaitingReferral, Worklist

START = dt.date(2025, 1, 13)  # a Monday


@contextmanager
def on_day(day: dt.date) -> Iterator[None]:
    with mock.patch("forlob.web.worklist.today", return_value=day):
        yield


class WorklistTestCase(BaseTestCase):
    def worklist(self, user: User, day: dt.date) -> Worklist:
        self.login(user)
        with on_day(day):
            r = self.client.get("/worklist/")
        self.assertEqual(r.status_code, 200)
        wl: Worklist = r.context["worklist"]
        return wl

    def ids(self, wl: Worklist, bucket: str) -> set[int]:
        return {item.pk for item in wl.bucket(bucket).rows}

    def where(self, wl: Worklist, item: PlanItem) -> list[str]:
        """The buckets an item is in (at most one, by construction)."""
        return [b.key for b in wl.buckets if item.pk in {i.pk for i in b.rows}]

    def consultation(self, course: Course, code: str) -> PlanItem:
        return PlanItem.objects.get(course=course, code=code, kind="consultation")

    # -- time buckets ---------------------------------------------------------------------
    def test_an_item_whose_window_closes_in_exactly_5_working_days_is_closing_soon(self) -> None:
        course = self.start_course("NRL", START)
        item = self.consultation(course, "0243")
        assert item.latest is not None and item.earliest is not None
        day = add_working_days(item.latest, -5)
        self.assertLessEqual(item.earliest, day)  # the window is open that day
        self.assertEqual(self.where(self.worklist(self.bob, day), item), ["closing_soon"])

    def test_an_item_whose_window_closes_in_6_working_days_is_open_not_closing(self) -> None:
        course = self.start_course("NRL", START)
        item = self.consultation(course, "0243")
        assert item.latest is not None and item.earliest is not None
        day = add_working_days(item.latest, -6)
        self.assertLessEqual(item.earliest, day)
        self.assertEqual(self.where(self.worklist(self.bob, day), item), ["open_now"])

    def test_an_item_whose_window_closes_today_is_not_overdue(self) -> None:
        course = self.start_course("NRL", START)
        item = self.consultation(course, "0243")
        assert item.latest is not None
        self.assertEqual(self.where(self.worklist(self.bob, item.latest), item), ["closing_soon"])

    def test_an_item_whose_window_closed_yesterday_is_overdue_and_red(self) -> None:
        course = self.start_course("NRL", START)
        item = self.consultation(course, "0243")
        assert item.latest is not None
        self.login(self.bob)
        with on_day(item.latest + dt.timedelta(days=1)):
            r = self.client.get("/worklist/")
        self.assertEqual(self.where(r.context["worklist"], item), ["overdue"])
        html = r.content.decode()
        self.assertIn(f'<tr class="overdue" data-item="{item.pk}">', html)
        self.assertIn(f'href="/courses/{course.pk}/"', html)

    def test_an_item_whose_window_has_not_opened_is_not_listed(self) -> None:
        course = self.start_course("NRL", START)
        item = self.consultation(course, "0244")
        assert item.earliest is not None
        wl = self.worklist(self.bob, item.earliest - dt.timedelta(days=1))
        self.assertEqual(self.where(wl, item), [])

    def test_a_done_item_is_not_listed(self) -> None:
        course = self.start_course("NRL", START)
        out = do_add_service_line(course, LineDraft(START, "0241"), actor=self.alice)
        self.assertTrue(out.saved, out.check.findings)
        item = self.consultation(course, "0241")
        self.assertIsNotNone(item.done_on)
        wl = self.worklist(self.bob, START + dt.timedelta(days=3))
        self.assertEqual(self.where(wl, item), [])

    def test_a_closed_course_is_not_on_the_worklist(self) -> None:
        course = self.start_course("NRL", START)
        item = self.consultation(course, "0241")
        day = START + dt.timedelta(days=3)
        self.assertEqual(self.where(self.worklist(self.bob, day), item), ["overdue"])
        do_update_course(course, {"status": Course.CLOSED}, actor=self.alice)
        wl = self.worklist(self.bob, day)
        self.assertEqual([b.total for b in wl.buckets], [0, 0, 0, 0, 0])

    def test_each_row_shows_patient_pathway_code_window_and_course_link(self) -> None:
        course = self.start_course("NRL", START)
        item = self.consultation(course, "0243")
        assert item.earliest is not None and item.latest is not None
        self.login(self.bob)
        with on_day(item.earliest):
            html = self.client.get("/worklist/").content.decode()
        row = html[html.index(f'data-item="{item.pk}"') :]
        row = row[: row.index("</tr>")]
        self.assertIn("Hanne Hansen", row)
        self.assertIn("NRL", row)
        self.assertIn("0243", row)
        self.assertIn(item.label, row)
        window = f"{item.earliest:%d.%m.%Y} – {item.latest:%d.%m.%Y}"
        self.assertIn(window, row)
        self.assertIn(f'href="/courses/{course.pk}/"', row)

    # -- questionnaires ---------------------------------------------------------------------
    def test_a_questionnaire_round_due_and_not_sent_is_listed_until_a_round_exists(self) -> None:
        course = self.start_course("NRL", START)
        q = PlanItem.objects.filter(course=course, kind="questionnaire").order_by("position")[0]
        assert q.earliest is not None
        wl = self.worklist(self.bob, q.earliest)
        self.assertEqual(self.where(wl, q), ["questionnaires"])
        # passed but the consultation not registered: still to send
        wl = self.worklist(self.bob, START + dt.timedelta(days=2))
        self.assertEqual(self.where(wl, q), ["questionnaires"])
        QuestionnaireRound.objects.create(course=course, plan_key=q.key, instruments=["nprs"])
        wl = self.worklist(self.bob, q.earliest)
        self.assertEqual(self.where(wl, q), [])

    def test_a_round_of_another_plan_item_does_not_hide_the_questionnaire(self) -> None:
        course = self.start_course("NRL", START)
        q = PlanItem.objects.filter(course=course, kind="questionnaire").order_by("position")[0]
        QuestionnaireRound.objects.create(course=course, plan_key="something-else")
        assert q.earliest is not None
        self.assertEqual(self.where(self.worklist(self.bob, q.earliest), q), ["questionnaires"])

    def test_a_questionnaire_not_yet_due_is_not_listed(self) -> None:
        course = self.start_course("NRL", START)
        q = PlanItem.objects.filter(course=course, kind="questionnaire").order_by("position")[0]
        assert q.earliest is not None
        wl = self.worklist(self.bob, q.earliest - dt.timedelta(days=1))
        self.assertEqual(self.where(wl, q), [])

    # -- follow-ups -------------------------------------------------------------------------
    def follow_up(self) -> tuple[Course, PlanItem]:
        course = do_start_course(
            self.referral,
            "LBP",
            START,
            planned_closing=dt.date(2025, 4, 7),
            actor=self.alice,
        )
        codes = load_catalogue().codes_for(FOLLOW_UP_ROLES, ["LBP"])
        item = (
            PlanItem.objects.filter(course=course, code__in=codes, earliest__isnull=False)
            .order_by("earliest")
            .first()
        )
        assert item is not None and item.earliest is not None
        return course, item

    def test_a_follow_up_opening_within_30_days_is_coming_due(self) -> None:
        _, item = self.follow_up()
        assert item.earliest is not None
        wl = self.worklist(self.bob, item.earliest - dt.timedelta(days=30))
        self.assertEqual(self.where(wl, item), ["follow_ups"])

    def test_a_follow_up_opening_in_31_days_is_not_listed(self) -> None:
        _, item = self.follow_up()
        assert item.earliest is not None
        wl = self.worklist(self.bob, item.earliest - dt.timedelta(days=31))
        self.assertEqual(self.where(wl, item), [])

    def test_a_follow_up_whose_window_is_open_is_open_now_not_coming_due(self) -> None:
        _, item = self.follow_up()
        assert item.earliest is not None
        wl = self.worklist(self.bob, item.earliest)
        self.assertEqual(self.where(wl, item), ["open_now"])

    # -- referrals waiting ------------------------------------------------------------------
    def referral_row(self, wl: Worklist, referral: Referral) -> WaitingReferral | None:
        return next((w for w in wl.referrals if w.referral.pk == referral.pk), None)

    def test_a_referral_waiting_14_days_is_within_the_limit(self) -> None:
        wl = self.worklist(self.bob, self.referral.date + dt.timedelta(days=14))
        row = self.referral_row(wl, self.referral)
        assert row is not None
        self.assertEqual(row.days_waited, 14)
        self.assertFalse(row.past_limit)

    def test_a_referral_waiting_15_days_is_past_the_limit_and_red(self) -> None:
        self.login(self.bob)
        with on_day(self.referral.date + dt.timedelta(days=15)):
            r = self.client.get("/worklist/")
        row = self.referral_row(r.context["worklist"], self.referral)
        assert row is not None
        self.assertEqual(row.days_waited, 15)
        self.assertTrue(row.past_limit)
        self.assertIn(
            f'<tr class="overdue" data-referral="{self.referral.pk}">', r.content.decode()
        )

    def test_a_referral_with_a_course_but_no_visit_is_still_waiting_and_links_the_course(
        self,
    ) -> None:
        course = self.start_course("NRL", START)
        self.login(self.bob)
        with on_day(START):
            r = self.client.get("/worklist/")
        row = self.referral_row(r.context["worklist"], self.referral)
        assert row is not None
        self.assertEqual(row.course_id, course.pk)

    def test_a_referral_with_a_registered_visit_is_no_longer_waiting(self) -> None:
        course = self.start_course("NRL", START)
        out = do_add_service_line(course, LineDraft(START, "0241"), actor=self.alice)
        self.assertTrue(out.saved, out.check.findings)
        wl = self.worklist(self.bob, START + dt.timedelta(days=30))
        self.assertIsNone(self.referral_row(wl, self.referral))
        self.assertEqual(wl.referrals_total, 0)

    # -- access -----------------------------------------------------------------------------
    def test_charlie_sees_none_of_clinic_a_items_or_referrals(self) -> None:
        self.start_course("NRL", START)
        day = START + dt.timedelta(days=20)
        wl_alice = self.worklist(self.alice, day)
        self.assertGreater(sum(b.total for b in wl_alice.buckets), 0)
        self.assertEqual(wl_alice.referrals_total, 1)
        self.client.logout()
        self.login(self.charlie)
        with on_day(day):
            r = self.client.get("/worklist/")
        wl: Worklist = r.context["worklist"]
        self.assertEqual([b.total for b in wl.buckets], [0, 0, 0, 0, 0])
        self.assertEqual(wl.referrals_total, 0)
        self.assertNotIn("Hanne Hansen", r.content.decode())

    def test_an_anonymous_user_is_sent_to_login(self) -> None:
        r = self.client.get("/worklist/")
        self.assertRedirects(r, "/login/?next=/worklist/", fetch_redirect_response=False)

    # -- queries ----------------------------------------------------------------------------
    def add_courses(self, n: int, first: int = 0) -> None:
        for i in range(first, first + n):
            patient = do_create_patient(
                self.clinic,
                {"cpr": f"020280{1000 + i:04d}", "name": f"P {i}"},
                actor=self.alice,
            )
            referral = do_create_referral(
                patient,
                {"date": dt.date(2025, 1, 6), "gp_name": "GP", "diagnosis_text": "Rygsmerter"},
                actor=self.alice,
            )
            if i % 2:
                do_start_course(referral, "NRL", START, actor=self.alice)
            else:
                do_start_course(
                    referral,
                    "LBP",
                    START,
                    planned_closing=dt.date(2025, 4, 7),
                    actor=self.alice,
                )

    def count_queries(self) -> tuple[int, Worklist]:
        self.login(self.bob)
        self.client.get("/worklist/")  # warm the session
        with CaptureQueriesContext(connection) as ctx, on_day(dt.date(2025, 1, 29)):
            r = self.client.get("/worklist/")
        self.assertEqual(r.status_code, 200)
        return len(ctx.captured_queries), r.context["worklist"]

    def test_the_worklist_costs_the_same_few_queries_for_2_and_10_courses(self) -> None:
        self.add_courses(2)
        two, wl2 = self.count_queries()
        self.add_courses(8, first=2)
        ten, wl10 = self.count_queries()
        # the lists did grow: the queries are not constant because nothing was found
        self.assertGreater(sum(b.total for b in wl10.buckets), sum(b.total for b in wl2.buckets))
        self.assertEqual(wl10.referrals_total, 11)  # and the base case's referral
        self.assertEqual(two, ten)

    def test_the_worklist_query_count_is_fixed(self) -> None:
        self.add_courses(10)
        self.login(self.bob)
        self.client.get("/worklist/")
        # session, user, the user's clinics with their roles (the active clinic and the
        # header's menu read them once); 1 count + 5 buckets; 2 referrals
        with self.assertNumQueries(11), on_day(dt.date(2025, 1, 29)):
            self.client.get("/worklist/")


class WorklistPagesTestCase(WorklistTestCase):
    def overdue_courses(self, n: int) -> tuple[dt.date, int]:
        """`n` NRL courses whose 2-week status is overdue: the day, and how many consultation
        items are overdue that day (the start and the status of each course)."""
        for _ in range(n):
            self.start_course("NRL", START)
        late = PlanItem.objects.filter(code="0243").values_list("latest", flat=True).first()
        assert late is not None
        day = late + dt.timedelta(days=1)
        overdue = PlanItem.objects.filter(kind="consultation", latest__lt=day).count()
        return day, overdue

    def test_the_overview_shows_the_most_urgent_rows_and_links_to_the_whole_bucket(
        self,
    ) -> None:
        from forlob.web.worklist import MAX_ROWS

        day, n = self.overdue_courses(MAX_ROWS)
        self.assertGreater(n, MAX_ROWS)
        self.login(self.bob)
        with on_day(day):
            r = self.client.get("/worklist/")
        overdue = r.context["worklist"].bucket("overdue")
        self.assertEqual(overdue.total, n)
        self.assertEqual(len(overdue.rows), MAX_ROWS)
        self.assertContains(r, 'href="?bucket=overdue"')

    def test_one_bucket_is_shown_whole_a_page_at_a_time(self) -> None:
        from forlob.web.worklist import PAGE_ROWS

        day, n = self.overdue_courses(PAGE_ROWS // 2 + 5)
        self.assertGreater(n, PAGE_ROWS)
        self.login(self.bob)
        with on_day(day):
            first = self.client.get("/worklist/?bucket=overdue")
            second = self.client.get("/worklist/?bucket=overdue&page=2")
        rows1 = {i.pk for i in first.context["worklist"].bucket("overdue").rows}
        rows2 = {i.pk for i in second.context["worklist"].bucket("overdue").rows}
        self.assertEqual(len(rows1), PAGE_ROWS)
        self.assertEqual(len(rows2), n - PAGE_ROWS)
        self.assertFalse(rows1 & rows2)
        self.assertContains(first, "?bucket=overdue&amp;page=2")
        # the other buckets are not shown on a bucket's page
        self.assertNotContains(first, 'id="bucket-open_now"')

    def test_an_unknown_bucket_or_page_shows_the_overview(self) -> None:
        self.login(self.bob)
        r = self.client.get("/worklist/?bucket=everything&page=x")
        self.assertEqual(r.status_code, 200)
        self.assertIsNone(r.context["worklist"].focus)
