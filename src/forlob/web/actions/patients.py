"""Patients and referrals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from forlob.cpr import birth_date_from_cpr
from forlob.web import auditlog
from forlob.web.models import AuditEvent, Clinic, Patient, Referral

PATIENT_FIELDS = ("cpr", "name", "email", "phone", "consent_beyond_journal")
REFERRAL_FIELDS = (
    "date",
    "gp_name",
    "gp_provider_id",
    "diagnosis_system",
    "diagnosis_code",
    "diagnosis_text",
    "reason",
    "group",
)


class PatientExists(Exception):
    """The clinic has a patient with this CPR number already (one per CPR number and clinic).

    Carries no CPR number: the message of the database's unique violation does, and must not
    reach a log line."""


@transaction.atomic(durable=True)
def do_create_patient(clinic: Clinic, data: Mapping[str, Any], *, actor: User) -> Patient:
    """Register a patient; raises `PatientExists` when the clinic has the CPR number already.

    The clinic's row is locked before the check, so two registrations of the same number at
    once are one after the other: the second finds the first's patient and its insert never
    meets the unique constraint (whose violation PostgreSQL would log with the CPR number).
    SQLite's IMMEDIATE transactions serialise them the same way. The constraint stays the
    last word: a violation all the same is answered as the check's refusal.
    """
    fields = {k: data[k] for k in PATIENT_FIELDS if k in data}
    list(Clinic.objects.select_for_update().filter(pk=clinic.pk).values_list("pk"))
    if Patient.objects.filter(clinic=clinic, cpr=fields["cpr"]).exists():
        raise PatientExists
    patient = Patient(clinic=clinic, birth_date=birth_date_from_cpr(fields["cpr"]), **fields)
    if patient.consent_beyond_journal:
        patient.consent_recorded_at = timezone.now()
    try:
        patient.save()
    except IntegrityError:
        raise PatientExists from None
    auditlog.record(actor, AuditEvent.CREATE, patient)
    return patient


@transaction.atomic(durable=True)
def do_update_patient(patient: Patient, data: Mapping[str, Any], *, actor: User) -> list[str]:
    """Change the given fields; returns the names of those that changed."""
    changed = []
    for k in PATIENT_FIELDS:
        if k in data and getattr(patient, k) != data[k]:
            setattr(patient, k, data[k])
            changed.append(k)
    if "cpr" in changed:
        patient.birth_date = birth_date_from_cpr(patient.cpr)
    if "consent_beyond_journal" in changed:
        patient.consent_recorded_at = timezone.now()
    if changed:
        patient.save()
        auditlog.record(actor, AuditEvent.UPDATE, patient, detail=",".join(changed))
    return changed


@transaction.atomic(durable=True)
def do_create_referral(patient: Patient, data: Mapping[str, Any], *, actor: User) -> Referral:
    fields = {k: data[k] for k in REFERRAL_FIELDS if k in data}
    referral = Referral.objects.create(patient=patient, **fields)
    auditlog.record(actor, AuditEvent.CREATE, referral, clinic=patient.clinic)
    return referral
