"""Forms of the questionnaires area: the patient's (and clinician's) answer form, and sending.

The answer form is built from the instrument data of `forlob.prom` (item texts and answer
options in Danish or English, following the active language), one section per instrument:
NPRS as a 0–10 scale, ODI/NDI as their ten sections, PSFS as up to three named activities
rated 0–10. Validation runs `forlob.prom.score` and puts each error next to the item it
concerns; the answers given stay in the re-rendered form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forlob.prom import Instrument, InstrumentAnswers, ScoreInputError, load_instrument, score

# The form offers this many PSFS activities (the instrument allows up to five; three is what
# the clinics' paper forms ask for and what fits a phone screen).
PSFS_ACTIVITIES = 3
# Instruments the answer form can show (the performance tests are measured in the clinic).
FORM_KINDS = ("rating", "sections", "activities")


@dataclass
class Section:
    """One instrument's part of the form, for the template."""

    instrument: Instrument
    title: str
    instructions: str
    fields: list[forms.BoundField]
    kind: str
    optional_note: str = ""
    # PSFS: (name field, rating field) per activity
    activities: list[tuple[forms.BoundField, forms.BoundField]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _danish() -> bool:
    return (translation.get_language() or "da").split("-")[0] != "en"


def _text(da: str, en: str) -> str:
    return da if _danish() else en


def _scale_choices(low: int, high: int) -> list[tuple[str, str]]:
    return [(str(v), str(v)) for v in range(low, high + 1)]


class ScaleWidget(forms.RadioSelect):
    """A row of large 0–10 buttons (rendered by the template from the choices)."""


class AnswerForm(forms.Form):
    """The answers of one round; `instruments` are prom ids in the order shown."""

    def __init__(self, instruments: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instruments = [load_instrument(name) for name in instruments]
        self.instruments = [i for i in self.instruments if i.kind in FORM_KINDS]
        self.filled: dict[str, InstrumentAnswers] = {}
        self._section_errors: dict[str, list[str]] = {}
        for inst in self.instruments:
            if inst.kind == "rating":
                item = inst.items[0]
                self.fields[f"{inst.id}-{item.id}"] = forms.ChoiceField(
                    label=_text(item.title_da, item.title_en),
                    choices=_scale_choices(item.low, item.high),
                    widget=ScaleWidget,
                    required=True,
                    error_messages={"required": gettext_lazy("Choose a number from 0 to 10.")},
                )
            elif inst.kind == "sections":
                for item in inst.items:
                    self.fields[f"{inst.id}-{item.id}"] = forms.ChoiceField(
                        label=_text(item.title_da, item.title_en),
                        choices=[(str(o.score), _text(o.da, o.en)) for o in item.options],
                        widget=forms.RadioSelect,
                        required=False,
                    )
            else:
                item = inst.items[0]
                for n in range(1, PSFS_ACTIVITIES + 1):
                    self.fields[f"{inst.id}-name-{n}"] = forms.CharField(
                        label=_("Activity %(n)d") % {"n": n},
                        required=False,
                        max_length=200,
                    )
                    self.fields[f"{inst.id}-rating-{n}"] = forms.ChoiceField(
                        label=_("How well can you do it today? (activity %(n)d)") % {"n": n},
                        choices=_scale_choices(item.low, item.high),
                        widget=ScaleWidget,
                        required=False,
                    )

    # --- validation ------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for inst in self.instruments:
            if inst.kind == "rating":
                self._clean_rating(inst, data)
            elif inst.kind == "sections":
                self._clean_sections(inst, data)
            else:
                self._clean_activities(inst, data)
        return data

    def _value(self, data: dict[str, Any], name: str) -> int | None:
        raw = data.get(name)
        return None if raw in (None, "") else int(raw)

    def _clean_rating(self, inst: Instrument, data: dict[str, Any]) -> None:
        name = f"{inst.id}-{inst.items[0].id}"
        if name in self.errors:
            return
        value = self._value(data, name)
        try:
            score(inst, [value])
        except ScoreInputError:
            self.add_error(name, _("Choose a number from 0 to 10."))
            return
        self.filled[inst.id] = InstrumentAnswers([value])

    def _clean_sections(self, inst: Instrument, data: dict[str, Any]) -> None:
        names = [f"{inst.id}-{item.id}" for item in inst.items]
        if any(n in self.errors for n in names):
            return
        values = [self._value(data, n) for n in names]
        missing = [n for n, v in zip(names, values, strict=True) if v is None]
        if len(missing) > inst.max_missing:
            # next to each unanswered section: any of them may be the one to answer
            for n in missing:
                self.add_error(
                    n,
                    _("Answer this one: at most %(n)d may be left unanswered.")
                    % {"n": inst.max_missing},
                )
            return
        try:
            score(inst, values)
        except ScoreInputError as exc:  # out of range cannot come from the choices; be safe
            self._section_errors.setdefault(inst.id, []).append(str(exc))
            self.add_error(None, str(exc))
            return
        self.filled[inst.id] = InstrumentAnswers(values)

    def _clean_activities(self, inst: Instrument, data: dict[str, Any]) -> None:
        names: list[str] = []
        ratings: list[int | None] = []
        ok = True
        for n in range(1, PSFS_ACTIVITIES + 1):
            name_field, rating_field = f"{inst.id}-name-{n}", f"{inst.id}-rating-{n}"
            if name_field in self.errors or rating_field in self.errors:
                ok = False
                continue
            text = (data.get(name_field) or "").strip()
            rating = self._value(data, rating_field)
            if text and rating is None:
                self.add_error(rating_field, _("Rate this activity from 0 to 10."))
                ok = False
            elif rating is not None and not text:
                self.add_error(name_field, _("Name the activity you rated."))
                ok = False
            elif text:
                names.append(text)
                ratings.append(rating)
        if not ok:
            return
        min_items = inst.min_items or 1
        if len(names) < min_items:
            self.add_error(
                f"{inst.id}-name-1",
                _("Name at least one activity and rate it from 0 to 10."),
            )
            return
        try:
            score(inst, ratings)
        except ScoreInputError as exc:
            self._section_errors.setdefault(inst.id, []).append(str(exc))
            self.add_error(None, str(exc))
            return
        self.filled[inst.id] = InstrumentAnswers(list(ratings), names)

    # --- for the template --------------------------------------------------------------------

    @property
    def sections(self) -> list[Section]:
        out: list[Section] = []
        for inst in self.instruments:
            title = _text(inst.name_da, inst.name_en)
            instructions = _text(inst.instructions_da, inst.instructions_en)
            section = Section(
                instrument=inst,
                title=title,
                instructions=instructions,
                fields=[],
                kind=inst.kind,
                errors=self._section_errors.get(inst.id, []),
            )
            if inst.kind == "activities":
                section.activities = [
                    (self[f"{inst.id}-name-{n}"], self[f"{inst.id}-rating-{n}"])
                    for n in range(1, PSFS_ACTIVITIES + 1)
                ]
                item = inst.items[0]
                anchors = " · ".join(f"{o.score} = {_text(o.da, o.en)}" for o in item.options)
                room = _("This form has room for %(n)d activities.") % {"n": PSFS_ACTIVITIES}
                section.optional_note = f"{room} {anchors}"
            else:
                section.fields = [self[f"{inst.id}-{item.id}"] for item in inst.items]
                if inst.kind == "sections" and inst.max_missing:
                    section.optional_note = _(
                        "You may leave up to %(n)d sections unanswered if they do not apply."
                    ) % {"n": inst.max_missing}
                elif inst.kind == "rating":
                    section.optional_note = " · ".join(
                        f"{o.score} = {_text(o.da, o.en)}" for o in inst.items[0].options
                    )
            out.append(section)
        return out


class SendForm(forms.Form):
    """Send a round: a planned one (its key) or ad hoc with a choice of the pathway's set."""

    plan_key = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    instruments = forms.MultipleChoiceField(
        label=gettext_lazy("Questionnaires"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    by_email = forms.BooleanField(label=gettext_lazy("Send the link by e-mail"), required=False)

    def __init__(
        self,
        *args: Any,
        pathway_set: list[str],
        planned: dict[str, list[str]],
        email: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.planned = planned
        self.pathway_set = pathway_set
        self.email = email
        choices = []
        for name in pathway_set:
            inst = load_instrument(name)
            choices.append((name, f"{inst.abbreviation} – {_text(inst.name_da, inst.name_en)}"))
        instruments = self.fields["instruments"]
        assert isinstance(instruments, forms.MultipleChoiceField)
        instruments.choices = choices
        instruments.initial = list(pathway_set)
        if not email:
            self.fields["by_email"].disabled = True
            self.fields["by_email"].help_text = _(
                "The patient has no e-mail address: copy the link instead."
            )
        else:
            self.fields["by_email"].initial = True

    def clean_plan_key(self) -> str:
        key: str = self.cleaned_data.get("plan_key", "").strip()
        if key and key not in self.planned:
            raise forms.ValidationError(_("This round is not in the course's plan."))
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = data.get("plan_key", "")
        if key:
            data["instruments"] = self.planned[key]
        elif not data.get("instruments"):
            self.add_error("instruments", _("Choose at least one questionnaire."))
        if data.get("by_email") and not self.email:
            data["by_email"] = False
        return data
