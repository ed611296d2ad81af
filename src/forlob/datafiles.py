"""Reading forlob's own data files (TOML) with errors that name the file and the key.

The catalogue and the outcome measures both keep their content as data validated by strict
pydantic models; a mistake in a file must say exactly where it is.
"""

from __future__ import annotations

import tomllib
from typing import Any

from pydantic import ValidationError


def read_toml(path: Any, name: str, error: type[Exception]) -> dict[str, Any]:
    """The parsed file; a syntax or read error becomes `error("<name>: ...")`."""
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{name}: {exc}") from None
    except OSError as exc:
        raise error(f"{name}: {exc.strerror or exc}") from None


def validation_message(
    file: str, exc: ValidationError, data: dict[str, Any], lists: dict[str, tuple[str, ...]]
) -> str:
    """One line per problem (at most five): `file: key: what is wrong`.

    `lists` names, for each list of tables in the file, the fields that identify an entry
    (e.g. {"code": ("code",)}), so a key reads `code[12] (0266).label_da`, not `code.12`.
    """
    parts = []
    for err in exc.errors()[:5]:
        loc = list(err["loc"])
        key = ".".join(str(x) for x in loc) or "(top level)"
        if len(loc) >= 2 and loc[0] in lists and isinstance(loc[1], int):
            try:
                entry = data[str(loc[0])][loc[1]]
                ident = next((entry[f] for f in lists[str(loc[0])] if entry.get(f)), None)
                name = f"{loc[0]}[{loc[1]}]" + (f" ({ident})" if ident is not None else "")
                key = name + "".join(f".{x}" for x in loc[2:])
            except (KeyError, IndexError, AttributeError, TypeError):
                pass
        parts.append(f"{file}: {key}: {err['msg']}")
    return "; ".join(parts)
