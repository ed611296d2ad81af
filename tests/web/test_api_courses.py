from __future__ import annotations

import datetime as dt

from tests.web.api_base import ApiTestCase

from forlob.web.actions.patients import do_create_patient, do_create_referral
from forlob.web.models import AuditEvent, Course, PlanItem


class ApiCoursesTestCase(ApiTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", dt.date(2025, 1, 13))
        other_patient = do_create_patient(
            self.other_clinic,
            {"cpr": "0202902345", "name": "Ole Olsen"},
            actor=self.charlie,
        )
        self.other_referral = do_create_referral(
            other_patient,
            {"date": dt.date(2025, 1, 2), "gp_name": "GP", "diagnosis_text": "Lændesmerter"},
            actor=self.charlie,
        )
        self.other_course = Course.objects.get(
            pk=self.ok(
                "POST",
                "/courses",
                {
                    "referral_id": self.other_referral.pk,
                    "pathway": "CPL",
                    "planned_start": "2025-01-20",
                },
                status=201,
                token=self.charlie_token,
            )["id"]
        )

    def new_course_body(self) -> dict[str, object]:
        return {"referral_id": self.referral.pk, "pathway": "NRC", "planned_start": "2025-02-03"}

    # -- GET /courses -----------------------------------------------------------------------

    def test_the_list_shows_the_users_clinics_courses_only(self) -> None:
        body = self.ok("GET", "/courses")
        self.assertEqual([c["id"] for c in body["items"]], [self.course.pk])
        self.assertEqual(body["items"][0]["pathway"], "NRL")
        self.assertEqual(body["items"][0]["planned_start"], "2025-01-13")
        body = self.ok("GET", "/courses", token=self.charlie_token)
        self.assertEqual([c["id"] for c in body["items"]], [self.other_course.pk])

    def test_the_list_filters_by_patient_and_logs_each_course_shown(self) -> None:
        body = self.ok("GET", f"/courses?patient={self.patient.pk}")
        self.assertEqual(body["count"], 1)
        [view] = self.events(AuditEvent.VIEW, "Course", self.course.pk)
        self.assertEqual(view.detail, "list")
        self.assertEqual(view.clinic, self.clinic)

    def test_charlie_gets_404_filtering_by_a_patient_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("GET", f"/courses?patient={self.patient.pk}")

    def test_the_list_needs_authentication(self) -> None:
        self.assert_anonymous_refused("GET", "/courses")
        self.assert_wrong_token_refused("GET", "/courses")

    # -- GET /courses/{id} ------------------------------------------------------------------

    def test_a_course_is_shown_and_the_view_logged(self) -> None:
        body = self.ok("GET", f"/courses/{self.course.pk}")
        self.assertEqual(body["patient"], self.patient.pk)
        self.assertEqual(body["referral"], self.referral.pk)
        self.assertEqual(body["status"], "active")
        self.assertEqual(len(self.events(AuditEvent.VIEW, "Course", self.course.pk)), 1)

    def test_charlie_gets_404_for_a_course_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("GET", f"/courses/{self.course.pk}")

    def test_a_course_needs_authentication(self) -> None:
        self.assert_anonymous_refused("GET", f"/courses/{self.course.pk}")
        self.assert_wrong_token_refused("GET", f"/courses/{self.course.pk}")

    # -- POST /courses ----------------------------------------------------------------------

    def test_a_course_is_started_on_a_referral_with_its_plan(self) -> None:
        body = self.ok("POST", "/courses", self.new_course_body(), status=201)
        course = Course.objects.get(pk=body["id"])
        self.assertEqual(course.clinic, self.clinic)
        self.assertEqual(course.patient, self.patient)
        self.assertEqual(course.pathway, "NRC")
        self.assertEqual(course.planned_start, dt.date(2025, 2, 3))
        self.assertEqual(course.clinician, self.alice)
        # the stored plan the worklist reads was written
        self.assertTrue(PlanItem.objects.filter(course=course, code="0231").exists())
        [event] = self.events(AuditEvent.CREATE, "Course", course.pk)
        self.assertEqual(event.detail, "NRC")

    def test_an_unknown_pathway_is_refused(self) -> None:
        body = self.ok("POST", "/courses", {**self.new_course_body(), "pathway": "XYZ"}, status=422)
        self.assertEqual(body["detail"][0]["type"], "pathway_unknown")
        self.assertEqual(Course.objects.filter(clinic=self.clinic).count(), 1)

    def test_a_planned_closing_before_the_start_is_refused(self) -> None:
        body = {
            **self.new_course_body(),
            "pathway": "LBP",
            "planned_closing": "2025-01-01",
        }
        r = self.ok("POST", "/courses", body, status=422)
        self.assertEqual(r["detail"][0]["loc"][-1], "planned_closing")

    def test_charlie_cannot_start_a_course_on_a_referral_of_clinic_a(self) -> None:
        self.assert_hidden_from_charlie("POST", "/courses", self.new_course_body())
        self.assertEqual(Course.objects.filter(clinic=self.clinic).count(), 1)

    def test_starting_a_course_needs_authentication(self) -> None:
        self.assert_anonymous_refused("POST", "/courses", self.new_course_body())
        self.assert_wrong_token_refused("POST", "/courses", self.new_course_body())
        self.assertEqual(Course.objects.filter(clinic=self.clinic).count(), 1)

    def test_starting_a_course_through_the_session_needs_the_csrf_token(self) -> None:
        body = self.assert_needs_csrf_with_session("POST", "/courses", self.new_course_body())
        self.assertEqual(Course.objects.get(pk=body["id"]).pathway, "NRC")
