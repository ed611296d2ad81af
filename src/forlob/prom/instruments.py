"""Instruments as data: items, answer options, Danish and English text, and MCID thresholds.

Each instrument lives in `data/<id>.toml` and is validated at load by a strict schema; a bad file
fails with the file and the key. ODI and NDI ship paraphrased wording only (their exact wording is
copyrighted); `load_instrument(name, wording_file)` overlays a clinic's licensed wording.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from forlob.datafiles import read_toml, validation_message

__all__ = [
    "INSTRUMENT_NAMES",
    "Instrument",
    "InstrumentDataError",
    "Item",
    "Option",
    "Threshold",
    "load_instrument",
]

# Order is the order users see in help and error messages.
INSTRUMENT_NAMES: tuple[str, ...] = (
    "nprs",
    "odi",
    "ndi",
    "psfs",
    "sts30",
    "sts5",
    "biering-sorensen",
)

Kind = Literal["sections", "rating", "activities", "performance"]
Unit = Literal["points", "%", "count", "seconds"]
# "own": text written for forlob (functional tests), not taken from a published questionnaire
Wording = Literal["full", "paraphrase", "licensed", "own"]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
Text = Annotated[str, Field(min_length=1)]


class InstrumentDataError(Exception):
    """An instrument or wording file is invalid; the message names the file and the key."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Option(_Frozen):
    score: int
    da: Text
    en: Text


class Item(_Frozen):
    id: Slug
    title_da: Text
    title_en: Text
    # rating/activities items declare their range; section items take it from their options
    min: int | None = None
    max: int | None = None
    # every level for a section; only the anchors for a rating scale
    options: Annotated[tuple[Option, ...], Field(strict=False)] = ()

    @property
    def low(self) -> int:
        return self.min if self.min is not None else min(o.score for o in self.options)

    @property
    def high(self) -> int:
        return self.max if self.max is not None else max(o.score for o in self.options)


class Threshold(_Frozen):
    """One MCID criterion; a change reaches the MCID when it meets any criterion."""

    kind: Literal["points", "percent"]
    value: Annotated[Decimal, Field(strict=False, gt=0)]
    source: Text
    note: str | None = None

    def describe(self) -> str:
        amount = f"≥ {self.value} points" if self.kind == "points" else f"≥ {self.value} %"
        note = f", {self.note}" if self.note else ""
        return f"{amount}{note} ({self.source})"


class Instrument(_Frozen):
    id: Slug
    kind: Kind
    abbreviation: Text
    name_da: Text
    name_en: Text
    version: Text
    unit: Unit
    higher_is_better: bool
    instructions_da: Text
    instructions_en: Text
    wording_da: Wording
    wording_en: Wording
    wording_source: Text
    items: Annotated[tuple[Item, ...], Field(strict=False)] = ()
    mcid: Annotated[tuple[Threshold, ...], Field(strict=False)] = ()
    max_missing: Annotated[int, Field(ge=0)] = 0
    min_items: Annotated[int, Field(ge=1)] | None = None
    max_items: Annotated[int, Field(ge=1)] | None = None
    raw_scaled_to: Annotated[int, Field(gt=0)] | None = None
    whole_numbers: bool = True
    cap: Annotated[Decimal, Field(strict=False, gt=0)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_default_options(cls, data: Any) -> Any:
        # Sections share one ladder of levels; copying it into each item keeps every item
        # self-contained for scoring and for the licensed-wording overlay.
        if not isinstance(data, dict) or "default_options" not in data:
            return data
        data = dict(data)
        default = data.pop("default_options")
        data["items"] = [
            {**item, "options": item.get("options", default)} if isinstance(item, dict) else item
            for item in data.get("items", [])
        ]
        return data

    @model_validator(mode="after")
    def _consistent_with_kind(self) -> Instrument:
        if self.kind == "performance":
            if self.items:
                raise ValueError("a performance test has no items")
            if self.unit not in ("count", "seconds"):
                raise ValueError("a performance test is measured in count or seconds")
            return self
        if not self.items:
            raise ValueError(f"a {self.kind} instrument needs items")
        if self.cap is not None:
            raise ValueError("only a performance test has a cap")
        for item in self.items:
            if not item.options:
                raise ValueError(f"item {item.id} has no options")
        if self.kind == "sections":
            for item in self.items:
                scores = [o.score for o in item.options]
                if len(scores) < 2 or scores != list(range(len(scores))):
                    raise ValueError(f"item {item.id}: option scores must run 0, 1, 2, … in order")
                if item.min is not None or item.max is not None:
                    raise ValueError(f"item {item.id}: a section's range comes from its options")
            if self.max_missing >= len(self.items):
                raise ValueError("max_missing must leave at least one item answered")
        else:
            if len(self.items) != 1:
                raise ValueError(f"a {self.kind} instrument has exactly one item")
            item = self.items[0]
            if item.min is None or item.max is None or item.min >= item.max:
                raise ValueError(f"item {item.id}: give min < max")
            if any(not item.min <= o.score <= item.max for o in item.options):
                raise ValueError(f"item {item.id}: an anchor lies outside min..max")
        if (self.kind == "activities") != (
            self.min_items is not None and self.max_items is not None
        ):
            raise ValueError("min_items and max_items belong to (and are required for) activities")
        if (
            self.min_items is not None
            and self.max_items is not None
            and (self.min_items > self.max_items)
        ):
            raise ValueError("min_items must not exceed max_items")
        return self

    @property
    def name(self) -> str:
        return self.name_en

    def item_label(self, index: int) -> str:
        """How an answer position is named to the user (1-based)."""
        if self.kind == "sections":
            noun = "section" if self.id == "odi" else "item"
            return f"{noun} {index + 1} ({self.items[index].title_en})"
        if self.kind == "activities":
            return f"activity {index + 1}"
        return "rating" if self.kind == "rating" else "value"


class _WordingOption(_Frozen):
    score: int
    da: Text | None = None
    en: Text | None = None


class _WordingItem(_Frozen):
    id: Slug
    title_da: Text | None = None
    title_en: Text | None = None
    options: Annotated[tuple[_WordingOption, ...], Field(strict=False)] = ()


class _WordingFile(_Frozen):
    instrument: Text
    source: Text
    instructions_da: Text | None = None
    instructions_en: Text | None = None
    items: Annotated[tuple[_WordingItem, ...], Field(strict=False)]


def _read_toml(path: Any, name: str) -> dict[str, Any]:
    return read_toml(path, name, InstrumentDataError)


def _format_errors(file: str, exc: ValidationError, data: dict[str, Any]) -> str:
    return validation_message(file, exc, data, {"items": ("id",)})


def parse_instrument(data: dict[str, Any], origin: str) -> Instrument:
    """Validate one instrument's data; `origin` names the file in error messages."""
    try:
        return Instrument.model_validate(data)
    except ValidationError as exc:
        raise InstrumentDataError(_format_errors(origin, exc, data)) from None


def normalise_name(name: str) -> str:
    """The canonical instrument id for a user-typed name (case-insensitive; ø and _ tolerated)."""
    key = name.strip().lower().replace("ø", "o").replace("_", "-")
    if key not in INSTRUMENT_NAMES:
        raise KeyError(name)
    return key


@cache
def _packaged(name: str) -> Instrument:
    path = resources.files("forlob.prom").joinpath("data", f"{name}.toml")
    origin = f"forlob/prom/data/{name}.toml"
    instrument = parse_instrument(_read_toml(path, origin), origin)
    if instrument.id != name:
        raise InstrumentDataError(f"{origin}: id: {instrument.id!r} does not match the file name")
    return instrument


def load_instrument(name: str, wording_file: Path | None = None) -> Instrument:
    """The packaged instrument, with a clinic's licensed wording overlaid when a file is given.

    The wording file must name the instrument, cite its licence in `source`, and list every item
    in order with every option score; it may give Danish, English or both, but the same languages
    throughout, so no questionnaire mixes licensed and paraphrased text in one language.
    """
    try:
        key = normalise_name(name)
    except KeyError:
        raise InstrumentDataError(
            f"unknown instrument {name!r}; choose one of {', '.join(INSTRUMENT_NAMES)}"
        ) from None
    instrument = _packaged(key)
    if wording_file is None:
        return instrument
    return _overlay(instrument, Path(wording_file))


def _overlay(instrument: Instrument, path: Path) -> Instrument:
    origin = str(path)
    data = _read_toml(path, origin)
    try:
        wording = _WordingFile.model_validate(data)
    except ValidationError as exc:
        raise InstrumentDataError(_format_errors(origin, exc, data)) from None

    def fail(key: str, message: str) -> InstrumentDataError:
        return InstrumentDataError(f"{origin}: {key}: {message}")

    try:
        if normalise_name(wording.instrument) != instrument.id:
            raise KeyError(wording.instrument)
    except KeyError:
        raise fail(
            "instrument", f"{wording.instrument!r} does not match {instrument.id!r}"
        ) from None
    if instrument.kind == "performance":
        raise fail("items", f"{instrument.id} is a performance test and has no item wording")
    if len(wording.items) != len(instrument.items):
        raise fail(
            "items",
            f"{instrument.id} has {len(instrument.items)} items, the file has {len(wording.items)}",
        )

    languages = [
        lang for lang in ("da", "en") if getattr(wording.items[0], f"title_{lang}") is not None
    ]
    if not languages:
        raise fail("items[0]", "give title_da, title_en or both")

    items = []
    for i, (mine, theirs) in enumerate(zip(instrument.items, wording.items, strict=True)):
        key = f"items[{i}] ({theirs.id})"
        if theirs.id != mine.id:
            raise fail(
                f"items[{i}].id", f"expected {mine.id!r} at this position, got {theirs.id!r}"
            )
        for lang in ("da", "en"):
            given = getattr(theirs, f"title_{lang}") is not None
            if given != (lang in languages):
                raise fail(key, f"title_{lang} must be given for every item or for none")
        expected_scores = [o.score for o in mine.options]
        got_scores = [o.score for o in theirs.options]
        if got_scores != expected_scores:
            raise fail(
                f"{key}.options", f"option scores must be {expected_scores}, got {got_scores}"
            )
        options = []
        for j, (opt, new) in enumerate(zip(mine.options, theirs.options, strict=True)):
            changes: dict[str, str] = {}
            for lang in ("da", "en"):
                text = getattr(new, lang)
                if (text is not None) != (lang in languages):
                    raise fail(
                        f"{key}.options[{j}]", f"{lang} must match the item titles' languages"
                    )
                if text is not None:
                    changes[lang] = text
            options.append(opt.model_copy(update=changes))
        titles = {f"title_{lang}": getattr(theirs, f"title_{lang}") for lang in languages}
        items.append(mine.model_copy(update={**titles, "options": tuple(options)}))

    update: dict[str, Any] = {"items": tuple(items), "wording_source": wording.source}
    for lang in languages:
        update[f"wording_{lang}"] = "licensed"
        instructions = getattr(wording, f"instructions_{lang}")
        if instructions is not None:
            update[f"instructions_{lang}"] = instructions
    return instrument.model_copy(update=update)
