"""Demo data for an empty database in demo mode: two clinics, Alice and Bob in clinic A,
Charlie in clinic B, and a few patients with courses at different stages.

The demo logins are listed in the README; they exist only in demo mode (FORLOB_DEMO=1).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from forlob.calendar import add_working_days
from forlob.web.actions.courses import do_add_service_line, do_start_course
from forlob.web.actions.patients import do_create_patient, do_create_referral
from forlob.web.change_check import LineDraft
from forlob.web.models import Clinic, Membership

DEMO_PASSWORD = "forlob-demo"
DEMO_USERS = (
    # username, full name, clinic key, role
    ("alice", "Alice Andersen", "A", Membership.ADMIN),
    ("bob", "Bob Bertelsen", "A", Membership.CLINICIAN),
    ("charlie", "Charlie Christensen", "B", Membership.ADMIN),
)


def create_demo_data(today: dt.date | None = None) -> dict[str, Clinic]:
    """Create the demo clinics, users and patients; returns the clinics by key.

    The clinics and users are one transaction; the patients and courses are made by the app's
    own actions, each its own (durable) transaction, as a clinician would make them.
    """
    today = today or dt.date.today()
    clinics, users = _clinics_and_users()
    alice = users["alice"]

    # an NRL course three weeks in: start and the 2-week status registered
    start = add_working_days(today, -15)
    p1 = do_create_patient(
        clinics["A"],
        {
            "cpr": "0101801234",
            "name": "Hanne Hansen",
            "email": "hanne@example.invalid",
            "consent_beyond_journal": True,
        },
        actor=alice,
    )
    r1 = do_create_referral(
        p1,
        {
            "date": start - dt.timedelta(days=7),
            "gp_name": "Lægerne på Torvet",
            "diagnosis_system": "ICPC",
            "diagnosis_code": "L86",
            "diagnosis_text": "Rygsyndrom med smerteudstråling",
            "reason": "Udstrålende smerter i venstre ben",
            "group": 2,
        },
        actor=alice,
    )
    c1 = do_start_course(r1, "NRL", start, actor=alice)
    for date, code in ((start, "0241"), (start + dt.timedelta(weeks=2), "0243")):
        do_add_service_line(c1, LineDraft(date, code), actor=alice)

    # an LBP course just referred, not yet started
    p2 = do_create_patient(
        clinics["A"],
        {"cpr": "1503724321", "name": "Peter Petersen", "phone": "20 00 00 00"},
        actor=alice,
    )
    r2 = do_create_referral(
        p2,
        {
            "date": today - dt.timedelta(days=3),
            "gp_name": "Lægehuset Amager",
            "diagnosis_system": "ICPC",
            "diagnosis_code": "L03",
            "diagnosis_text": "Lændesmerter",
            "reason": "Lændesmerter gennem 3 uger",
            "group": 1,
        },
        actor=alice,
    )
    do_start_course(r2, "LBP", add_working_days(today, 3), actor=alice)

    # clinic B: a chiropractic lumbar disc-prolapse package (Charlie's clinic)
    charlie = users["charlie"]
    p3 = do_create_patient(
        clinics["B"], {"cpr": "2208654422", "name": "Karen Kristensen"}, actor=charlie
    )
    r3 = do_create_referral(
        p3,
        {
            "date": today - dt.timedelta(days=20),
            "gp_name": "Lægerne Vesterbro",
            "diagnosis_system": "ICD-10",
            "diagnosis_code": "DM511",
            "diagnosis_text": "Lumbal diskusprolaps med radikulopati",
            "group": 2,
        },
        actor=charlie,
    )
    c3 = do_start_course(r3, "CPL", add_working_days(today, -10), actor=charlie)
    do_add_service_line(c3, LineDraft(c3.planned_start, "1040"), actor=charlie)
    return clinics


@transaction.atomic
def _clinics_and_users() -> tuple[dict[str, Clinic], dict[str, User]]:
    clinics = {
        "A": Clinic.objects.create(
            name="Fysioterapi Amager",
            provider_id="123456",
            profession=Clinic.PHYSIOTHERAPY,
            address="Amagerbrogade 1, 2300 København S",
            phone="32 00 00 00",
        ),
        "B": Clinic.objects.create(
            name="Kiropraktorklinik Vesterbro",
            provider_id="654321",
            profession=Clinic.CHIROPRACTIC,
            address="Vesterbrogade 2, 1620 København V",
            phone="33 00 00 00",
        ),
    }
    users = {}
    for username, full_name, key, role in DEMO_USERS:
        first, last = full_name.split(" ", 1)
        user = User.objects.create_user(
            username, f"{username}@example.invalid", DEMO_PASSWORD, first_name=first, last_name=last
        )
        Membership.objects.create(user=user, clinic=clinics[key], role=role)
        users[username] = user
    return clinics, users
