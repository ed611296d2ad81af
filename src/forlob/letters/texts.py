"""The letters' fixed Danish texts and section lists (`data/*.toml`), validated at load.

`letters.toml` says which sections each letter has, in which order, what fills each one and
where 003 asks for it; `texts.toml` holds the phrases, units and code lists. A mistake in either
file fails at load naming the file and the key, like the catalogue and the instruments.
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from forlob.catalogue import load_catalogue
from forlob.datafiles import read_toml, validation_message

__all__ = [
    "PART_NAMES",
    "LetterSpec",
    "LettersDataError",
    "PartRef",
    "SectionSpec",
    "Texts",
    "load_texts",
]

Text = Annotated[str, Field(min_length=1)]
# where a section or a list comes from: a seed id and its section, e.g. "003 §4.6 …"
Source = Annotated[str, Field(pattern=r"^\d{3}\b.+")]

# What a section can be filled with (forlob.letters.parts.PARTS implements each one).
PartName = Literal[
    "referral",
    "diagnosis",
    "referral_reason",
    "clinical_problem",
    "status_text",
    "scores",
    "latest_scores",
    "patient_view",
    "attendance",
    "pathway",
    "services",
    "treatment",
    "findings",
    "imaging",
    "further_work_up",
    "information_given",
]
PART_NAMES: tuple[str, ...] = get_args(PartName)

# Every phrase with the placeholders it must use: the code fills exactly these, so a phrase
# edited in the file cannot silently lose or gain a value.
PHRASES: dict[str, frozenset[str]] = {
    key: frozenset(fields)
    for key, fields in {
        "empty": (),
        "fill_in": ("label",),
        "closing_heading": (),
        "to_gp": ("name",),
        "to_gp_unnamed": (),
        "to_rheumatology": (),
        "copy_to_gp": ("name",),
        "provider_id": ("id",),
        "phone": ("phone",),
        "sender": ("parts",),
        "date": ("date",),
        "patient": ("name", "cpr"),
        "pathway": ("name", "period"),
        "period_closed": ("start", "end"),
        "period_open": ("start",),
        "referred_by": ("gp", "date"),
        "self_referred": (),
        "diagnosis": ("code", "text", "system"),
        "scores_intro": (),
        "score_one": ("name", "value", "date"),
        "score_change": ("name", "before", "before_date", "after", "after_date", "change", "mcid"),
        "change_down": ("amount", "percent"),
        "change_up": ("amount", "percent"),
        "change_none": (),
        "direction": ("change", "direction"),
        "change_percent": ("percent",),
        "improved": (),
        "worsened": (),
        "mcid_reached": ("threshold",),
        "mcid_not_reached": ("threshold",),
        "mcid_unknown": (),
        "mcid_points": ("value",),
        "mcid_percent": ("value",),
        "mcid_or": (),
        "activities": ("activities",),
        "latest_intro": (),
        "latest_score": ("aspect", "name", "value", "date"),
        "visits": ("count", "times", "first", "last"),
        "visits_one": ("date",),
        "visits_none": (),
        "plan_summary": ("done", "planned"),
        "plan_missed": ("label", "when"),
        "plan_after_closing_intro": (),
        "plan_ahead_intro": (),
        "plan_ahead": ("label", "when"),
        "when_full": ("target", "earliest", "latest"),
        "when_window": ("earliest", "latest"),
        "when_target": ("target",),
        "when_unknown": (),
        "time_one": (),
        "time_many": (),
        "services_intro": (),
        "service_line": ("code", "label", "count", "times"),
        "imaging_intro": (),
        "imaging_line": ("date", "code", "label"),
        "imaging_none": (),
    }.items()
}


class LettersDataError(Exception):
    """A letters data file is invalid; the message names the file and the key."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class PartRef(_Frozen):
    part: PartName
    label: Text | None = None


class SectionSpec(_Frozen):
    heading: Text
    parts: Annotated[tuple[PartRef, ...], Field(strict=False)]
    source: Source
    fill_in: Annotated[tuple[Text, ...], Field(strict=False)] = ()
    empty: Text | None = None
    omit_when_empty: bool = False

    @model_validator(mode="before")
    @classmethod
    def _bare_part_names(cls, data: Any) -> Any:
        # "pathway" is short for { part = "pathway" }: most parts need no label
        if isinstance(data, dict) and isinstance(data.get("parts"), list):
            data = {
                **data,
                "parts": [{"part": p} if isinstance(p, str) else p for p in data["parts"]],
            }
        return data

    @model_validator(mode="after")
    def _omit_or_empty(self) -> SectionSpec:
        if self.omit_when_empty and (self.empty is not None or self.fill_in):
            raise ValueError("a section left out when empty has no empty text or fill-in items")
        return self


class LetterSpec(_Frozen):
    kind: Literal["discharge", "referral-rheumatology"]
    profession: Literal["physiotherapy", "chiropractic", "any"]
    title: Text
    recipient: Literal["gp", "rheumatology"]
    source: Source
    section: Annotated[tuple[SectionSpec, ...], Field(strict=False, min_length=1)]


class _LettersFile(_Frozen):
    letter: Annotated[tuple[LetterSpec, ...], Field(strict=False, min_length=1)]

    @model_validator(mode="after")
    def _unique(self) -> _LettersFile:
        seen: set[tuple[str, str]] = set()
        for spec in self.letter:
            key = (spec.kind, spec.profession)
            if key in seen:
                raise ValueError(f"two letters for kind {spec.kind!r}, profession {key[1]!r}")
            seen.add(key)
            headings = [s.heading for s in spec.section]
            if len(set(headings)) != len(headings):
                raise ValueError(f"letter {key}: duplicate section heading")
        return self


class CodeList(_Frozen):
    source: Source
    codes: Annotated[tuple[Annotated[str, Field(pattern=r"^\d{4}$")], ...], Field(strict=False)]


class _TextsFile(_Frozen):
    phrases: dict[str, str]
    professions: dict[Literal["physiotherapy", "chiropractic"], Text]
    units: dict[str, Text]
    change_units: dict[str, Text]
    aspects: dict[str, Text]
    not_attendance: CodeList
    not_treatment: CodeList
    imaging: CodeList

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)

    @model_validator(mode="after")
    def _phrases_complete(self) -> _TextsFile:
        missing = sorted(set(PHRASES) - set(self.phrases))
        unknown = sorted(set(self.phrases) - set(PHRASES))
        if missing or unknown:
            raise ValueError(f"phrases: missing {missing}, unknown {unknown}")
        for key, phrase in self.phrases.items():
            used = {f for _, f, _, _ in string.Formatter().parse(phrase) if f is not None}
            if used != PHRASES[key]:
                expected = ", ".join(sorted(PHRASES[key])) or "none"
                raise ValueError(f"phrases.{key}: placeholders must be {expected}")
        if "default" not in self.aspects:
            raise ValueError("aspects: give a default")
        if len(self.professions) != 2:
            raise ValueError("professions: give physiotherapy and chiropractic")
        return self


class Texts:
    """The loaded data with the look-ups the letter builders need."""

    def __init__(self, texts: _TextsFile, letters: _LettersFile) -> None:
        self._phrases = texts.phrases
        self.professions: dict[str, str] = {str(k): v for k, v in texts.professions.items()}
        self.units = texts.units
        self.change_units = texts.change_units
        self.aspects = texts.aspects
        self.not_attendance = frozenset(texts.not_attendance.codes)
        self.not_treatment = frozenset(texts.not_treatment.codes)
        self.imaging = frozenset(texts.imaging.codes)
        self.letters = letters.letter

    def say(self, key: str, **values: object) -> str:
        return self._phrases[key].format(**values)

    def letter(self, kind: str, profession: str) -> LetterSpec:
        """The letter of `kind` for `profession`, or the one for any profession."""
        for wanted in (profession, "any"):
            for spec in self.letters:
                if spec.kind == kind and spec.profession == wanted:
                    return spec
        raise KeyError(f"no {kind} letter for {profession}")


def _validated(model: type[Any], name: str, lists: dict[str, tuple[str, ...]]) -> Any:
    origin = f"forlob/letters/data/{name}"
    path = resources.files("forlob.letters").joinpath("data", name)
    data = read_toml(path, origin, LettersDataError)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise LettersDataError(validation_message(origin, exc, data, lists)) from None


@cache
def load_texts() -> Texts:
    texts: _TextsFile = _validated(_TextsFile, "texts.toml", {})
    letters: _LettersFile = _validated(_LettersFile, "letters.toml", {"letter": ("kind",)})
    known = load_catalogue().codes
    for name in ("not_attendance", "not_treatment", "imaging"):
        for code in getattr(texts, name).codes:
            if code not in known:
                raise LettersDataError(
                    f"forlob/letters/data/texts.toml: {name}.codes: {code} is not in the catalogue"
                )
    return Texts(texts, letters)
