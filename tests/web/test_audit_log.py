"""The clinic's audit log page: admins read their own clinic's events, nobody else's."""

from __future__ import annotations

from django.test.utils import override_settings
from django.utils.timezone import localtime
from tests.web.base import BaseTestCase

from forlob.web import auditlog
from forlob.web.models import AuditEvent, Membership
from forlob.web.views.auditlog import PAGE_SIZE


class AuditLogTestCase(BaseTestCase):
    def shown(self, r: object) -> list[int]:
        return [e.pk for e in r.context["page"].object_list]  # type: ignore[attr-defined]

    def test_alice_as_admin_reads_her_clinics_events_newest_first(self) -> None:
        course = self.start_course()
        self.login(self.alice)
        r = self.client.get("/clinic/audit-log/")
        self.assertEqual(r.status_code, 200)
        expected = list(
            AuditEvent.objects.filter(clinic=self.clinic)
            .order_by("-at", "-id")
            .values_list("pk", flat=True)
        )
        self.assertEqual(self.shown(r), expected)
        self.assertGreaterEqual(len(expected), 3)  # patient, referral, course
        html = r.content.decode()
        newest = AuditEvent.objects.get(pk=expected[0])
        self.assertEqual((newest.object_type, newest.object_id), ("Course", str(course.pk)))
        self.assertIn(f'data-event="{newest.pk}"', html)
        self.assertIn(f"<td>{localtime(newest.at):%d.%m.%Y %H:%M}</td>", html)

    def test_the_log_shows_user_action_object_id_and_detail(self) -> None:
        course = self.start_course("NRL")
        self.login(self.alice)
        with self.settings(LANGUAGE_CODE="en"):
            self.client.cookies["django_language"] = "en"
            html = self.client.get("/clinic/audit-log/").content.decode()
        row = html[html.index("data-event=") :]
        row = row[: row.index("</tr>")]
        for text in ("alice", "create", "Course", f"<td>{course.pk}</td>", "NRL"):
            self.assertIn(text, row)

    def test_bob_as_clinician_gets_403_with_a_message(self) -> None:
        self.login(self.bob)
        self.client.cookies["django_language"] = "en"
        r = self.client.get("/clinic/audit-log/")
        self.assertEqual(r.status_code, 403)
        self.assertIn("Only the clinic's admins can read its audit log", r.content.decode())
        self.assertNotIn("page", r.context)

    def test_charlie_sees_only_clinic_b_events(self) -> None:
        self.start_course()
        b_event = auditlog.record(self.charlie, AuditEvent.VIEW, self.other_clinic)
        self.login(self.charlie)
        r = self.client.get("/clinic/audit-log/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(self.shown(r), [b_event.pk])
        a_ids = set(AuditEvent.objects.filter(clinic=self.clinic).values_list("pk", flat=True))
        self.assertTrue(a_ids)
        html = r.content.decode()
        for pk in a_ids:
            self.assertNotIn(f'data-event="{pk}"', html)

    def test_charlie_cannot_filter_his_way_to_clinic_a_users(self) -> None:
        self.login(self.charlie)
        r = self.client.get("/clinic/audit-log/", {"user": self.alice.pk})
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.context["form"].errors)
        self.assertNotIn("alice", r.content.decode())
        self.assertEqual(self.shown(r), [])

    def test_it_filters_by_action(self) -> None:
        self.start_course()
        self.login(self.alice)
        view = auditlog.record(self.alice, AuditEvent.VIEW, self.patient)
        r = self.client.get("/clinic/audit-log/", {"action": AuditEvent.VIEW})
        self.assertEqual(self.shown(r), [view.pk])

    def test_it_filters_by_user(self) -> None:
        self.start_course()
        by_bob = auditlog.record(self.bob, AuditEvent.VIEW, self.patient)
        self.login(self.alice)
        r = self.client.get("/clinic/audit-log/", {"user": self.bob.pk})
        self.assertEqual(self.shown(r), [by_bob.pk])

    def test_it_pages_the_log(self) -> None:
        for _ in range(PAGE_SIZE + 5):
            auditlog.record(self.bob, AuditEvent.VIEW, self.patient)
        total = AuditEvent.objects.filter(clinic=self.clinic).count()
        self.login(self.alice)
        first = self.client.get("/clinic/audit-log/")
        self.assertEqual(len(self.shown(first)), PAGE_SIZE)
        second = self.client.get("/clinic/audit-log/", {"page": 2})
        self.assertEqual(len(self.shown(second)), total - PAGE_SIZE)
        self.assertFalse(set(self.shown(first)) & set(self.shown(second)))
        self.assertIn('page=2"', first.content.decode())

    def test_an_admin_of_another_clinic_who_is_a_clinician_here_gets_403(self) -> None:
        Membership.objects.create(user=self.charlie, clinic=self.clinic, role=Membership.CLINICIAN)
        self.login(self.charlie)
        # clinic A is chosen as the active clinic: Charlie is only a clinician there
        self.client.post("/clinic/choose/", {"clinic": self.clinic.pk})
        self.assertEqual(self.client.get("/clinic/audit-log/").status_code, 403)

    def test_an_anonymous_user_is_sent_to_login(self) -> None:
        r = self.client.get("/clinic/audit-log/")
        self.assertRedirects(r, "/login/?next=/clinic/audit-log/", fetch_redirect_response=False)


@override_settings(LANGUAGE_CODE="en")
class AuditLogDoesNotLeakTestCase(BaseTestCase):
    def test_the_user_filter_lists_only_the_clinics_members(self) -> None:
        self.login(self.alice)
        html = self.client.get("/clinic/audit-log/").content.decode()
        self.assertIn(">bob<", html)
        self.assertNotIn(">charlie<", html)
