"""Recording who did what: every write and every read of patient data."""

from __future__ import annotations

from typing import Any

from django.db import models

from forlob.web.models import AuditEvent, Clinic, Course, Patient


def clinic_of(obj: models.Model) -> Clinic | None:
    """The clinic an object belongs to (the log is read per clinic)."""
    if isinstance(obj, Clinic):
        return obj
    for attr in ("clinic", "patient", "course", "round"):
        parent = getattr(obj, attr, None)
        if isinstance(parent, Clinic):
            return parent
        if isinstance(parent, (Patient, Course)):
            return parent.clinic
        if parent is not None and isinstance(parent, models.Model):
            return clinic_of(parent)
    return None


def record(
    user: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    clinic: Clinic | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event. `detail` names fields or codes only, never personal data."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        clinic=clinic if clinic is not None else (clinic_of(obj) if obj is not None else None),
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        detail=detail[:300],
    )


def record_view(user: Any, obj: models.Model, detail: str = "") -> None:
    record(user, AuditEvent.VIEW, obj, detail=detail)
