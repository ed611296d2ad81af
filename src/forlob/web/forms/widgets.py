"""Widgets and fields shared by the app's forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from forlob.calendar import OUTSIDE_CALENDAR, in_calendar

# A choice of one of the clinic's users, typed as such (Django's field is generic only in its
# type stubs, not at run time).
if TYPE_CHECKING:
    UserChoiceField = forms.ModelChoiceField[User]
else:
    UserChoiceField = forms.ModelChoiceField


class CalendarDateField(forms.DateField):
    """A date the calendar knows (forlob.calendar: the working days and holidays of its
    years): services, referrals and planned dates outside it cannot be judged or planned."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not in_calendar(value):
            raise forms.ValidationError(
                OUTSIDE_CALENDAR.get(get_language()), code="outside_calendar"
            )


class PlainSelect(forms.Select):
    """A select rendered in Python, not through a template per option.

    The service-code pick list has some forty options, and Django's include of one template
    per option made it the slowest part of the course page. Same markup, same escaping.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        "" if option["value"] is None else option["value"],
                        mark_safe(" selected") if option["selected"] else "",
                        option["label"],
                    )
                )
            if group:
                parts.append(mark_safe("</optgroup>"))
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))
