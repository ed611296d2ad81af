"""Diagnosis codes to programme groups (003 Bilag 4 Diagnosekodning), as data.

ICPC codes (L03, L84, L86, and the incomplete group 3 list) carry the group; each ICD-10 code
belongs to an ICPC code. ICD-10 codes are accepted as "M53.3", "M533" or the Danish SKS form
"DM533"; a more specific code than one listed (e.g. "DM511F" under "DM511") takes the longest
listed prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from forlob.decision._data import Frozen, Source, Text, load_file

__all__ = [
    "DiagnosisMap",
    "DiagnosisMatch",
    "load_diagnosis_map",
    "lookup_diagnosis",
    "normalise_icd10",
    "referral_diagnosis",
    "suggest_group",
]

System = Literal["icpc", "icd10"]
_ICPC = re.compile(r"^[A-Z]\d{2}$")
_ICD10 = re.compile(r"^[A-Z]\d{2}[0-9A-Z]*$")


class IcpcEntry(Frozen):
    code: Annotated[str, Field(pattern=r"^[A-Z]\d{2}$")]
    group: Literal[1, 2, 3]
    da: Text
    en: Text
    source: Source


class Icd10Entry(Frozen):
    code: Annotated[str, Field(pattern=r"^D[A-Z]\d{2}[0-9A-Z]*$")]
    icpc: Annotated[str, Field(pattern=r"^[A-Z]\d{2}$")]
    da: Text
    source: Source


class DiagnosisMap(Frozen):
    """The validated content of `data/diagnosis.toml`."""

    icpc: Annotated[tuple[IcpcEntry, ...], Field(strict=False, min_length=1)]
    icd10: Annotated[tuple[Icd10Entry, ...], Field(strict=False)]

    @model_validator(mode="after")
    def _references(self) -> DiagnosisMap:
        icpc = [e.code for e in self.icpc]
        if len(set(icpc)) != len(icpc):
            raise ValueError("icpc: duplicate code")
        icd = [e.code for e in self.icd10]
        if len(set(icd)) != len(icd):
            raise ValueError("icd10: duplicate code")
        for e in self.icd10:
            if e.icpc not in icpc:
                raise ValueError(f"icd10 {e.code}: unknown icpc {e.icpc!r}")
        return self


@cache
def _packaged() -> DiagnosisMap:
    return _load(None)


def load_diagnosis_map(directory: Path | None = None) -> DiagnosisMap:
    """The diagnosis map (packaged unless `directory` holds another `diagnosis.toml`)."""
    return _packaged() if directory is None else _load(directory)


def _load(directory: Path | None) -> DiagnosisMap:
    data, _ = load_file(
        "diagnosis.toml", DiagnosisMap, {"icpc": ("code",), "icd10": ("code",)}, directory
    )
    return data


def normalise_icd10(code: str) -> str:
    """ "M53.3", "m533", "DM533" → "M533" (no dot, upper case, no Danish SKS "D" prefix)."""
    text = re.sub(r"[\s.]", "", code).upper()
    if len(text) >= 2 and text[0] == "D" and text[1].isalpha():
        text = text[1:]
    return text


@dataclass(frozen=True)
class DiagnosisMatch:
    code: str
    system: System
    icpc: str
    group: int
    label_da: str
    source: str


def lookup_diagnosis(code: str, system: System | None = None) -> DiagnosisMatch | None:
    """The Bilag 4 entry for an ICPC or ICD-10 code, or None when 003 does not list it.

    Without `system`, a bare letter and two digits ("L86") is read as ICPC and anything longer
    as ICD-10; pass `system="icd10"` for a three-character ICD-10 category.
    """
    data = load_diagnosis_map()
    icpc = {e.code: e for e in data.icpc}
    text = re.sub(r"\s", "", code).upper()
    if system == "icpc" or (system is None and _ICPC.match(text)):
        entry = icpc.get(text)
        if entry is None:
            return None
        return DiagnosisMatch(entry.code, "icpc", entry.code, entry.group, entry.da, entry.source)
    norm = normalise_icd10(text)
    if not _ICD10.match(norm):
        return None
    best = None
    for e in data.icd10:
        listed = normalise_icd10(e.code)
        if norm.startswith(listed) and (best is None or len(listed) > len(best[0])):
            best = (listed, e)
    if best is None:
        return None
    e = best[1]
    return DiagnosisMatch(e.code, "icd10", e.icpc, icpc[e.icpc].group, e.da, e.source)


# A referral names its code system as the course record does (ReferralInfo.diagnosis_system).
REFERRAL_SYSTEMS: dict[str, System] = {"ICPC": "icpc", "ICD-10": "icd10"}


def referral_diagnosis(code: str, system: str) -> DiagnosisMatch | None:
    """The Bilag 4 entry a referral's code maps to in the code system the referral names
    ("ICPC" or "ICD-10"); None for no code, another system or a code 003 does not list."""
    code = re.sub(r"\s", "", code or "").upper()
    decision_system = REFERRAL_SYSTEMS.get(system)
    if not code or decision_system is None:
        return None
    return lookup_diagnosis(code, decision_system)


def suggest_group(code: str, system: System | None = None) -> int | None:
    """The programme group (1, 2, or 3 for the incomplete group 3 list) a code suggests."""
    match = lookup_diagnosis(code, system)
    return None if match is None else match.group
