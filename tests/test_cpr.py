"""CPR numbers: ten digits, a real date, the century from the 7th digit, no modulus 11.

CPR-kontoret's century table: 7th digit 0–3 → 1900–1999; 4 and 9 → 2000–2036 for year 00–36,
else 1937–1999; 5–8 → 2000–2057 for year 00–57, else 1858–1899.
"""

from __future__ import annotations

import datetime as dt

import pytest

from forlob.cpr import (
    CprError,
    age_on,
    birth_date_from_cpr,
    cpr_search_digits,
    format_cpr,
    normalise_cpr,
)

VALID = [
    # (typed, birth date)
    ("010180-1234", dt.date(1980, 1, 1)),  # with dash
    ("0101801234", dt.date(1980, 1, 1)),  # ten digits
    (" 010180-1234 ", dt.date(1980, 1, 1)),  # surrounding blanks are ignored
    # 7th digit 0–3: always 1900–1999
    ("0101000123", dt.date(1900, 1, 1)),
    ("0101361234", dt.date(1936, 1, 1)),
    ("0101572234", dt.date(1957, 1, 1)),
    ("3112993234", dt.date(1999, 12, 31)),
    # 7th digit 4: 00–36 → 2000s, 37–99 → 1900s
    ("0101004234", dt.date(2000, 1, 1)),
    ("0101364234", dt.date(2036, 1, 1)),
    ("0101374234", dt.date(1937, 1, 1)),
    ("0101994234", dt.date(1999, 1, 1)),
    # 7th digit 9: same as 4
    ("0101369234", dt.date(2036, 1, 1)),
    ("0101379234", dt.date(1937, 1, 1)),
    # 7th digit 5–8: 00–57 → 2000s, 58–99 → 1800s
    ("0101575234", dt.date(2057, 1, 1)),
    ("0101585234", dt.date(1858, 1, 1)),
    ("0101576234", dt.date(2057, 1, 1)),
    ("0101587234", dt.date(1858, 1, 1)),
    ("0101008234", dt.date(2000, 1, 1)),
    ("0101998234", dt.date(1899, 1, 1)),
    # 29 February in leap years (1996; 2000 is a leap year, read from 7th digit 4)
    ("2902961234", dt.date(1996, 2, 29)),
    ("2902004234", dt.date(2000, 2, 29)),
]

INVALID = [
    "310480-1234",  # 31 April does not exist
    "2902971234",  # 1997 is not a leap year
    "2902001234",  # 7th digit 1 → 1900, not a leap year
    "2902585234",  # 7th digit 5, year 58 → 1858, not a leap year
    "0013801234",  # month 13
    "0001801234",  # day 0
    "3201801234",  # day 32
    "01018O1234",  # a letter O, not a zero
    "ABCDEF-1234",  # letters
    "010180-12A4",  # a letter in the sequence number
    "010180123",  # nine digits
    "01018012345",  # eleven digits
    "0101-801234",  # the dash in the wrong place
    "010180--1234",  # two dashes
    "",
]


@pytest.mark.parametrize(("typed", "birth"), VALID)
def test_a_valid_number_is_accepted_with_its_birth_date(typed: str, birth: dt.date) -> None:
    cpr = normalise_cpr(typed)
    assert len(cpr) == 10 and cpr.isdigit()
    assert birth_date_from_cpr(cpr) == birth


@pytest.mark.parametrize("typed", INVALID)
def test_an_invalid_number_is_refused(typed: str) -> None:
    with pytest.raises(CprError):
        normalise_cpr(typed)


def _passes_modulus_11(cpr: str) -> bool:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return sum(int(d) * w for d, w in zip(cpr, weights, strict=True)) % 11 == 0


def test_a_number_failing_modulus_11_is_accepted_since_2007() -> None:
    assert not _passes_modulus_11("0101801234")
    assert normalise_cpr("010180-1234") == "0101801234"


def test_a_number_passing_modulus_11_is_accepted_too() -> None:
    # 070761-4285: a textbook number that satisfies modulus 11
    assert _passes_modulus_11("0707614285")
    assert birth_date_from_cpr(normalise_cpr("070761-4285")) == dt.date(1961, 7, 7)


def test_the_dash_is_the_same_number_as_without_it() -> None:
    assert normalise_cpr("010180-1234") == normalise_cpr("0101801234")


def test_it_is_shown_with_the_dash() -> None:
    assert format_cpr("0101801234") == "010180-1234"
    assert format_cpr("010180-1234") == "010180-1234"
    assert format_cpr("010180 1234") == "010180-1234"


def test_what_is_not_ten_digits_is_shown_as_given() -> None:
    assert format_cpr("x") == "x"
    assert format_cpr(" 12345 ") == "12345"


def test_a_refusal_says_why_in_danish_unless_english_is_asked_for() -> None:
    with pytest.raises(CprError) as digits:
        normalise_cpr("12345")
    assert digits.value.text() == "Et CPR-nummer har ti cifre (DDMMÅÅ-XXXX)."
    assert digits.value.text("en") == "A CPR number has ten digits (DDMMYY-XXXX)."
    with pytest.raises(CprError) as date:
        normalise_cpr("310480-1234")
    assert date.value.text("da") == (
        "De første seks cifre i et CPR-nummer skal være en gyldig dato (DDMMÅÅ)."
    )
    assert date.value.text("en-gb") == (
        "The first six digits of a CPR number are a real date (DDMMYY)."
    )


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(1980, 1, 1), dt.date(2025, 12, 31), 45),
        (dt.date(1980, 1, 1), dt.date(2026, 1, 1), 46),
        (dt.date(1980, 6, 15), dt.date(2026, 6, 14), 45),
        (dt.date(1996, 2, 29), dt.date(2025, 2, 28), 28),
        (dt.date(1996, 2, 29), dt.date(2025, 3, 1), 29),
    ],
)
def test_age_counts_whole_years(birth: dt.date, day: dt.date, age: int) -> None:
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    ("query", "digits"),
    [
        ("010180-1234", "0101801234"),
        ("010180", "010180"),
        ("0101801234", "0101801234"),
        ("Hanne", None),
        ("Hanne 2", None),
        ("", None),
        ("01018012345", None),
    ],
)
def test_a_search_reads_as_cpr_only_when_it_is_digits(query: str, digits: str | None) -> None:
    assert cpr_search_digits(query) == digits
