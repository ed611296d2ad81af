"""CPR numbers (personnummer): validation and the birth date they carry.

Ten digits DDMMYY-SSSS; the century follows from the year and the 7th digit (CPR-kontoret's
table). No modulus-11 check: numbers without it have been issued since 2007.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

_CPR = re.compile(r"^\s*(\d{6})-?(\d{4})\s*$")


class CprError(ValueError):
    pass


def normalise_cpr(value: str) -> str:
    """Ten digits without the dash; raises CprError when it is not a CPR number."""
    m = _CPR.match(value or "")
    if m is None:
        raise CprError(_("A CPR number has ten digits (DDMMYY-XXXX)."))
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
        raise CprError(_("A CPR number has ten digits (DDMMYY-XXXX)."))
    day, month, yy, seventh = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6]), int(cpr[6])
    try:
        return dt.date(_century(yy, seventh) + yy, month, day)
    except ValueError:
        raise CprError(
            _("The first six digits of a CPR number are a real date (DDMMYY).")
        ) from None


def format_cpr(cpr: str) -> str:
    """Ten digits as shown to people: DDMMYY-XXXX."""
    return f"{cpr[:6]}-{cpr[6:]}" if len(cpr) == 10 else cpr


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
