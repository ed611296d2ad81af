"""The registry of kinds: the name a rule's `kind` gives, and the function that checks it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from forlob.rules.context import Context, Hits

__all__ = ["INPUT_KINDS", "KINDS", "KindFn", "kind"]

# A kind takes its own rule model (forlob.catalogue.rule_kinds), validated at load.
KindFn = Callable[[Any, Context], Hits]
KINDS: dict[str, KindFn] = {}

# handled while reading the input (forlob.rules.prepare), listed for the registry
INPUT_KINDS = frozenset({"input_invalid", "input_field_ignored"})


def kind(name: str) -> Callable[[KindFn], KindFn]:
    def register(fn: KindFn) -> KindFn:
        KINDS[name] = fn
        return fn

    return register
