"""Texts a user reads, in Danish and English side by side, kept next to what they describe.

Danish is the default everywhere (the clinics, the regions and the seeds write Danish); English
is the second language a user may choose. The domain never asks a framework for a translation:
a module holds its `Text`s as data and the shell says which language it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Language", "Text", "language_of"]

Language = Literal["da", "en"]
DEFAULT_LANGUAGE: Language = "da"
LANGUAGES: tuple[Language, ...] = ("da", "en")


def language_of(code: str | None) -> Language:
    """The text language for a language code ("en", "en-gb" → English; anything else Danish)."""
    return "en" if (code or "").lower().split("-")[0] == "en" else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Text:
    """One text in both languages."""

    da: str
    en: str

    def get(self, language: str | None = DEFAULT_LANGUAGE) -> str:
        """The text in `language` (a language code; Danish unless it is English)."""
        return self.en if language_of(language) == "en" else self.da
