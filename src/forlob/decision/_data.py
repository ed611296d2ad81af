"""Loading the decision data files (`data/*.toml`) through strict pydantic schemas.

Every file is validated at load; a mistake names the file and the key (`forlob.datafiles`).
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from forlob.datafiles import read_toml, validation_message

__all__ = [
    "DecimalText",
    "DecisionDataError",
    "Frozen",
    "Source",
    "Text",
    "load_file",
    "to_decimal",
]

Text = Annotated[str, Field(min_length=1)]
# where a threshold or text comes from: seed id and section, e.g. "003 §3.3" or "004, …"
Source = Annotated[str, Field(pattern=r"^(\d{3}|catalogue)\b.+")]
# amounts and distances are written as strings in the files so they stay exact Decimals
DecimalText = Annotated[str, Field(pattern=r"^\d+(\.\d+)?$")]

M = TypeVar("M", bound=BaseModel)


class DecisionDataError(Exception):
    """A decision data file is invalid; the message names the file and the key."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


def to_decimal(text: str) -> Decimal:
    return Decimal(text)


def load_file(
    name: str,
    model: type[M],
    lists: dict[str, tuple[str, ...]],
    directory: Path | None = None,
) -> tuple[M, str]:
    """Parse and validate `data/<name>`; returns the model and the origin used in messages."""
    if directory is None:
        base: Any = resources.files("forlob.decision").joinpath("data")
        origin = f"forlob/decision/data/{name}"
    else:
        base = Path(directory)
        origin = str(Path(directory) / name)
    data = read_toml(base.joinpath(name), origin, DecisionDataError)
    try:
        return model.model_validate(data), origin
    except ValidationError as exc:
        raise DecisionDataError(validation_message(origin, exc, data, lists)) from None
