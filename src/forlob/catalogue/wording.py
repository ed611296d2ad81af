"""A text of the catalogue a user reads, in Danish and English with the same placeholders."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Wording"]

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class Wording(BaseModel):
    """A text a user reads, in Danish and English; both fill the same {placeholders}."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    da: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _same_placeholders(self) -> Wording:
        da, en = set(_PLACEHOLDER.findall(self.da)), set(_PLACEHOLDER.findall(self.en))
        if da != en:
            raise ValueError(f"da and en must use the same placeholders ({sorted(da ^ en)})")
        return self

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(_PLACEHOLDER.findall(self.en))

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.da
