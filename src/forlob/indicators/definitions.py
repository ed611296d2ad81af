"""The indicator definitions (`catalogue/data/indicators.toml`), validated by a strict schema.

Every number an indicator uses is a parameter with its seed source, either its own or a
reference to where the catalogue already keeps it (rules.toml, decision/data/waiting.toml), so
the indicators can never disagree with the rules they monitor. Unknown keys, wrong types,
unknown pathways, roles or references and placeholders without a value fail at load.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from forlob.catalogue import ROLES, Catalogue, load_catalogue
from forlob.datafiles import read_toml, validation_message
from forlob.texts import Language

__all__ = [
    "Indicator",
    "IndicatorError",
    "Indicators",
    "Kind",
    "Statistics",
    "load_indicators",
]

Kind = Literal[
    "wait_after_referral",
    "status_on_time",
    "last_status_done",
    "count_in_range",
    "count_after_anchor",
    "lines_with_findings",
]

# What each kind reads from its definition (forlob.indicators.compute).
_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (fields that must be given, parameters it uses)
    "wait_after_referral": ((), ("max_days",)),
    "status_on_time": (("pathways", "roles"), ("tolerance",)),
    "last_status_done": (("pathways", "roles"), ("tolerance",)),
    "count_in_range": (("pathways", "anchor_roles", "counted_roles"), ("low", "high")),
    "count_after_anchor": (
        ("pathways", "anchor_roles", "counted_roles"),
        ("months", "min_count"),
    ),
    "lines_with_findings": (("severity",), ()),
}


class IndicatorError(Exception):
    """The indicator definitions are invalid; the message names the file and the key."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class _Param(_Frozen):
    value: int | None = None
    unit: str | None = None
    source: str | None = None
    ref: Annotated[str, Field(pattern=r"^(catalogue|waiting):[a-z0-9_]+$")] | None = None

    @model_validator(mode="after")
    def _own_or_ref(self) -> _Param:
        own = (self.value, self.unit, self.source)
        if self.ref is None and None in own:
            raise ValueError("give value, unit and source, or ref")
        if self.ref is not None and any(x is not None for x in own):
            raise ValueError("a ref takes value, unit and source from where it points")
        return self


class Statistics(_Frozen):
    interval_level: Annotated[float, Field(gt=0, lt=1)]
    funnel_inner: Annotated[float, Field(gt=0, lt=1)]
    funnel_outer: Annotated[float, Field(gt=0, lt=1)]
    source: str

    @model_validator(mode="after")
    def _ordered(self) -> Statistics:
        if not self.funnel_inner < self.funnel_outer:
            raise ValueError("funnel_inner must be narrower than funnel_outer")
        return self


class _Indicator(_Frozen):
    id: Annotated[str, Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)+$")]
    kind: Kind
    unit: Literal["course", "status_line", "line"]
    better: Literal["higher", "lower"]
    label_da: Annotated[str, Field(min_length=1)]
    label_en: Annotated[str, Field(min_length=1)]
    description_da: Annotated[str, Field(min_length=1)]
    description_en: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=1)]
    pathways: tuple[str, ...] | None = None
    roles: tuple[str, ...] = ()
    anchor_roles: tuple[str, ...] = ()
    counted_roles: tuple[str, ...] = ()
    severity: Literal["error", "warning"] | None = None
    params: dict[str, _Param] = Field(default_factory=dict)

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)

    @model_validator(mode="after")
    def _fits_kind(self) -> _Indicator:
        fields, params = _NEEDS[self.kind]
        for f in fields:
            if not getattr(self, f):
                raise ValueError(f"kind {self.kind} needs {f}")
        missing = [p for p in params if p not in self.params]
        extra = [p for p in self.params if p not in params]
        if missing:
            raise ValueError(f"kind {self.kind} needs parameter {missing[0]!r}")
        if extra:
            raise ValueError(f"kind {self.kind} uses no parameter {extra[0]!r}")
        return self


class _File(_Frozen):
    statistics: Statistics
    indicator: tuple[_Indicator, ...]

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


@dataclass(frozen=True)
class Param:
    value: int
    unit: str
    source: str


@dataclass(frozen=True)
class Indicator:
    """One indicator with its parameters resolved and its texts filled in."""

    id: str
    kind: Kind
    unit: str
    better: str
    source: str
    pathways: tuple[str, ...] | None
    roles: tuple[str, ...]
    anchor_roles: tuple[str, ...]
    counted_roles: tuple[str, ...]
    severity: str | None
    params: Mapping[str, Param]
    labels: Mapping[str, str]  # language -> label
    descriptions: Mapping[str, str]

    def param(self, name: str) -> int:
        return self.params[name].value

    def label(self, language: Language) -> str:
        return self.labels[language]

    def description(self, language: Language) -> str:
        return self.descriptions[language]

    @property
    def lower_is_better(self) -> bool:
        return self.better == "lower"


@dataclass(frozen=True)
class Indicators:
    statistics: Statistics
    indicators: tuple[Indicator, ...]
    catalogue: Catalogue

    def __iter__(self) -> Any:
        return iter(self.indicators)

    def __getitem__(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise KeyError(indicator_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)


def load_indicators(
    directory: Path | None = None, catalogue: Catalogue | None = None
) -> Indicators:
    """The packaged definitions, or `directory/indicators.toml` (against `catalogue`)."""
    if directory is None and catalogue is None:
        return _packaged()
    cat = catalogue if catalogue is not None else load_catalogue()
    if directory is None:
        base: Any = resources.files("forlob.catalogue").joinpath("data")
        return _load(base, "forlob/catalogue/data/indicators.toml", cat)
    return _load(Path(directory), str(Path(directory) / "indicators.toml"), cat)


@lru_cache(maxsize=1)
def _packaged() -> Indicators:
    base = resources.files("forlob.catalogue").joinpath("data")
    return _load(base, "forlob/catalogue/data/indicators.toml", load_catalogue())


def _load(base: Any, origin: str, cat: Catalogue) -> Indicators:
    data = read_toml(base.joinpath("indicators.toml"), origin, IndicatorError)
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        raise IndicatorError(
            validation_message(origin, exc, data, {"indicator": ("id",)})
        ) from None
    seen: set[str] = set()
    out = []
    for i, ind in enumerate(parsed.indicator):
        key = f"{origin}: indicator[{i}] ({ind.id})"
        if ind.id in seen:
            raise IndicatorError(f"{key}: duplicate indicator id")
        seen.add(ind.id)
        out.append(_resolve(ind, cat, key))
    return Indicators(parsed.statistics, tuple(out), cat)


def _resolve_param(p: _Param, cat: Catalogue, key: str) -> Param:
    if p.ref is None:
        assert p.value is not None and p.unit is not None and p.source is not None
        return Param(p.value, p.unit, p.source)
    where, name = p.ref.split(":", 1)
    if where == "catalogue":
        if name not in cat.params:
            raise IndicatorError(f"{key}: unknown catalogue parameter {name!r}")
        c = cat.params[name]
        return Param(c.value, c.unit, c.source)
    # imported here: the decision package is only needed for this one reference
    from forlob.decision.waiting import load_waiting_limit

    if name != "referral_first_visit":
        raise IndicatorError(f"{key}: unknown waiting limit {name!r}")
    limit = load_waiting_limit()
    return Param(limit.days, "days", limit.source)


def _resolve(ind: _Indicator, cat: Catalogue, key: str) -> Indicator:
    for p in ind.pathways or ():
        if p not in cat.pathways:
            raise IndicatorError(f"{key}.pathways: unknown pathway {p!r}")
    for field in ("roles", "anchor_roles", "counted_roles"):
        for role in getattr(ind, field):
            if role not in ROLES:
                raise IndicatorError(f"{key}.{field}: unknown role {role!r}")
            if not cat.codes_for([role], ind.pathways):
                raise IndicatorError(f"{key}.{field}: no code has role {role!r} in its pathways")
    if ind.kind == "last_status_done":
        # the window is that of the pathway's one last-status code (its target)
        for p in ind.pathways or ():
            if len(cat.codes_for(ind.roles, (p,))) != 1:
                raise IndicatorError(f"{key}.roles: pathway {p} needs exactly one such code")
    params = {n: _resolve_param(p, cat, f"{key}.params.{n}") for n, p in ind.params.items()}
    values: dict[str, str] = {n: str(p.value) for n, p in params.items()}
    values["pathways"] = ", ".join(ind.pathways or cat.pathways)
    values["codes"] = "/".join(cat.codes_for(ind.roles, ind.pathways))
    values["anchor_codes"] = "/".join(cat.codes_for(ind.anchor_roles, ind.pathways))
    values["counted_codes"] = "/".join(cat.codes_for(ind.counted_roles, ind.pathways))

    def fill(field: str) -> str:
        text: str = getattr(ind, field)
        for _, name, _, _ in string.Formatter().parse(text):
            if name is not None and name not in values:
                raise IndicatorError(f"{key}.{field}: placeholder {{{name}}} has no value")
        return text.format(**values)

    return Indicator(
        id=ind.id,
        kind=ind.kind,
        unit=ind.unit,
        better=ind.better,
        source=ind.source,
        pathways=ind.pathways,
        roles=ind.roles,
        anchor_roles=ind.anchor_roles,
        counted_roles=ind.counted_roles,
        severity=ind.severity,
        params=params,
        labels={"da": fill("label_da"), "en": fill("label_en")},
        descriptions={"da": fill("description_da"), "en": fill("description_en")},
    )
