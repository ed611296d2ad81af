"""Two registrations of the same course at the same instant: the rule check and the write are
one serialised step, so the second is judged with the first line in place (rules.md
NR-STATUS-ONCE: the status consultation 0243 once per course)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from tests.web.race import post_json, simultaneously

from forlob.web.actions.courses import do_add_service_line, do_start_course
from forlob.web.actions.patients import do_create_patient, do_create_referral
from forlob.web.change_check import LineDraft
from forlob.web.models import Clinic, Course, Membership
from forlob.web.tokens import create_token

START = dt.date(2025, 1, 13)  # a Monday: NRL's 0243 is due two weeks later
STATUS_DAY = dt.date(2025, 1, 27)
ROUNDS = 50


@pytest.fixture
def alice_course(committed_audit_log_cleared: None) -> tuple[str, Course]:
    clinic = Clinic.objects.create(
        name="Fysioterapi Amager", provider_id="123456", profession=Clinic.PHYSIOTHERAPY
    )
    alice = User.objects.create_user("alice", "alice@example.org", "x" * 20)
    Membership.objects.create(user=alice, clinic=clinic, role=Membership.ADMIN)
    patient = do_create_patient(clinic, {"cpr": "0101801234", "name": "Hanne"}, actor=alice)
    referral = do_create_referral(
        patient,
        {"date": dt.date(2025, 1, 6), "gp_name": "Lægerne", "diagnosis_text": "Rygsyndrom"},
        actor=alice,
    )
    course = do_start_course(referral, "NRL", START, actor=alice)
    assert do_add_service_line(course, LineDraft(START, "0241"), actor=alice).saved
    return create_token(alice, "race")[1], course


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_status_lines_save_one_and_refuse_the_other(
    alice_course: tuple[str, Course],
) -> None:
    token, course = alice_course
    path = f"/api/v1/courses/{course.pk}/lines"
    body = {"service_date": STATUS_DAY.isoformat(), "code": "0243"}
    forbidden = 0  # 0243 lines saved beyond the first, round by round
    refusals: list[list[str]] = []
    for _round in range(ROUNDS):
        answers = simultaneously(post_json(token, path, body), post_json(token, path, body))
        saved = course.lines.filter(code="0243")
        forbidden += saved.count() - 1
        assert sorted(r.status_code for r in answers) in ([201, 201], [201, 422]), answers
        for r in answers:
            if r.status_code == 422:
                loser = r.json()
                assert loser["saved"] is False
                refusals.append(
                    [f["rule_id"] for f in loser["findings"] if f["severity"] == "error"]
                )
        saved.delete()
    assert forbidden == 0, f"{forbidden} forbidden lines saved in {ROUNDS} rounds"
    # every loser was told why: the status consultation is there already
    assert refusals == [["NR-STATUS-ONCE"]] * ROUNDS
