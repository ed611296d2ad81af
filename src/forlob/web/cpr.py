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
