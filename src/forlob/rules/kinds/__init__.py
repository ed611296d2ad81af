"""The kinds of check a rule in `catalogue/data/rules.toml` can be, by family.

Each kind is one vectorised function over all service lines at once. It receives its rule
(the model of `forlob.catalogue.rule_kinds` for its kind: the codes it selects by pathway and
role, and its named limits) and the audit `Context`, and returns the lines that break the rule
with the values its message needs. No kind knows a code, a role or a number from the seeds:
those come from the rule's data.
"""

from __future__ import annotations

# importing the families registers their kinds
from forlob.rules.kinds import counting, courses, fields, order, same_day, timing
from forlob.rules.kinds.registry import INPUT_KINDS, KINDS, KindFn, kind

__all__ = [
    "INPUT_KINDS",
    "KINDS",
    "KindFn",
    "counting",
    "courses",
    "fields",
    "kind",
    "order",
    "same_day",
    "timing",
]
