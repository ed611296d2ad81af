"""Same day (rules.md §1: same patient, provider and service_date): what may not be billed
together, or only together."""

from __future__ import annotations

import numpy as np

from forlob.catalogue.rule_kinds import (
    OtherRolesRule,
    RepeatRule,
    SameDayRule,
    TrainingDayRule,
)
from forlob.rules.context import (
    Context,
    Hits,
    Phrase,
    _merge,
)
from forlob.rules.kinds.registry import kind


@kind("requires_same_day")
def requires_same_day(rule: SameDayRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    has = ctx.days_with(ctx.codes(rule.other_roles))
    h = Hits.of(idx, ~has[ctx.day_seg.id[idx]])
    h.constants["other_codes"] = ctx.code_list(rule.other_roles, None)
    h.constants["alternative"] = ctx.code_list(rule.alternative_roles, rule.pathways)
    return h


@kind("forbidden_same_day")
def forbidden_same_day(rule: SameDayRule, ctx: Context) -> Hits:
    idx = ctx.selected(rule)
    has = ctx.days_with(ctx.codes(rule.other_roles))
    h = Hits.of(idx, has[ctx.day_seg.id[idx]])
    h.constants["other_codes"] = ctx.code_list(rule.other_roles, None)
    if rule.alternative_roles:
        h.constants["alternative"] = ctx.code_list(rule.alternative_roles, rule.pathways)
    return h


@kind("same_day_repeat")
def same_day_repeat(rule: RepeatRule, ctx: Context) -> Hits:
    # every readable line with the codes counts; pathway rules report only lines in a course
    idx = ctx.codes(rule.roles, rule.pathways)
    n = ctx.same_day_rank(idx)
    bad = n > 1
    if rule.pathways is not None:
        bad &= ctx.in_course_mask(idx, rule.pathways)
    return Hits.of(idx, bad, n=n)


@kind("same_day_pair")
def same_day_pair(rule: RepeatRule, ctx: Context) -> Hits:
    codes = ctx.cat.codes_for(rule.roles)
    idx = ctx.codes(rule.roles)
    kinds_present = sum(ctx.days_with(ctx.lines_with((c,))).astype(np.int64) for c in codes)
    both = np.asarray(kinds_present)[ctx.day_seg.id[idx]] >= 2
    h = Hits.of(idx, both & (ctx.same_day_rank(idx) > 1))
    h.constants["others"] = Phrase("codes_and")
    h.constants["code_a"] = ", ".join(codes[:-1])
    h.constants["code_b"] = codes[-1]
    return h


@kind("exam_same_day")
def exam_same_day(rule: OtherRolesRule, ctx: Context) -> Hits:
    exam = ctx.codes(rule.roles)
    idx = _merge(exam, ctx.codes(rule.other_roles))
    n_exam = ctx.day_counts(exam)[ctx.day_seg.id[idx]]
    n_all = ctx.day_counts(idx)[ctx.day_seg.id[idx]]
    # two exams, or an exam with a follow-up consultation: every such line after the first
    conflict = (n_exam >= 2) | ((n_exam >= 1) & (n_all > n_exam))
    h = Hits.of(idx, conflict & (ctx.same_day_rank(idx) > 1))
    h.constants["others"] = ctx.code_list(rule.roles + rule.other_roles, None)
    return h


@kind("speciale_53_64_same_day")
def speciale_53_64_same_day(rule: OtherRolesRule, ctx: Context) -> Hits:
    exam = ctx.codes(rule.roles)
    follow = ctx.codes(rule.other_roles)
    sp64_days = ctx.days_with(ctx.lines_with(ctx.cat.speciale_64_codes))
    package_days = ctx.days_with(ctx.lines_with(ctx.cat.package_codes))
    bad = _merge(
        exam[sp64_days[ctx.day_seg.id[exam]]], follow[package_days[ctx.day_seg.id[follow]]]
    )
    h = Hits(bad)
    h.constants["others"] = Phrase("package_or_training_codes")
    return h


@kind("training_same_day")
def training_same_day(rule: TrainingDayRule, ctx: Context) -> Hits:
    intro = ctx.codes(rule.roles)
    alone = ctx.codes(rule.alone_roles)
    other_days = ctx.days_with(ctx.codes(rule.other_roles))
    bad_intro = intro[other_days[ctx.day_seg.id[intro]]]
    bad_alone = alone[ctx.day_seg.size[ctx.day_seg.id[alone]] > 1]
    idx = _merge(bad_intro, bad_alone)
    is_intro = ctx.has_code(idx, rule.roles)
    alone_names = ctx.code_list(rule.alone_roles, None)
    intro_names = ctx.code_list(rule.roles, None)
    other_names = ctx.code_list(rule.other_roles, None)
    return Hits(
        idx,
        constants={
            "alone_names": alone_names,
            "intro_names": intro_names,
            "other_names": other_names,
        },
        phrases={
            "others": np.where(is_intro, "listed_codes", "other_services"),
            "reason": np.where(is_intro, "training_not_with", "training_alone"),
        },
    )
