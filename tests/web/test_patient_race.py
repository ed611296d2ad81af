"""Two registrations of the same CPR number at the same instant (one patient per CPR number and
clinic): one is created, the other is told the clinic has the patient (409), never a server
error, and the CPR number is in no log line."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User
from tests.web.race import post_json, simultaneously

from forlob.web.models import Clinic, Membership, Patient
from forlob.web.tokens import create_token

ROUNDS = 20
# 20 CPR numbers with real dates (no modulus-11 check: forlob.cpr, seed 000)
CPRS = [f"{day:02d}0180{1000 + day}" for day in range(1, ROUNDS + 1)]


@pytest.fixture
def alice_token(committed_audit_log_cleared: None) -> str:
    clinic = Clinic.objects.create(
        name="Fysioterapi Amager", provider_id="123456", profession=Clinic.PHYSIOTHERAPY
    )
    alice = User.objects.create_user("alice", "alice@example.org", "x" * 20)
    Membership.objects.create(user=alice, clinic=clinic, role=Membership.ADMIN)
    return create_token(alice, "race")[1]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_of_a_cpr_number_create_one_patient_and_answer_409(
    alice_token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answers = []
    for cpr in CPRS:
        body = {"cpr": cpr, "name": "Hanne Hansen"}
        pair = simultaneously(
            post_json(alice_token, "/api/v1/patients", body),
            post_json(alice_token, "/api/v1/patients", body),
        )
        answers.append(sorted(r.status_code for r in pair))
        for r in pair:
            if r.status_code == 409:
                assert r.json() == {
                    "detail": "Klinikken har allerede en patient med dette CPR-nummer."
                }
    errors = sum(500 in a for a in answers)
    assert answers == [[201, 409]] * ROUNDS, f"{errors} of {ROUNDS} rounds answered 500"
    assert sorted(Patient.objects.values_list("cpr", flat=True)) == sorted(CPRS)
    logged = caplog.text
    assert not [cpr for cpr in CPRS if cpr in logged or f"{cpr[:6]}-{cpr[6:]}" in logged]
