"""CPR numbers (personnummer): validation, the birth date they carry, how they are shown.

Ten digits DDMMYY-SSSS; the century follows from the year and the 7th digit (CPR-kontoret's
table). No modulus-11 check: numbers without it have been issued since 2007. A refused number
says why in Danish and English (`CprError.text`); the shell shows the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from forlob.texts import DEFAULT_LANGUAGE, Text

__all__ = [
    "MESSAGES",
    "CprError",
    "age_on",
    "birth_date_from_cpr",
    "cpr_search_digits",
    "format_cpr",
    "normalise_cpr",
]

_CPR = re.compile(r"^\s*(\d{6})-?(\d{4})\s*$")

Reason = Literal["digits", "date"]

MESSAGES: dict[Reason, Text] = {
    "digits": Text(
        da="Et CPR-nummer har ti cifre (DDMMÅÅ-XXXX).",
        en="A CPR number has ten digits (DDMMYY-XXXX).",
    ),
    "date": Text(
        da="De første seks cifre i et CPR-nummer skal være en gyldig dato (DDMMÅÅ).",
        en="The first six digits of a CPR number are a real date (DDMMYY).",
    ),
}


class CprError(ValueError):
    """Not a CPR number; `reason` says why ("digits" or "date")."""

    def __init__(self, reason: Reason) -> None:
        self.reason: Reason = reason
        super().__init__(MESSAGES[reason].da)

    def text(self, language: str | None = DEFAULT_LANGUAGE) -> str:
        """Why the number was refused, in `language` (Danish unless English)."""
        return MESSAGES[self.reason].get(language)


def normalise_cpr(value: str) -> str:
    """Ten digits without the dash; raises CprError when it is not a CPR number."""
    m = _CPR.match(value or "")
    if m is None:
        raise CprError("digits")
    cpr = m.group(1) + m.group(2)
    birth_date_from_cpr(cpr)
    return cpr


def _century(yy: int, seventh: int) -> int:
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def birth_date_from_cpr(cpr: str) -> dt.date:
    if len(cpr) != 10 or not cpr.isdigit():
        raise CprError("digits")
    day, month, yy, seventh = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6]), int(cpr[6])
    try:
        return dt.date(_century(yy, seventh) + yy, month, day)
    except ValueError:
        raise CprError("date") from None


def format_cpr(cpr: str) -> str:
    """A CPR number as shown to people, DDMMYY-XXXX ("0101861234" and "010186 1234" alike);
    anything that is not ten digits is shown as given, without surrounding blanks."""
    digits = re.sub(r"[\s-]", "", cpr)
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:6]}-{digits[6:]}"
    return cpr.strip()


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (someone born 29 February turns a year older on 1 March)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (1 if before_birthday else 0)


def cpr_search_digits(text: str) -> str | None:
    """The digits of a search that looks like (the start of) a CPR number, else None.

    "010180", "0101801234" and "010180-1234" are CPR searches; a name is not.
    """
    compact = re.sub(r"[\s-]", "", text or "")
    return compact if compact.isdigit() and 1 <= len(compact) <= 10 else None
