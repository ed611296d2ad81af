"""The audit log page's filter (by action and by user of the clinic)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from forlob.web.models import AuditEvent, Clinic


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_username())


class AuditLogFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEvent.ACTIONS],
    )
    user = UserChoiceField(
        label=_("User"),
        required=False,
        empty_label=_("All users"),
        queryset=get_user_model().objects.none(),
    )

    def __init__(self, clinic: Clinic, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # only the clinic's members can be chosen: no usernames of other clinics are listed
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            get_user_model()
            .objects.filter(memberships__clinic=clinic)
            .order_by("username")
            .distinct()
        )
