"""Registering a service line: the rule engine decides before anything is saved,
and the chiropractic code-choice helpers sit next to the code field (004).

A POST that saves nothing answers 422 and shows the findings; a saved line redirects to the
course page.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

from tests.web.base import BaseTestCase

from forlob.calendar import window_bounds
from forlob.catalogue import load_catalogue
from forlob.decision import conference_fee, first_exam_code
from forlob.web.actions.courses import do_add_service_line, do_start_course
from forlob.web.actions.patients import do_create_patient, do_create_referral
from forlob.web.change_check import LineDraft, check_change
from forlob.web.models import AuditEvent, Course, ServiceLine

START = dt.date(2025, 1, 13)  # a Monday


def status_window(code: str, start: dt.date = START) -> tuple[dt.date, dt.date]:
    """The allowed dates of a status code, derived from the catalogue and the calendar."""
    cat = load_catalogue()
    target = cat.codes[code].target
    assert target is not None and target.weeks is not None
    return window_bounds(
        start + dt.timedelta(weeks=target.weeks), cat.param("status_tolerance_working_days")
    )


class LineCreateTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL", START)
        self.url = f"/courses/{self.course.pk}/lines/new/"

    def post(self, day: dt.date, code: str, **extra: str) -> object:
        data = {"service_date": day.isoformat(), "code": code, "quantity": "1", **extra}
        return self.client.post(self.url, data)

    def add(self, day: dt.date, code: str) -> ServiceLine:
        outcome = do_add_service_line(self.course, LineDraft(day, code), actor=self.alice)
        assert outcome.line is not None, outcome.check.findings
        return outcome.line

    def codes(self) -> list[str]:
        return list(
            ServiceLine.objects.filter(course=self.course)
            .order_by("service_date", "id")
            .values_list("code", flat=True)
        )


class TestRegistering(LineCreateTestCase):
    def test_it_saves_an_allowed_line_and_logs_it(self) -> None:
        self.login(self.bob)
        response = self.post(START, "0241")
        self.assertRedirects(
            response, f"/courses/{self.course.pk}/#line-{ServiceLine.objects.get().pk}"
        )
        response = self.post(START + dt.timedelta(days=14), "0243")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.codes(), ["0241", "0243"])
        line = ServiceLine.objects.get(code="0243")
        self.assertEqual(line.service_date, START + dt.timedelta(days=14))
        self.assertEqual(line.created_by, self.bob)
        self.assertEqual(line.warning_reason, "")
        event = AuditEvent.objects.get(
            action=AuditEvent.CREATE, object_type="ServiceLine", object_id=str(line.pk)
        )
        self.assertEqual(event.user, self.bob)
        self.assertEqual(event.clinic, self.clinic)
        self.assertEqual(event.detail, "0243")

    def test_it_refuses_a_status_outside_its_window_with_the_rules_message(self) -> None:
        self.add(START, "0241")
        self.login(self.alice)
        day = START + dt.timedelta(days=28)
        expected = check_change(self.course, LineDraft(day, "0243")).errors
        self.assertEqual([f.rule_id for f in expected], ["NR-STATUS-WINDOW"])

        response = self.post(day, "0243")

        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.codes(), ["0241"])
        self.assertContains(response, "NR-STATUS-WINDOW", status_code=422)
        self.assertContains(response, html.escape(expected[0].message), status_code=422)
        self.assertFalse(
            AuditEvent.objects.filter(action=AuditEvent.CREATE, detail="0243").exists()
        )

    def test_the_refusal_is_worded_in_danish_on_a_danish_page(self) -> None:
        self.add(START, "0241")
        self.login(self.alice)
        day = START + dt.timedelta(days=28)
        [finding] = check_change(self.course, LineDraft(day, "0243")).errors

        response = self.post(day, "0243")

        self.assertContains(response, html.escape(finding.message_da), status_code=422)
        self.assertContains(response, "hverdage efter måldatoen", status_code=422)
        self.assertContains(response, day.strftime("%d.%m.%Y"), status_code=422)
        self.assertNotContains(response, "working days", status_code=422)

    def test_the_refusal_is_worded_in_english_on_an_english_page(self) -> None:
        self.add(START, "0241")
        self.login(self.alice)
        self.client.cookies["django_language"] = "en"
        day = START + dt.timedelta(days=28)
        [finding] = check_change(self.course, LineDraft(day, "0243")).errors

        response = self.post(day, "0243")

        self.assertContains(response, html.escape(finding.message_en), status_code=422)
        self.assertContains(response, "working days after its target", status_code=422)

    def test_the_last_day_of_the_window_saves_and_the_next_day_is_refused(self) -> None:
        self.add(START, "0241")
        earliest, latest = status_window("0243")
        self.login(self.alice)

        refused_late = self.post(latest + dt.timedelta(days=1), "0243")
        refused_early = self.post(earliest - dt.timedelta(days=1), "0243")
        self.assertEqual(refused_late.status_code, 422)
        self.assertEqual(refused_early.status_code, 422)
        self.assertContains(refused_late, "NR-STATUS-WINDOW", status_code=422)
        self.assertEqual(self.codes(), ["0241"])

        self.assertEqual(self.post(latest, "0243").status_code, 302)
        self.assertEqual(self.codes(), ["0241", "0243"])

    def test_the_first_day_of_the_window_saves(self) -> None:
        self.add(START, "0241")
        earliest, _ = status_window("0243")
        self.login(self.alice)
        self.assertEqual(self.post(earliest, "0243").status_code, 302)
        self.assertEqual(ServiceLine.objects.get(code="0243").service_date, earliest)

    def test_a_warning_needs_a_reason_and_nothing_is_saved_without_one(self) -> None:
        # 0242 as the patient's first service: NR-0242-NO-PRIOR is a warning
        self.login(self.alice)
        response = self.post(START, "0242")
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "NR-0242-NO-PRIOR", status_code=422)
        self.assertEqual(self.codes(), [])
        # the reason field is shown, and marked required
        self.assertContains(response, 'name="warning_reason"', status_code=422)
        self.assertRegex(
            response.content.decode(), r'<textarea[^>]*name="warning_reason"[^>]*required'
        )

        blank = self.post(START, "0242", warning_reason="   ")
        self.assertEqual(blank.status_code, 422)
        self.assertEqual(self.codes(), [])

    def test_a_warning_saves_with_a_reason_and_the_reason_is_stored(self) -> None:
        self.login(self.alice)
        reason = "Behandlet for samme problem i kommunalt regi"
        response = self.post(START, "0242", warning_reason=reason)
        self.assertEqual(response.status_code, 302)
        line = ServiceLine.objects.get(course=self.course)
        self.assertEqual((line.code, line.warning_reason), ("0242", reason))
        # the audit log holds the code, never the free text
        event = AuditEvent.objects.get(action=AuditEvent.CREATE, object_type="ServiceLine")
        self.assertNotIn("kommunalt", event.detail)
        page = self.client.get(f"/courses/{self.course.pk}/")
        self.assertContains(page, reason)

    def test_an_invalid_form_saves_nothing_and_shows_the_field_errors(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url, {"service_date": "31.02.2025", "code": "0241"})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "has-error", status_code=422)
        # a code of another pathway is not in the pick list
        response = self.post(START, "0231")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.codes(), [])

    def test_a_danish_date_is_accepted(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            self.url, {"service_date": START.strftime("%d.%m.%Y"), "code": "0241", "quantity": 1}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ServiceLine.objects.get().service_date, START)


class TestPickList(LineCreateTestCase):
    def test_it_offers_the_pathways_codes_and_the_general_codes_with_danish_labels(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        cat = load_catalogue()
        for code in cat.pathway_codes("NRL"):
            self.assertContains(response, f'<option value="{code}"')
        self.assertContains(response, f"0243 – {html.escape(cat.codes['0243'].label_da)}")
        general = [c.code for c in cat.codes.values() if c.pathway is None]
        physio = [c for c in general if cat.codes[c].profession == "physiotherapy"]
        chiro = [c for c in general if cat.codes[c].profession == "chiropractic"]
        self.assertTrue(physio and chiro)
        for code in physio:
            self.assertContains(response, f'<option value="{code}"')
        for code in chiro + list(cat.pathway_codes("NRC")) + list(cat.pathway_codes("LBP")):
            self.assertNotContains(response, f'<option value="{code}"')

    def test_physiotherapy_courses_have_no_chiropractic_code_help(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertNotContains(response, 'id="code-help"')


class TestChiropracticCodeHelp(LineCreateTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("CPL", START)
        self.url = f"/courses/{self.course.pk}/lines/new/"

    def suggest(self, day: dt.date, **extra: object) -> object:
        data: dict[str, object] = {
            "service_date": day.isoformat(),
            "code": "1040",
            "quantity": "1",
            "action": "suggest",
            **extra,
        }
        return self.client.post(self.url, data)

    def test_the_pick_list_holds_the_chiropractic_general_codes(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        for code in ("1040", "1044", "1015", "1016", "1017", "1035", "1036", "1037", "1024"):
            self.assertContains(response, f'<option value="{code}"')
        self.assertNotContains(response, '<option value="0241"')

    def test_it_suggests_the_first_exam_code_from_the_previous_visit(self) -> None:
        self.login(self.alice)
        day = dt.date(2025, 6, 2)
        response = self.suggest(day)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(first_exam_code(day, None), "1015")
        self.assertContains(response, 'data-suggests="first_exam" data-code="1015"')

        # another patient's visit at the clinic does not count
        other = do_create_patient(
            self.clinic, {"cpr": "0202802345", "name": "Ole"}, actor=self.alice
        )
        other_ref = do_create_referral(
            other,
            {"date": dt.date(2025, 4, 1), "gp_name": "GP", "diagnosis_text": "Lændesmerter"},
            actor=self.alice,
        )
        other_course = do_start_course(other_ref, "CPL", dt.date(2025, 5, 1), actor=self.alice)
        ServiceLine.objects.create(
            course=other_course, service_date=dt.date(2025, 5, 1), code="1040"
        )
        response = self.suggest(day)
        self.assertContains(response, 'data-suggests="first_exam" data-code="1015"')

        # a visit at the clinic six months earlier (another course of the patient)
        earlier = Course.objects.create(
            clinic=self.clinic,
            patient=self.patient,
            referral=self.referral,
            pathway="CPL",
            planned_start=dt.date(2024, 12, 2),
        )
        ServiceLine.objects.create(course=earlier, service_date=dt.date(2024, 12, 2), code="1040")
        expected = first_exam_code(day, dt.date(2024, 12, 2))
        self.assertEqual(expected, "1017")
        response = self.suggest(day)
        self.assertContains(response, f'data-suggests="first_exam" data-code="{expected}"')
        self.assertContains(response, "02.12.2024")

    def test_the_follow_up_checklist_gives_the_code_of_the_criteria(self) -> None:
        self.login(self.alice)
        day = dt.date(2025, 2, 3)
        none = self.suggest(day)
        self.assertContains(none, 'data-suggests="follow_up" data-code="1035"')
        one = self.suggest(day, **{"help-criteria": ["2"]})
        self.assertContains(one, 'data-suggests="follow_up" data-code="1036"')
        two = self.suggest(day, **{"help-criteria": ["1", "2"]})
        self.assertContains(two, 'data-suggests="follow_up" data-code="1037"')
        # criterion 3 counts only when the exercise regime starts or changes
        regime = self.suggest(day, **{"help-criteria": ["2", "3"]})
        self.assertContains(regime, 'data-suggests="follow_up" data-code="1036"')
        changed = self.suggest(day, **{"help-criteria": ["2", "3"], "help-exercise_change": "on"})
        self.assertContains(changed, 'data-suggests="follow_up" data-code="1037"')
        # criterion 4 once per course
        used = self.suggest(day, **{"help-criteria": ["2", "4"], "help-criterion_4_used": "on"})
        self.assertContains(used, 'data-suggests="follow_up" data-code="1036"')
        self.assertFalse(ServiceLine.objects.exists())

    def test_it_shows_the_conference_modules_and_transport_fee(self) -> None:
        self.login(self.alice)
        fee = conference_fee(35, Decimal("4.1"))
        response = self.suggest(
            dt.date(2025, 2, 3),
            **{"help-conference_minutes": "35", "help-conference_distance_km": "4.1"},
        )
        self.assertContains(response, f'data-suggests="conference" data-modules="{fee.modules}"')
        self.assertEqual(fee.modules, 4)
        self.assertContains(response, str(fee.transport_kr).replace(".", ","))

    def test_use_puts_the_suggested_code_in_the_form_without_saving(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            self.url,
            {
                "service_date": "2025-02-03",
                "code": "1040",
                "quantity": "1",
                "use_code": "1024",
                "use_quantity": "4",
                "help-conference_minutes": "35",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<option value="1024" selected>')
        self.assertRegex(response.content.decode(), r'name="quantity" value="4"')
        self.assertFalse(ServiceLine.objects.exists())


class TestAccess(LineCreateTestCase):
    def test_another_clinic_gets_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.post(START, "0241").status_code, 404)
        self.assertFalse(ServiceLine.objects.exists())

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/login/?next={self.url}", fetch_redirect_response=False)
        response = self.post(START, "0241")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ServiceLine.objects.exists())
