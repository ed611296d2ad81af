"""The audit log page's filter (by action and by user of the clinic)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from forlob.web.forms.widgets import UserChoiceField
from forlob.web.models import AuditEvent, Clinic


class UsernameField(UserChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_username()


class AuditLogFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEvent.ACTIONS],
    )
    user = UsernameField(
        label=_("User"),
        required=False,
        empty_label=_("All users"),
        queryset=User.objects.none(),
    )

    def __init__(self, clinic: Clinic, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # only the clinic's members can be chosen: no usernames of other clinics are listed
        cast(UsernameField, self.fields["user"]).queryset = (
            User.objects.filter(memberships__clinic=clinic).order_by("username").distinct()
        )
