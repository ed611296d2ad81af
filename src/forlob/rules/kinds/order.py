"""Order in a course: what must come before or may not come after another line."""

from __future__ import annotations

import numpy as np

from forlob.catalogue.rule_kinds import (
    AnchorAlternativeRule,
    AnchorRule,
    PriorServiceRule,
)
from forlob.rules.context import (
    Context,
    Hits,
    _dt,
)
from forlob.rules.kinds.registry import kind
from forlob.rules.prepare import FAR_FUTURE


@kind("after_first")
def after_first(rule: AnchorRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    anchor = ctx.anchor(rule.anchor_roles, rule.pathways)[ctx.course[idx]]
    return Hits.of(idx, ctx.lines.date[idx] > anchor, anchor=_dt(anchor))


@kind("on_or_after_first")
def on_or_after_first(rule: AnchorAlternativeRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    anchor = ctx.anchor(rule.anchor_roles, rule.pathways)[ctx.course[idx]]
    h = Hits.of(idx, ctx.lines.date[idx] >= anchor, anchor=_dt(anchor))
    h.constants["alternative"] = ctx.code_list(rule.alternative_roles, rule.pathways)
    return h


@kind("requires_earlier")
def requires_earlier(rule: AnchorRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    anchor = ctx.anchor(rule.anchor_roles, rule.pathways)[ctx.course[idx]]
    hits = Hits.of(idx, ~(anchor < ctx.lines.date[idx]), anchor=anchor)
    a = np.asarray(hits.details["anchor"], dtype=np.int64)
    hits.details["anchor"] = _dt(a)
    hits.constants["names"] = ctx.code_list(rule.anchor_roles, rule.pathways)
    hits.phrases["reason"] = np.where(a >= FAR_FUTURE, "no_earlier_anchor", "anchor_not_before")
    return hits


@kind("requires_prior_service")
def requires_prior_service(rule: PriorServiceRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    # "earlier" in the order of rules.md §1: by date, then input order
    h = Hits.of(idx, idx == ctx.pp_first[ctx.lines.pp[idx]])
    h.constants["alternative"] = ctx.code_list(rule.alternative_roles, rule.pathways)
    return h
