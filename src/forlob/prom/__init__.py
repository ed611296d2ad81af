"""Outcome measures (PROMs and functional tests): instruments as data, scoring and change.

No Django and no I/O beyond reading the packaged instrument files and an optional clinic wording
file. Scores are `Decimal`s rounded half-up to one decimal.
"""

from __future__ import annotations

from forlob.prom.instruments import (
    INSTRUMENT_NAMES,
    Instrument,
    InstrumentDataError,
    Item,
    Option,
    Threshold,
    load_instrument,
)
from forlob.prom.scoring import (
    Change,
    InstrumentAnswers,
    Score,
    ScoreInputError,
    change,
    other_test,
    score,
    stored_score,
)

__all__ = [
    "INSTRUMENT_NAMES",
    "Change",
    "Instrument",
    "InstrumentAnswers",
    "InstrumentDataError",
    "Item",
    "Option",
    "Score",
    "ScoreInputError",
    "Threshold",
    "change",
    "load_instrument",
    "other_test",
    "score",
    "stored_score",
]
