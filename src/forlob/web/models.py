"""The clinic app's data: clinics and their users, patients, referrals, courses (forløb), service
lines, the stored plan, questionnaire rounds, letters, API tokens and the audit log.

Dates are stored ISO (DateField); the domain modules get plain values, never model objects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forlob.catalogue import load_catalogue
from forlob.cpr import format_cpr


class Clinic(models.Model):
    PHYSIOTHERAPY = "physiotherapy"
    CHIROPRACTIC = "chiropractic"
    PROFESSIONS = [(PHYSIOTHERAPY, _("Physiotherapy")), (CHIROPRACTIC, _("Chiropractic"))]

    name = models.CharField(_("name"), max_length=200)
    # ydernummer: the clinic's number with the region; the audit's provider_id
    provider_id = models.CharField(_("provider number"), max_length=20, unique=True)
    profession = models.CharField(_("profession"), max_length=20, choices=PROFESSIONS)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    CLINICIAN = "clinician"
    ADMIN = "admin"
    ROLES = [(CLINICIAN, _("Clinician")), (ADMIN, _("Clinic admin"))]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=ROLES, default=CLINICIAN)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="one_membership_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.clinic} ({self.role})"


class Patient(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    cpr = models.CharField(_("CPR number"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # seed 000: questionnaire data may be used beyond the journal only with consent
    consent_beyond_journal = models.BooleanField(
        _("consents to use beyond the journal"), default=False
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "cpr"], name="one_patient_per_cpr_per_clinic")
        ]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def cpr_display(self) -> str:
        return format_cpr(self.cpr)


class Referral(models.Model):
    ICPC = "ICPC"
    ICD10 = "ICD-10"
    SYSTEMS = [(ICPC, "ICPC"), (ICD10, "ICD-10")]

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="referrals")
    date = models.DateField(_("referral date"))
    gp_name = models.CharField(_("referring GP"), max_length=200)
    gp_provider_id = models.CharField(_("GP provider number"), max_length=20, blank=True)
    diagnosis_system = models.CharField(
        _("diagnosis code system"), max_length=10, choices=SYSTEMS, default=ICPC
    )
    diagnosis_code = models.CharField(_("diagnosis code"), max_length=20, blank=True)
    diagnosis_text = models.CharField(_("diagnosis"), max_length=300)
    reason = models.TextField(_("reason for referral"), blank=True)
    # 003 Bilag 4: group 1 (nonspecific/degenerative) or 2 (nerve root), suggested from the code
    group = models.PositiveSmallIntegerField(_("group"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.diagnosis_text}"


class Course(models.Model):
    ACTIVE = "active"
    CLOSED = "closed"
    STATUSES = [(ACTIVE, _("Active")), (CLOSED, _("Closed"))]

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="courses")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="courses")
    pathway = models.CharField(_("pathway"), max_length=3)
    # the planned start; once a start code is registered its date is the start (rules.md §1)
    planned_start = models.DateField(_("planned start"))
    # LBP: the planned closing consultation (0267), which dates the follow-ups
    planned_closing = models.DateField(_("planned closing"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=ACTIVE)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clinician"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The rule engine's findings on this course's lines, and the key of what they were
    # computed from (the patient's lines at the clinic, dates, catalogue): see findings_store.py
    findings = models.JSONField(null=True, blank=True)
    findings_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-planned_start", "-id"]
        indexes = [models.Index(fields=["clinic", "status"])]

    def __str__(self) -> str:
        return f"{self.pathway} {self.planned_start.isoformat()}"

    @property
    def pathway_name(self) -> str:
        return load_catalogue().pathways[self.pathway].name_da


class ServiceLine(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lines")
    service_date = models.DateField(_("date"))
    code = models.CharField(_("service code"), max_length=4)
    team_size = models.PositiveSmallIntegerField(_("team size"), null=True, blank=True)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    # the clinician's reason for saving despite a warning finding
    warning_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service_date", "id"]
        indexes = [models.Index(fields=["course", "service_date"])]

    def __str__(self) -> str:
        return f"{self.code} {self.service_date.isoformat()}"

    @property
    def label(self) -> str:
        return load_catalogue().label(self.code)


class PlanItem(models.Model):
    """One planned item of a course, stored so the worklist is one indexed query.

    Rewritten from `forlob.planning` whenever the course or its lines change; `done_on` is set
    when registered lines fulfil the item. Open/overdue follow from the dates and today.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="plan_items")
    # the course's clinic and whether the course is active, kept here so the worklist filters
    # one indexed table (refresh_plan writes both whenever the course changes)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40)
    kind = models.CharField(max_length=20)  # consultation | questionnaire
    code = models.CharField(max_length=4, blank=True)
    label = models.CharField(max_length=300)
    note = models.CharField(max_length=500, blank=True)
    target = models.DateField(null=True)
    earliest = models.DateField(null=True)
    latest = models.DateField(null=True)
    unreachable = models.BooleanField(default=False)
    done_on = models.DateField(null=True)
    instruments = models.JSONField(default=list)

    class Meta:
        ordering = ["course", "position"]
        indexes = [
            models.Index(
                fields=["clinic", "active", "done_on", "unreachable", "latest"],
                name="forlob_plan_clinic__active_idx",
            )
        ]


class QuestionnaireRound(models.Model):
    """One round of questionnaires of a course: a one-time link, or entered in the clinic."""

    PATIENT = "patient"
    CLINICIAN = "clinician"
    ANSWERED_BY = [(PATIENT, _("Patient")), (CLINICIAN, _("Clinician"))]

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="rounds")
    plan_key = models.CharField(max_length=40, blank=True)
    instruments = models.JSONField(default=list)
    # only the SHA-256 of the link's token is stored: a database leak gives no working links
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.EmailField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=10, choices=ANSWERED_BY, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def answered_on(self) -> dt.date | None:
        return None if self.completed_at is None else self.completed_at.date()


class QuestionnaireAnswer(models.Model):
    """One instrument's answers in a round, with the score `forlob.prom` gave them."""

    round = models.ForeignKey(QuestionnaireRound, on_delete=models.CASCADE, related_name="answers")
    instrument = models.CharField(max_length=20)
    answers = models.JSONField(default=list)
    activities = models.JSONField(default=list)  # PSFS: the activities the patient named
    score = models.DecimalField(max_digits=6, decimal_places=1)
    unit = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "instrument"], name="one_answer_per_instrument"
            )
        ]


class Letter(models.Model):
    """A letter of a course (discharge letter to the GP, referral), as the clinician edited it."""

    DISCHARGE = "discharge"
    RHEUMATOLOGY = "rheumatology_referral"
    KINDS = [(DISCHARGE, _("Discharge letter")), (RHEUMATOLOGY, _("Referral to rheumatology"))]

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=30, choices=KINDS)
    text = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "kind"], name="one_letter_per_kind")
        ]


class ApiToken(models.Model):
    """A token for integrations (`Authorization: Bearer …`); only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    """Who did what to which object, when. Append-only: rows are never updated or deleted."""

    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    SEND = "send"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    ACTIONS = [
        (VIEW, _("view")),
        (CREATE, _("create")),
        (UPDATE, _("update")),
        (DELETE, _("delete")),
        (EXPORT, _("export")),
        (SEND, _("send")),
        (LOGIN, _("login")),
        (LOGIN_FAILED, _("failed login")),
    ]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # kept as text too, so the log still reads after a user is renamed
    username = models.CharField(max_length=150, blank=True)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=ACTIONS)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40, blank=True)
    # what changed, by field name or code; never names, CPR numbers or free text
    detail = models.CharField(max_length=300, blank=True)
    # for login events: the client address the rate limit counts by
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "-at"]),
            models.Index(fields=["action", "at"]),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events are never deleted")
