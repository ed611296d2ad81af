"""The base test case of the web app: two clinics, Alice and Bob in clinic A, Charlie in B.

Charlie must never see clinic A's data: every patient-data view and API endpoint has a test
that he gets 404 for it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.test import TestCase

from forlob.web.actions.courses import do_start_course
from forlob.web.actions.patients import do_create_patient, do_create_referral
from forlob.web.models import Clinic, Course, Membership, Patient, Referral

PASSWORD = "correct horse battery staple"


class BaseTestCase(TestCase):
    clinic: Clinic
    other_clinic: Clinic
    alice: User
    bob: User
    charlie: User
    patient: Patient
    referral: Referral

    @classmethod
    def setUpTestData(cls) -> None:
        cls.clinic = Clinic.objects.create(
            name="Fysioterapi Amager", provider_id="123456", profession=Clinic.PHYSIOTHERAPY
        )
        cls.other_clinic = Clinic.objects.create(
            name="Kiropraktor Vesterbro", provider_id="654321", profession=Clinic.CHIROPRACTIC
        )
        cls.alice = User.objects.create_user("alice", "alice@example.org", PASSWORD)
        Membership.objects.create(user=cls.alice, clinic=cls.clinic, role=Membership.ADMIN)
        cls.bob = User.objects.create_user("bob", "bob@example.org", PASSWORD)
        Membership.objects.create(user=cls.bob, clinic=cls.clinic, role=Membership.CLINICIAN)
        cls.charlie = User.objects.create_user("charlie", "charlie@example.org", PASSWORD)
        Membership.objects.create(user=cls.charlie, clinic=cls.other_clinic, role=Membership.ADMIN)
        cls.patient = do_create_patient(
            cls.clinic,
            {"cpr": "0101801234", "name": "Hanne Hansen", "email": "hanne@example.org"},
            actor=cls.alice,
        )
        cls.referral = do_create_referral(
            cls.patient,
            {
                "date": dt.date(2025, 1, 6),
                "gp_name": "Lægerne på Torvet",
                "diagnosis_system": "ICPC",
                "diagnosis_code": "L86",
                "diagnosis_text": "Rygsyndrom med smerteudstråling",
                "reason": "Udstrålende smerter",
            },
            actor=cls.alice,
        )

    def start_course(self, pathway: str = "NRL", start: dt.date = dt.date(2025, 1, 13)) -> Course:
        return do_start_course(self.referral, pathway, start, actor=self.alice)

    def login(self, user: User) -> None:
        self.client.force_login(user)
