"""Deterministic synthetic audit extracts (formats.md input) for tests, demos and benchmarks.

An extract is built from *units*: one patient at one provider, holding one course of a pathway
(or only ordinary services). Every unit of a patient is at a different provider, so the rules,
which all look at one patient at one provider, never see two units interact. Dates, counts and
codes come from the catalogue (roles, targets, params); each unit type is generated for
thousands of units at once with numpy, never one row at a time.

With `violations` > 0 that share of units carries one deliberate violation, chosen uniformly
among the rules that fit the unit type (every rule of rules.md is reachable), including
malformed lines. With `violations=0` the extract is meant to audit clean of errors and
warnings. `generate(..., annotate=True)` adds the columns `intended_rule` (the rule each
row's unit was built to break) and `unit`, so a rule engine's recall can be checked.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from forlob.calendar import add_months, busdaycalendar
from forlob.catalogue import Catalogue, load_catalogue
from forlob.rules.prepare import ALL_COLUMNS

__all__ = [
    "COLUMNS",
    "VIOLATION_RULES",
    "generate",
    "write_extract",
    "write_synth",
]

COLUMNS = ALL_COLUMNS  # formats.md, in order

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]

_EPOCH = np.datetime64("1970-01-01", "D")


def _day(text: str) -> int:
    return int((np.datetime64(text, "D") - _EPOCH).astype(np.int64))


# Course starts leave room for the longest course (LBP second follow-up ≈ 13 months later)
# inside 2023–2026; prior consultations reach back at most a month.
_FIRST_START = _day("2023-02-01")
_LAST_START = _day("2025-10-31")
_LAST_SERVICE = _day("2026-12-31")
# Birth dates encoded in the CPR-like patient ids: everyone is over 16 at any 2023 start.
_BIRTH_FIRST = _day("1934-01-01")
_BIRTH_LAST = _day("2006-12-31")
_N_BIRTH_DAYS = _BIRTH_LAST - _BIRTH_FIRST + 1
_PATIENT_SPACE = _N_BIRTH_DAYS * 10_000  # (birth date, 4-digit serial) pairs
# Multiplier of the affine bijection that scatters patient numbers over the id space.
_PATIENT_MULT = 2_654_435_761

# Codes that are four digits but not in the catalogue (1047 and 1064 look like package codes
# but are not, rules.md §1).
_UNKNOWN_CODES = ("9999", "0270", "1047", "1064", "3023", "0120", "2002")

# -- violation kinds: the rule each deliberately broken unit should trigger ----------------------
VIOLATION_RULES: tuple[str, ...] = (
    "INPUT-INVALID",
    "INPUT-FIELD-IGNORED",
    "CODE-UNKNOWN",
    "COURSE-NO-START",
    "COURSE-MIXED-PATHWAY",
    "LBP-0262-NO-0110",
    "LBP-0261-SAME-DAY-0110",
    "LBP-EDU-MAX",
    "LBP-IND-TRAIN-MAX",
    "LBP-IND-TRAIN-WINDOW",
    "LBP-CLOSE-ONCE",
    "LBP-AFTER-CLOSE",
    "LBP-FOLLOWUP-BEFORE-CLOSE",
    "LBP-FOLLOWUP-MAX",
    "LBP-FOLLOWUP-REFERRAL-12M",
    "LBP-FOLLOWUP-TIMING",
    "LBP-TEAM-TRAIN-DOSE",
    "NR-STATUS-WINDOW",
    "NR-STATUS-ONCE",
    "NR-AFTER-LAST-STATUS",
    "NR-0242-NO-PRIOR",
    "PKG-STATUS-WINDOW",
    "PKG-STATUS-ONCE",
    "PKG-6-MONTHS",
    "PKG-FOLLOWUP-BEFORE-LAST",
    "PKG-FOLLOWUP-AFTER-LAST",
    "PKG-FOLLOWUP-AFTER-MAX",
    "PKG-SAME-DAY",
    "CH-AGE-16",
    "TP-EDU-ONCE",
    "TP-TEAM-SIZE",
    "TP-STATUS-ONCE",
    "TP-AFTER-STATUS",
    "TP-TRAIN-WEEKLY",
    "TP-TRAIN-MAX",
    "CH-EXAM-LEVEL",
    "CH-EXAM-SAME-DAY",
    "CH-53-64-SAME-DAY",
    "CH-REMOTE-SAME-DAY",
    "CH-XRAY-PRIMARY-SAME-DAY",
    "CH-ULTRASOUND-PAIR",
    "CH-TRAINING-SAME-DAY",
    "CH-TRAINING-INTRO-MAX",
    "CH-CONFERENCE-MODULES",
)
_K = {rule: i + 1 for i, rule in enumerate(VIOLATION_RULES)}  # 0 = no violation

_COMMON = ("INPUT-INVALID", "INPUT-FIELD-IGNORED", "CODE-UNKNOWN")
_COURSE = ("COURSE-NO-START", "COURSE-MIXED-PATHWAY")


def _prefixed(prefix: str) -> tuple[str, ...]:
    return tuple(r for r in VIOLATION_RULES if r.startswith(prefix))


_PATHWAY = _COMMON + _COURSE
_SPECIALE_64 = ("CH-AGE-16", "CH-53-64-SAME-DAY")
# Unit types, their share of units, and the violations each can carry.
_TYPES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("PHO", 0.22, _COMMON),
    ("LBP", 0.20, _PATHWAY + _prefixed("LBP-")),
    ("NRL", 0.07, _PATHWAY + _prefixed("NR-")),
    ("NRC", 0.05, _PATHWAY + _prefixed("NR-")),
    ("CHO", 0.26, _COMMON + tuple(r for r in _prefixed("CH-") if r != "CH-AGE-16")),
    ("CPL", 0.05, _PATHWAY + _prefixed("PKG-") + _SPECIALE_64),
    ("CPC", 0.04, _PATHWAY + _prefixed("PKG-") + _SPECIALE_64),
    ("CSS", 0.03, _PATHWAY + _prefixed("PKG-") + _SPECIALE_64),
    ("CTB", 0.04, _PATHWAY + _prefixed("TP-") + _SPECIALE_64),
    ("CTH", 0.04, _PATHWAY + _prefixed("TP-") + _SPECIALE_64),
    ("FILL", 0.0, ()),  # one-line units that make the row count exact
)
_TYPE_ID = {name: i for i, (name, _, _) in enumerate(_TYPES)}
_PHYSIO_TYPES = ("PHO", "LBP", "NRL", "NRC", "FILL")
# Rough rows per unit, only to size the first batch; a short batch is topped up.
_MEAN_ROWS = 11.0

# Malformed required fields (INPUT-INVALID) and unreadable optional ones (INPUT-FIELD-IGNORED).
_INVALID_VARIANTS = (
    ("service_date", "unpadded"),
    ("service_date", "feb30"),
    ("service_date", "time"),
    ("service_date", "dmy"),
    ("service_date", "compact"),
    ("service_date", "empty"),
    ("patient_id", "empty"),
    ("provider_id", "empty"),
    ("service_code", "12a"),
    ("service_code", "110"),
    ("service_code", "01100"),
    ("service_code", "empty"),
)
_IGNORED_VARIANTS = (
    ("team_size", "x"),
    ("team_size", "-1"),
    ("team_size", "2.5"),
    ("quantity", "x"),
    ("quantity", "-2"),
    ("quantity", "1.5"),
    ("referral_date", "unpadded"),
    ("referral_date", "slash"),
    ("birth_date", "dmy"),
    ("birth_date", "feb30"),
    ("last_visit_date", "time"),
    ("last_visit_date", "compact"),
)


# ================================================================================ code book
@dataclass(frozen=True)
class _Status:
    code: int
    weeks: int | None
    months: int | None
    last: bool


class _Book:
    """Catalogue codes as small integers, and the look-ups the unit generators need."""

    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        self.codes: tuple[str, ...] = tuple(sorted(cat.codes)) + _UNKNOWN_CODES
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.is_pathway = np.array(
            [c in cat.codes and cat.codes[c].pathway is not None for c in self.codes]
        )
        self.is_package = np.isin(np.array(self.codes), np.array(cat.package_codes))
        self.unknown = np.array([self.index[c] for c in _UNKNOWN_CODES], dtype=np.int64)
        levels = {"within_short": 0, "within_long": 1, "none_or_older": 2}
        exam = [0, 0, 0]
        for c in cat.codes_for(["first_exam"]):
            level = cat.codes[c].exam_level
            assert level is not None
            exam[levels[level]] = self.index[c]
        self.exam = np.array(exam, dtype=np.int64)  # by level: short, long, none/older

    def many(self, role: str, pathway: str | None = None, profession: str | None = None) -> I64:
        codes = self.cat.codes_for([role], None if pathway is None else [pathway])
        if profession is not None:
            codes = tuple(c for c in codes if self.cat.codes[c].profession == profession)
        assert codes, (role, pathway)
        return np.array([self.index[c] for c in codes], dtype=np.int64)

    def one(self, role: str, pathway: str | None = None) -> int:
        codes = self.many(role, pathway)
        assert len(codes) == 1, (role, pathway)
        return int(codes[0])

    def code(self, code: str) -> int:
        return self.index[code]

    def statuses(self, pathway: str) -> list[_Status]:
        out = []
        for c in self.cat.codes_for(["status", "last_status"], [pathway]):
            info = self.cat.codes[c]
            assert info.target is not None
            out.append(
                _Status(
                    self.index[c], info.target.weeks, info.target.months, info.role == "last_status"
                )
            )
        # order by target so the last status is last (months compare as ~4.35 weeks)
        out.sort(key=lambda s: s.weeks if s.weeks is not None else (s.months or 0) * 4.35)
        assert out[-1].last
        return out

    def param(self, name: str) -> int:
        return self.cat.param(name)


@lru_cache(maxsize=1)
def _book() -> _Book:
    return _Book(load_catalogue())


# ================================================================================ date helpers
def _bd(day: npt.ArrayLike, offset: npt.ArrayLike = 0, roll: str = "forward") -> I64:
    """Working day `offset` working days from `day` (rolled to a working day first)."""
    d = np.asarray(day, dtype=np.int64).astype("datetime64[D]")
    out = np.busday_offset(d, offset, roll=roll, busdaycal=busdaycalendar())  # type: ignore[call-overload]
    return np.asarray(out).astype(np.int64)


def _bcount(a: npt.ArrayLike, b: npt.ArrayLike) -> I64:
    da = np.asarray(a, dtype=np.int64).astype("datetime64[D]")
    db = np.asarray(b, dtype=np.int64).astype("datetime64[D]")
    return np.asarray(np.busday_count(da, db, busdaycal=busdaycalendar())).astype(np.int64)


def _months(day: npt.ArrayLike, months: int | I64) -> I64:
    d = np.asarray(day, dtype=np.int64).astype("datetime64[D]")
    return np.asarray(add_months(d, months)).astype(np.int64)


def _is_bd(day: npt.ArrayLike) -> Bool:
    d = np.asarray(day, dtype=np.int64).astype("datetime64[D]")
    return np.asarray(np.is_busday(d, busdaycal=busdaycalendar()))


def _status_dates(targets: I64, shift: I64) -> I64:
    """`shift` working days from each target, so that busday_count(target, date) == shift.

    numpy counts [T, d) after the target but (d, T] before it, so on a holiday target an early
    date rolls backward and a late one forward.
    """
    return np.where(shift < 0, _bd(targets, shift, roll="backward"), _bd(targets, shift))


def _monday(day: I64) -> I64:
    return day - (day + 3) % 7  # 1970-01-01 was a Thursday


# ================================================================================ generation
class _Batch:
    """One batch of units: unit attributes plus the lines the unit generators emit."""

    def __init__(
        self,
        rng: np.random.Generator,
        types: npt.NDArray[np.int64],
        patient: I64,
        provider: I64,
        providers: _Providers,
        violations: float,
    ) -> None:
        self.rng = rng
        self.book = _book()
        n = len(types)
        self.n = n
        self.type = types
        self.patient = patient
        self.provider = provider
        self.start = _bd(rng.integers(_FIRST_START, _LAST_START + 1, n))
        self.cid = providers.course_id[provider]
        self.has_birth = providers.birth[provider].copy()
        self.birth = _patient_birth(patient)
        # physiotherapy needs a GP referral; chiropractic patients come on their own
        physio = np.isin(types, [_TYPE_ID[t] for t in _PHYSIO_TYPES])
        self.has_ref = providers.referral[provider] & (rng.random(n) < 0.95) & physio
        self.ref = np.zeros(n, dtype=np.int64)
        self.lvd_given = providers.last_visit[provider]
        self.has_lvd = np.zeros(n, dtype=bool)
        self.lvd = np.zeros(n, dtype=np.int64)
        self.qty1 = providers.quantity[provider]
        self.kind = self._draw_kinds(violations)
        # emitted lines (lists of arrays, concatenated once)
        self._u: list[I64] = []
        self._day: list[I64] = []
        self._code: list[I64] = []
        self._team: list[I64] = []
        self._qty: list[I64] = []
        self._prio: list[npt.NDArray[np.int8]] = []
        self._anchor: list[Bool] = []

    def _draw_kinds(self, violations: float) -> I64:
        n, rng = self.n, self.rng
        width = max(len(t[2]) for t in _TYPES)
        table = np.zeros((len(_TYPES), width), dtype=np.int64)
        sizes = np.zeros(len(_TYPES), dtype=np.int64)
        for i, (_, _, rules) in enumerate(_TYPES):
            table[i, : len(rules)] = [_K[r] for r in rules]
            sizes[i] = len(rules)
        broken = (rng.random(n) < violations) & (sizes[self.type] > 0)
        pick = (rng.random(n) * sizes[self.type]).astype(np.int64)
        kind = np.where(broken, table[self.type, np.minimum(pick, width - 1)], 0)
        # a mixed course needs an explicit course id; inferred courses cannot mix pathways
        kind[(kind == _K["COURSE-MIXED-PATHWAY"]) & ~self.cid] = _K["COURSE-NO-START"]
        return kind

    def k(self, u: I64, rule: str) -> Bool:
        hit: Bool = self.kind[u] == _K[rule]
        return hit

    def emit(
        self,
        u: I64,
        day: npt.ArrayLike,
        code: npt.ArrayLike,
        *,
        mask: Bool | None = None,
        team: npt.ArrayLike = -1,
        qty: npt.ArrayLike = -1,
        prio: int = 0,
        anchor: bool = False,
    ) -> None:
        """Add one line per unit in `u` (where `mask`); prio 2 = optional, 1 = deliberate."""
        n = len(u)
        arrays = [
            np.broadcast_to(np.asarray(a, dtype=np.int64), (n,)) for a in (day, code, team, qty)
        ]
        if mask is not None:
            u = u[mask]
            arrays = [a[mask] for a in arrays]
        m = len(u)
        self._u.append(u)
        self._day.append(np.ascontiguousarray(arrays[0]))
        self._code.append(np.ascontiguousarray(arrays[1]))
        self._team.append(np.ascontiguousarray(arrays[2]))
        self._qty.append(np.ascontiguousarray(arrays[3]))
        self._prio.append(np.full(m, prio, dtype=np.int8))
        self._anchor.append(np.full(m, anchor, dtype=bool))

    def emit_matrix(
        self,
        u: I64,
        days: I64,
        code: npt.ArrayLike,
        mask: Bool,
        *,
        team: npt.ArrayLike = -1,
        prio: int = 0,
    ) -> None:
        """Add the cells of a (units × slots) matrix of days where `mask`."""
        shape = days.shape
        uu = np.broadcast_to(u[:, None], shape)[mask]
        cc = np.broadcast_to(np.asarray(code, dtype=np.int64), shape)[mask]
        tt = np.broadcast_to(np.asarray(team, dtype=np.int64), shape)[mask]
        self.emit(uu, days[mask], cc, team=tt, prio=prio)

    def lines(self) -> dict[str, np.ndarray]:
        # narrow types: the line table is the bulk of the memory and of the shuffling work
        return {
            "u": np.concatenate(self._u).astype(np.int32),
            "day": np.concatenate(self._day).astype(np.int32),
            "code": np.concatenate(self._code).astype(np.int16),
            "team": np.concatenate(self._team).astype(np.int16),
            "qty": np.concatenate(self._qty).astype(np.int16),
            "prio": np.concatenate(self._prio),
            "anchor": np.concatenate(self._anchor),
        }

    # -- shared pieces ---------------------------------------------------------------------------
    def ri(self, lo: int, hi: int, shape: int | tuple[int, ...]) -> I64:
        """Uniform integers in [lo, hi]."""
        return self.rng.integers(lo, hi + 1, shape)

    def referral(self, u: I64, first_day: I64) -> None:
        self.ref[u] = _bd(first_day - self.ri(0, 14, len(u)), 0, roll="backward")

    def prior_exam(
        self,
        u: I64,
        day: I64,
        mask: Bool,
        level_wrong: Bool | None = None,
        anchor: bool = False,
    ) -> None:
        """A chiropractic first exam on `day`, its code matching the history `last_visit_date`
        tells (rules.md CH-EXAM-LEVEL); gaps keep clear of the 12- and 36-month boundaries."""
        n, rng, book = len(u), self.rng, self.book
        short = book.param("exam_level_short_months")
        long = book.param("exam_level_long_months")
        has_prev = rng.random(n) < 0.45
        if level_wrong is not None:
            has_prev |= level_wrong
        level = np.where(has_prev, rng.choice(3, n, p=[0.5, 0.3, 0.2]), 2)
        gap = np.select(
            [level == 0, level == 1],
            [self.ri(14, short * 30 - 30, n), self.ri(short * 31 + 27, long * 30 - 60, n)],
            self.ri(long * 31 + 30, long * 31 + 2500, n),
        )
        given = has_prev & self.lvd_given[u]
        if level_wrong is not None:
            given |= level_wrong
            level = np.where(level_wrong, (level + self.ri(1, 2, n)) % 3, level)
        given &= mask
        self.has_lvd[u[given]] = True
        self.lvd[u[given]] = (day - gap)[given]
        self.emit(u, day, book.exam[level], mask=mask, anchor=anchor)

    def statuses(self, u: I64, start: I64, pathway: str, window_rule: str) -> tuple[I64, I64]:
        """Status dates (units × statuses) a few working days from target, one moved outside
        ±tolerance for the window violation. Returns (dates, codes)."""
        n, rng = len(u), self.rng
        specs = self.book.statuses(pathway)
        tol = self.book.param("status_tolerance_working_days")
        ns = len(specs)
        # within [-3, +2] so a duplicate one working day later is still inside the window
        shift = self.ri(-3, 2, (n, ns))
        bad = self.k(u, window_rule)
        j = self.ri(0, ns - 1, n)
        mag = self.ri(tol + 1, tol + 3, n)
        # only a middle status moves early: the first could land before the start, the last
        # would put later pathway lines after it
        early = (j > 0) & (j < ns - 1) & (rng.random(n) < 0.5)
        rows = np.nonzero(bad)[0]
        shift[rows, j[rows]] = np.where(early[rows], -mag[rows], mag[rows])
        targets = np.column_stack(
            [
                start + 7 * s.weeks if s.weeks is not None else _months(start, s.months or 0)
                for s in specs
            ]
        )
        dates = _status_dates(targets, shift)
        # a moved status must not land on another status's day (that would be PKG-SAME-DAY
        # too): one working day further out keeps it outside the window
        clash = bad & ((dates == dates[np.arange(n), j][:, None]).sum(axis=1) > 1)
        rows = np.nonzero(clash)[0]
        shift[rows, j[rows]] += np.sign(shift[rows, j[rows]])
        dates = _status_dates(targets, shift)
        return dates, np.array([s.code for s in specs], dtype=np.int64)

    def extra_before_start(self, u: I64, start: I64, code: int, team: npt.ArrayLike = -1) -> None:
        m = self.k(u, "COURSE-NO-START")
        self.emit(u, _bd(start, -self.ri(1, 3, len(u))), code, mask=m, team=team, prio=1)

    def mixed_line(self, u: I64, day: I64, code: int, team: npt.ArrayLike = -1) -> None:
        m = self.k(u, "COURSE-MIXED-PATHWAY")
        self.emit(u, day, code, mask=m, team=team, prio=1)

    def age_16(self, u: I64, start: I64) -> None:
        m = self.k(u, "CH-AGE-16")
        years = self.book.param("speciale_64_min_age_years")
        young = _months(start, -12 * years) + self.ri(2, 300, len(u))
        self.birth[u[m]] = young[m]
        self.has_birth[u[m]] = True


@dataclass(frozen=True)
class _Providers:
    ids: npt.NDArray[np.int64]  # ydernummer as a number, printed with 6 digits
    n_physio: int
    course_id: Bool
    birth: Bool
    referral: Bool
    last_visit: Bool
    quantity: Bool


def _providers(seed: int, total_rows: int) -> _Providers:
    """Provider pool shared by every chunk of one extract (depends on seed and size only)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED, 1]))
    n_physio = int(np.clip(total_rows // 4000, 8, 2500))
    n_chiro = int(np.clip(total_rows // 12000, 5, 800))
    n = n_physio + n_chiro
    ids = rng.choice(1_000_000, n, replace=False).astype(np.int64)

    def share(p: float) -> Bool:
        # exact share per profession, so even a small extract has both kinds of provider
        out = np.zeros(n, dtype=bool)
        for lo, hi in ((0, n_physio), (n_physio, n)):
            k = max(1, min(hi - lo - 1, round(p * (hi - lo))))
            out[lo + rng.permutation(hi - lo)[:k]] = True
        return out

    return _Providers(
        ids=ids,
        n_physio=n_physio,
        course_id=share(0.3),
        birth=share(0.6),
        referral=share(0.85),
        last_visit=share(0.7),
        quantity=share(0.4),
    )


def _patient_birth(patient: I64) -> I64:
    scrambled = (patient * _PATIENT_MULT + 12_345) % _PATIENT_SPACE
    return _BIRTH_FIRST + scrambled % _N_BIRTH_DAYS


def _patient_number(patient: I64) -> I64:
    """CPR-like DDMMYYSSSS: the birth date of `_patient_birth` and a serial, unique per patient."""
    scrambled = (patient * _PATIENT_MULT + 12_345) % _PATIENT_SPACE
    birth = (_BIRTH_FIRST + scrambled % _N_BIRTH_DAYS).astype("datetime64[D]")
    serial = scrambled // _N_BIRTH_DAYS
    month_start = birth.astype("datetime64[M]")
    day = (birth - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    month = month_start.astype(np.int64) % 12 + 1
    year = (birth.astype("datetime64[Y]").astype(np.int64) + 1970) % 100
    number: I64 = ((day * 100 + month) * 100 + year) * 10_000 + serial
    return number


# ================================================================================ unit types
def _tail_probs(k: int) -> npt.NDArray[np.float64]:
    """Probabilities for counts 0..k-1, falling linearly: long courses are rarer."""
    w = np.linspace(1.0, 0.4, k)
    return np.asarray(w / w.sum())


def _gen_pho(b: _Batch, u: I64) -> None:
    """Ordinary physiotherapy: a first consultation and some generic services."""
    n, rng, book = len(u), b.rng, b.book
    start = b.start[u]
    b.emit(u, start, book.one("first_consultation"), anchor=True)
    b.referral(u, start)
    if b.type[u[0]] == _TYPE_ID["FILL"]:
        return
    visits = rng.choice(9, n, p=[0.1, 0.15, 0.15, 0.15, 0.12, 0.1, 0.09, 0.08, 0.06])
    days = _bd(start[:, None], np.cumsum(b.ri(2, 7, (n, 8)), axis=1))
    codes = rng.choice(
        [book.code("0113"), book.code("0133"), book.code("3201")], (n, 8), p=[0.6, 0.15, 0.25]
    )
    b.emit_matrix(u, days, codes, np.arange(8) < visits[:, None])
    b.emit(u, start, book.code("2001"), mask=rng.random(n) < 0.05)
    b.emit(u, days[:, 0], book.code("3301"), mask=(rng.random(n) < 0.03) & (visits > 0))


def _gen_lbp(b: _Batch, u: I64) -> None:
    """Low back pain: 0110 with 0262 (or 0261 later), education, ~2 team trainings a week,
    individual training, closing at ~8-12 weeks, follow-ups ~3 and ~9 months after closing."""
    n, rng, book = len(u), b.rng, b.book
    pw = "LBP"
    start = b.start[u]
    p = book.param
    no_0110 = b.k(u, "LBP-0262-NO-0110")
    wrong_start = b.k(u, "LBP-0261-SAME-DAY-0110")
    # 0110 + 0262 the same day, or 0110 on an earlier day and 0261 at the course start
    same_day = (rng.random(n) < 0.6) | no_0110 | wrong_start
    first = np.where(same_day, start, _bd(start, -b.ri(3, 15, n)))
    b.emit(u, first, book.one("first_consultation"), mask=~no_0110)
    start_code = np.where(
        same_day & ~wrong_start, book.one("start_same_day", pw), book.one("start", pw)
    )
    b.emit(u, start, start_code, anchor=True)
    b.referral(u, first)

    # closing consultation at ~8-12 weeks (target param), rolled back onto a working day
    window_bad = b.k(u, "LBP-IND-TRAIN-WINDOW")
    target_w = p("lbp_closing_target_weeks")
    weeks = np.where(window_bad, target_w + 2, b.ri(target_w - 4, target_w, n))
    close = _bd(start + 7 * weeks + b.ri(0, 4, n), 0, roll="backward")
    forced_close = np.isin(
        b.kind[u],
        [
            _K[r]
            for r in (
                "LBP-CLOSE-ONCE",
                "LBP-AFTER-CLOSE",
                "LBP-FOLLOWUP-BEFORE-CLOSE",
                "LBP-FOLLOWUP-MAX",
                "LBP-FOLLOWUP-REFERRAL-12M",
                "LBP-FOLLOWUP-TIMING",
                "LBP-TEAM-TRAIN-DOSE",
            )
        ],
    )
    has_close = (rng.random(n) < 0.9) | forced_close
    span = _bcount(start, close)  # working days in [start, close)

    # team training 0264 spread evenly over distinct working days before closing
    lo, hi = p("lbp_team_training_min"), p("lbp_team_training_max")
    dose_bad = b.k(u, "LBP-TEAM-TRAIN-DOSE")
    n_team = np.where(dose_bad, b.ri(max(1, lo - 6), lo - 2, n), b.ri(lo, hi, n))
    n_team = np.where((rng.random(n) < 0.7) | dose_bad, n_team, 0)
    j = np.arange(hi)
    off = 2 + (j[None, :] * (span - 3)[:, None]) // np.maximum(n_team, 1)[:, None]
    b.emit_matrix(
        u,
        _bd(start[:, None], off),
        book.one("team_training", pw),
        j[None, :] < n_team[:, None],
        team=b.ri(3, 8, (n, hi)),
    )

    # individual training 0266: at most the limit, within the day limit and before closing
    ind_max = p("lbp_individual_training_max")
    ind_days = p("lbp_individual_training_days")
    n_ind = rng.choice(ind_max + 1, n, p=_tail_probs(ind_max + 1))
    n_ind = np.where(window_bad, np.minimum(n_ind, ind_max - 1), n_ind)
    n_ind = np.where(b.k(u, "LBP-IND-TRAIN-MAX"), ind_max + 1, n_ind)
    ind_span = _bcount(start, np.minimum(start + ind_days + 1, close)) - 1
    off = 1 + (rng.random((n, ind_max + 1)) * ind_span[:, None]).astype(np.int64)
    ind = book.one("individual_training", pw)
    b.emit_matrix(
        u, _bd(start[:, None], off), ind, np.arange(ind_max + 1)[None, :] < n_ind[:, None]
    )
    late = _bd(start + ind_days + 1 + b.ri(0, 2, n))
    b.emit(u, late, ind, mask=window_bad, prio=1)

    # patient education (team 0263 / individual 0265) in the first weeks
    edu = book.many("education", pw)
    edu_max = p("lbp_education_max")
    n_edu = rng.choice(edu_max + 1, n)
    n_edu = np.where(b.k(u, "LBP-EDU-MAX"), edu_max + 1, n_edu)
    edu_codes = rng.choice(edu, (n, edu_max + 1))
    edu_team = np.where(edu_codes == book.code("0263"), b.ri(3, 10, (n, edu_max + 1)), -1)
    b.emit_matrix(
        u,
        _bd(start[:, None], b.ri(1, 15, (n, edu_max + 1))),
        edu_codes,
        np.arange(edu_max + 1)[None, :] < n_edu[:, None],
        team=edu_team,
    )

    # manual therapy and generic services during the course
    manual = book.one("manual_therapy", pw)
    off = 1 + (rng.random((n, 4)) * (span - 1)[:, None]).astype(np.int64)
    b.emit_matrix(
        u, _bd(start[:, None], off), manual, np.arange(4)[None, :] < rng.choice(5, n)[:, None]
    )
    off = 1 + (rng.random((n, 3)) * (span - 1)[:, None]).astype(np.int64)
    b.emit_matrix(
        u,
        _bd(start[:, None], off),
        book.code("0113"),
        np.arange(3)[None, :] < rng.choice(4, n)[:, None],
    )

    closing = book.one("closing", pw)
    b.emit(u, close, closing, mask=has_close)
    b.emit(u, _bd(close, b.ri(1, 10, n)), closing, mask=b.k(u, "LBP-CLOSE-ONCE"), prio=1)
    b.emit(u, _bd(close, b.ri(1, 10, n)), manual, mask=b.k(u, "LBP-AFTER-CLOSE"), prio=1)
    after = _bd(close[:, None], np.cumsum(b.ri(3, 10, (n, 2)), axis=1))
    b.emit_matrix(
        u,
        after,
        book.code("0113"),
        (np.arange(2)[None, :] < rng.choice(3, n)[:, None]) & has_close[:, None],
    )

    # follow-ups about 3 and 9 months after closing, and within 12 months of the referral
    fu = book.one("follow_up_after_closing", pw)
    f1_lo, f1_hi = p("lbp_followup_1_from_months"), p("lbp_followup_1_to_months")
    f2_lo, f2_hi = p("lbp_followup_2_from_months"), p("lbp_followup_2_to_months")
    ref_months = p("lbp_followup_referral_months")
    fu_max = b.k(u, "LBP-FOLLOWUP-MAX")
    fu_ref = b.k(u, "LBP-FOLLOWUP-REFERRAL-12M")
    fu_timing = b.k(u, "LBP-FOLLOWUP-TIMING")
    fu_before = b.k(u, "LBP-FOLLOWUP-BEFORE-CLOSE")
    n_fu = np.where(has_close, rng.choice(3, n, p=[0.25, 0.25, 0.5]), 0)
    n_fu = np.where(fu_max | fu_ref, 2, np.where(fu_timing, np.maximum(n_fu, 1), n_fu))
    n_fu = np.where(fu_before, 0, n_fu)
    # the violations that need a second follow-up drop the referral cap instead
    b.has_ref[u[fu_max]] = False
    fu1 = _bd(_months(close, (f1_lo + f1_hi) // 2) + b.ri(-14, 14, n))
    fu1 = np.where(fu_timing, _bd(close + b.ri(25, 45, n)), fu1)
    lo2 = _months(close, f2_lo)
    hi2 = _months(close, f2_hi)
    capped = b.has_ref[u] & ~fu_ref
    hi2 = np.where(capped, np.minimum(hi2, _months(b.ref[u], ref_months)), hi2)
    feasible = hi2 - lo2 >= 12
    # roll-forward moves a date at most 5 days (Easter), hence the 5-day margins
    fu2 = _bd(lo2 + 5 + (rng.random(n) * (hi2 - lo2 - 9)).astype(np.int64))
    fu2 = np.where(fu_ref, _bd(lo2 + b.ri(5, 15, n)), fu2)
    b.emit(u, fu1, fu, mask=n_fu >= 1)
    b.emit(u, fu2, fu, mask=(n_fu >= 2) & feasible)
    third = fu2 + b.ri(1, 20, n)
    third = _bd(np.where(third > hi2, fu2, third), 0, roll="backward")
    b.emit(u, third, fu, mask=fu_max, prio=1)
    b.emit(u, _bd(close - b.ri(0, 10, n), 0, roll="backward"), fu, mask=fu_before, prio=1)
    rows = u[fu_ref]
    b.has_ref[rows] = True
    b.ref[rows] = _months(fu2[fu_ref], -ref_months) - b.ri(3, 20, len(rows))

    b.extra_before_start(u, start, manual)
    b.mixed_line(u, _bd(start, b.ri(1, 5, n)), book.one("individual_training", "NRL"))


def _gen_nr(b: _Batch, u: I64, pw: str) -> None:
    """Nerve-root course: start (0242/0232 after an earlier 0110), status at 2, 4 and 8 weeks,
    training in between, ordinary codes after the last status."""
    n, rng, book = len(u), b.rng, b.book
    start = b.start[u]
    no_prior = b.k(u, "NR-0242-NO-PRIOR")
    # 0242/0232 continues a current treatment: an earlier 0110 at the same provider
    current = (rng.random(n) < 0.3) | no_prior
    with_prior = current & ~no_prior
    prior_day = _bd(start, -b.ri(3, 15, n))
    b.emit(u, prior_day, book.one("first_consultation"), mask=with_prior)
    b.emit(
        u,
        start,
        np.where(current, book.one("start_current_treatment", pw), book.one("start", pw)),
        anchor=True,
    )
    b.referral(u, np.where(with_prior, prior_day, start))

    dates, codes = b.statuses(u, start, pw, "NR-STATUS-WINDOW")
    ns = dates.shape[1]
    b.emit_matrix(u, dates, codes[None, :], np.ones_like(dates, dtype=bool))
    last = dates[:, -1]
    # a duplicate of a non-final status, one working day later (still inside its window)
    j = b.ri(0, ns - 2, n)
    dup = b.k(u, "NR-STATUS-ONCE")
    b.emit(u, _bd(dates[np.arange(n), j], 1), codes[j], mask=dup, prio=1)

    span = _bcount(start, last)
    team, ind = book.one("team_training", pw), book.one("individual_training", pw)
    off = 1 + (rng.random((n, 10)) * (span - 1)[:, None]).astype(np.int64)
    b.emit_matrix(
        u,
        _bd(start[:, None], off),
        team,
        np.arange(10)[None, :] < rng.choice(11, n)[:, None],
        team=b.ri(3, 8, (n, 10)),
    )
    off = 1 + (rng.random((n, 8)) * (span - 1)[:, None]).astype(np.int64)
    b.emit_matrix(
        u, _bd(start[:, None], off), ind, np.arange(8)[None, :] < rng.choice(9, n)[:, None]
    )
    # after the last status the agreement's ordinary codes take over
    after = _bd(last[:, None], np.cumsum(b.ri(3, 10, (n, 3)), axis=1))
    b.emit_matrix(u, after, book.code("0113"), np.arange(3)[None, :] < rng.choice(4, n)[:, None])
    b.emit(
        u,
        _bd(last, b.ri(1, 10, n)),
        np.where(rng.random(n) < 0.5, team, ind),
        mask=b.k(u, "NR-AFTER-LAST-STATUS"),
        prio=1,
    )

    b.extra_before_start(u, start, ind)
    other = "NRC" if pw == "NRL" else "NRL"
    b.mixed_line(u, _bd(start, b.ri(1, 5, n)), book.one("individual_training", other))


def _gen_pkg(b: _Batch, u: I64, pw: str) -> None:
    """Prolapse / stenosis package: first exam, statuses at their targets, follow-ups before
    and (at most the limit) after the last status, all within the package months."""
    n, rng, book = len(u), b.rng, b.book
    start = b.start[u]
    # "first exam in current treatment": after an ordinary speciale 53 first exam
    current = rng.random(n) < 0.3
    b.prior_exam(u, _bd(start, -b.ri(5, 20, n)), current)
    b.emit(
        u,
        start,
        np.where(current, book.one("start_current_treatment", pw), book.one("start", pw)),
        anchor=True,
    )
    b.age_16(u, start)

    dates, codes = b.statuses(u, start, pw, "PKG-STATUS-WINDOW")
    ns = dates.shape[1]
    b.emit_matrix(u, dates, codes[None, :], np.ones_like(dates, dtype=bool))
    last = dates[:, -1]
    first_status = dates[:, 0]  # never the last status in any package
    before, after = book.one("follow_up_before_last", pw), book.one("follow_up_after_last", pw)

    # follow-ups before the last status: two working days after the start and each status,
    # and mid-way through long gaps; a slot that collides with another package line is dropped
    anchors = np.column_stack([start, dates[:, :-1]])
    gap = _bcount(anchors, dates)  # working days from each anchor to the next status
    slots = np.column_stack([_bd(anchors, 2), _bd(anchors, gap // 2)])
    ok = (rng.random(slots.shape) < 0.45) & (slots < last[:, None])
    ok[:, anchors.shape[1] :] &= gap >= 14
    b.emit_matrix(u, slots, before, ok, prio=2)

    validity = book.param("package_validity_months")
    max_after = book.param("package_followup_after_last_max")
    end = _months(start, validity)
    n_after = rng.choice(max_after + 1, n, p=_tail_probs(max_after + 1))
    # the violations that add a follow-up after the last status leave room for it
    room = b.k(u, "PKG-6-MONTHS") | b.k(u, "PKG-FOLLOWUP-AFTER-LAST")
    n_after = np.where(room, np.minimum(n_after, max_after - 1), n_after)
    n_after = np.where(b.k(u, "PKG-FOLLOWUP-AFTER-MAX"), max_after + 1, n_after)
    fa = _bd(last[:, None], np.cumsum(b.ri(3, 8, (n, max_after + 1)), axis=1))
    b.emit_matrix(
        u,
        fa,
        after,
        (np.arange(max_after + 1)[None, :] < n_after[:, None]) & (fa <= end[:, None]),
        prio=2,
    )

    j = b.ri(0, ns - 2, n) if ns > 1 else np.zeros(n, dtype=np.int64)
    b.emit(u, _bd(dates[np.arange(n), j], 1), codes[j], mask=b.k(u, "PKG-STATUS-ONCE"), prio=1)
    b.emit(u, _bd(end + b.ri(1, 20, n)), after, mask=b.k(u, "PKG-6-MONTHS"), prio=1)
    b.emit(u, _bd(last, b.ri(1, 2, n)), before, mask=b.k(u, "PKG-FOLLOWUP-BEFORE-LAST"), prio=1)
    b.emit(u, _bd(first_status, 1), after, mask=b.k(u, "PKG-FOLLOWUP-AFTER-LAST"), prio=1)
    b.emit(u, first_status, before, mask=b.k(u, "PKG-SAME-DAY"), prio=1)
    b.emit(u, first_status, book.code("1036"), mask=b.k(u, "CH-53-64-SAME-DAY"), prio=1)

    # general chiropractic services on package days (allowed: rules.md §7 concerns only
    # first exams and follow-up consultations)
    b.emit(u, start, rng.choice(book.many("primary_xray"), n), mask=rng.random(n) < 0.3)
    b.emit(u, start, book.code("1023"), mask=rng.random(n) < 0.1)
    b.emit(
        u,
        first_status,
        book.one("conference"),
        mask=rng.random(n) < 0.08,
        qty=b.ri(1, book.param("conference_modules_max"), n),
    )

    b.extra_before_start(u, start, before)
    other = "CTH" if pw == "CPC" else "CTB"
    b.mixed_line(u, _bd(start, 1), book.one("group_training", other), team=b.ri(4, 10, n))


_TRAINING_PAIRS = np.array([[0, 2], [0, 3], [1, 3], [1, 4], [0, 4], [2, 4]], dtype=np.int64)


def _gen_tp(b: _Batch, u: I64, pw: str) -> None:
    """Training package: talk, one group education, two group trainings a week for 6-8 weeks
    (team of 4-10), then the status consultation."""
    n, rng, book = len(u), b.rng, b.book
    start = b.start[u]
    p = book.param
    b.prior_exam(u, _bd(start, -b.ri(5, 20, n)), rng.random(n) < 0.4)
    b.emit(u, start, book.one("start", pw), anchor=True)
    b.age_16(u, start)

    max_team = p("training_team_size_max")
    base_team = b.ri(4, max_team, n)
    edu = book.one("group_education", pw)
    edu_day = _bd(start, b.ri(2, 5, n))
    b.emit(u, edu_day, edu, team=base_team)
    b.emit(u, _bd(edu_day, b.ri(1, 2, n)), edu, mask=b.k(u, "TP-EDU-ONCE"), team=base_team, prio=1)

    # two sessions a week on a fixed weekday pair, from the week after the education;
    # a session on a public holiday is not held
    per_week = p("training_sessions_per_week")
    assert per_week == _TRAINING_PAIRS.shape[1]
    weeks = b.ri(p("training_weeks_min"), p("training_weeks_max"), n)
    weeks = np.where(
        b.k(u, "TP-AFTER-STATUS") | b.k(u, "TP-TRAIN-WEEKLY"),
        np.minimum(weeks, p("training_weeks_max") - 1),
        weeks,
    )
    weeks = np.where(b.k(u, "TP-TRAIN-MAX"), p("training_weeks_max") + 3, weeks)
    max_weeks = p("training_weeks_max") + 3
    pair = _TRAINING_PAIRS[rng.integers(0, len(_TRAINING_PAIRS), n)]
    week0 = _monday(edu_day) + 7
    w = np.arange(max_weeks)
    sessions = (week0[:, None, None] + 7 * w[None, :, None] + pair[:, None, :]).reshape(n, -1)
    held = _is_bd(sessions) & (np.repeat(w, 2)[None, :] < weeks[:, None])
    team = np.clip(base_team[:, None] + b.ri(-1, 1, sessions.shape), 4, max_team)
    first = np.argmax(held, axis=1)
    big = b.k(u, "TP-TEAM-SIZE")
    team[np.nonzero(big)[0], first[big]] = b.ri(max_team + 1, max_team + 4, int(big.sum()))
    training = book.one("group_training", pw)
    b.emit_matrix(u, sessions, training, held, team=team)

    status = _bd(week0 + 7 * weeks + b.ri(0, 4, n))
    status_code = book.one("status_after_course", pw)
    b.emit(u, status, status_code)
    b.emit(u, _bd(status, b.ri(1, 10, n)), status_code, mask=b.k(u, "TP-STATUS-ONCE"), prio=1)
    b.emit(
        u,
        _bd(status, b.ri(1, 5, n)),
        training,
        mask=b.k(u, "TP-AFTER-STATUS"),
        team=base_team,
        prio=1,
    )

    # a third session in a week where both planned sessions were held
    both = held[:, 0::2] & held[:, 1::2]
    week = np.argmax(both * rng.random(both.shape), axis=1)
    monday = week0 + 7 * week
    spare = np.full(n, -1, dtype=np.int64)
    for wd in range(4, -1, -1):
        cand = monday + wd
        free = (pair[:, 0] != wd) & (pair[:, 1] != wd) & _is_bd(cand)
        spare = np.where(free, cand, spare)
    weekly = b.k(u, "TP-TRAIN-WEEKLY") & both.any(axis=1) & (spare >= 0)
    b.emit(u, spare, training, mask=weekly, team=base_team, prio=1)

    # a speciale 53 first exam on a package day; the start days before make it a 1017
    b.emit(u, edu_day, book.exam[0], mask=b.k(u, "CH-53-64-SAME-DAY"), prio=1)
    b.extra_before_start(u, start, training, team=base_team)
    other = "CTH" if pw == "CTB" else "CTB"
    b.mixed_line(u, _bd(start, 1), book.one("group_training", other), team=base_team)


def _gen_cho(b: _Batch, u: I64) -> None:
    """Ordinary chiropractic (speciale 53): first exam, follow-ups, imaging, training."""
    n, rng, book = len(u), b.rng, b.book
    start = b.start[u]
    level_bad = b.k(u, "CH-EXAM-LEVEL")
    b.prior_exam(u, start, np.ones(n, dtype=bool), level_wrong=level_bad, anchor=True)
    follow = book.many("follow_up_consultation")

    xray = book.many("primary_xray")
    xray_bad = b.k(u, "CH-XRAY-PRIMARY-SAME-DAY")
    b.emit(u, start, rng.choice(xray, n), mask=(rng.random(n) < 0.25) | xray_bad)
    b.emit(u, start, rng.choice(xray, n), mask=xray_bad, prio=1)
    b.emit(u, start, book.code("2013"), mask=rng.random(n) < 0.05)
    sound = book.many("ultrasound")
    us_bad = b.k(u, "CH-ULTRASOUND-PAIR")
    which = rng.integers(0, len(sound), n)
    b.emit(u, start, sound[which], mask=(rng.random(n) < 0.05) | us_bad)
    b.emit(u, start, sound[1 - which], mask=us_bad, prio=1)
    b.emit(u, start, book.code("1023"), mask=rng.random(n) < 0.08)
    b.emit(u, start, book.code("1027"), mask=rng.random(n) < 0.1)

    # follow-up consultations on distinct later working days
    intro_bad = b.k(u, "CH-TRAINING-INTRO-MAX")
    n_vis = rng.choice(9, n, p=[0.15, 0.15, 0.15, 0.13, 0.12, 0.1, 0.08, 0.07, 0.05])
    n_vis = np.where(intro_bad, np.maximum(n_vis, 3), n_vis)
    visits = _bd(start[:, None], np.cumsum(b.ri(2, 8, (n, 8)), axis=1))
    held = np.arange(8)[None, :] < n_vis[:, None]
    b.emit_matrix(u, visits, rng.choice(follow, (n, 8), p=[0.3, 0.5, 0.2]), held)
    last_visit = np.where(n_vis > 0, visits[np.arange(n), np.maximum(n_vis - 1, 0)], start)
    episode_end = last_visit.copy()

    # supervised training: up to the limit of introductions, then training on later visits
    intro = book.one("training_intro")
    trained = ((n_vis >= 3) & (rng.random(n) < 0.25)) | intro_bad
    n_intro = np.where(trained, np.where((rng.random(n) < 0.4) | intro_bad, 2, 1), 0)
    b.emit_matrix(u, visits, intro, held & (np.arange(8)[None, :] < n_intro[:, None]))
    sup = held & (np.arange(8)[None, :] >= n_intro[:, None]) & trained[:, None]
    b.emit_matrix(u, visits, book.one("supervised_training"), sup & (rng.random((n, 8)) < 0.7))
    b.emit(u, start, intro, mask=intro_bad, prio=1)
    # follow-up training 3010 is billed alone on its day: weekly after the last visit
    alone = book.one("follow_up_training")
    n_alone = np.where(trained & (rng.random(n) < 0.4), b.ri(1, 4, n), 0)
    later = _bd(last_visit[:, None], 5 * np.arange(1, 5)[None, :])
    b.emit_matrix(u, later, alone, np.arange(4)[None, :] < n_alone[:, None])
    episode_end = np.where(
        n_alone > 0, later[np.arange(n), np.maximum(n_alone - 1, 0)], episode_end
    )

    # video / phone consultation on a day between visits
    remote = book.many("remote_consultation")
    j = (rng.random(n) * np.maximum(n_vis, 1)).astype(np.int64)
    remote_day = _bd(np.where(n_vis > 0, visits[np.arange(n), j], start), 1)
    has_remote = rng.random(n) < 0.15
    b.emit(u, remote_day, rng.choice(remote, n), mask=has_remote)
    episode_end = np.where(has_remote, np.maximum(episode_end, remote_day), episode_end)

    conference = book.one("conference")
    modules = book.param("conference_modules_max")
    b.emit(u, start, conference, mask=rng.random(n) < 0.06, qty=b.ri(1, modules, n))

    # deliberate same-day clashes on the exam day (a training package started the same day
    # as the speciale 53 exam is a course of its own start line only: nothing else fires)
    tp_start = np.array([book.one("start", "CTB"), book.one("start", "CTH")])
    b.emit(u, start, rng.choice(tp_start, n), mask=b.k(u, "CH-53-64-SAME-DAY"), prio=1)
    b.emit(u, start, rng.choice(follow, n), mask=b.k(u, "CH-EXAM-SAME-DAY"), prio=1)
    b.emit(u, start, rng.choice(remote, n), mask=b.k(u, "CH-REMOTE-SAME-DAY"), prio=1)
    b.emit(u, start, alone, mask=b.k(u, "CH-TRAINING-SAME-DAY"), prio=1)
    b.emit(
        u,
        start,
        conference,
        mask=b.k(u, "CH-CONFERENCE-MODULES"),
        qty=b.ri(modules + 1, modules + 3, n),
        prio=1,
    )

    # a new first exam months later; its level follows from the gap to the episode's end
    short = book.param("exam_level_short_months")
    long = book.param("exam_level_long_months")
    is_short = rng.random(n) < 0.6
    gap = np.where(is_short, b.ri(60, short * 30 - 30, n), b.ri(short * 31 + 27, long * 25, n))
    again = _bd(episode_end + gap)
    has_again = (rng.random(n) < 0.3) & (again <= _LAST_SERVICE)
    b.emit(u, again, np.where(is_short, book.exam[0], book.exam[1]), mask=has_again)
    revisits = _bd(again[:, None], np.cumsum(b.ri(2, 8, (n, 3)), axis=1))
    b.emit_matrix(
        u,
        revisits,
        rng.choice(follow, (n, 3), p=[0.3, 0.5, 0.2]),
        (np.arange(3)[None, :] < rng.choice(4, n)[:, None])
        & has_again[:, None]
        & (revisits <= _LAST_SERVICE),
    )


# ================================================================================ assembly
def _common_violations(b: _Batch, lines: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Malformed and unknown-code lines, attached to each unit's anchor line."""
    rng = b.rng
    anchor_rows = np.nonzero(lines["anchor"])[0]
    kind = b.kind[lines["u"][anchor_rows]]
    total = len(lines["u"])
    lines["invalid"] = np.zeros(total, dtype=np.int8)
    lines["ignored"] = np.zeros(total, dtype=np.int8)
    ignored = anchor_rows[kind == _K["INPUT-FIELD-IGNORED"]]
    lines["ignored"][ignored] = rng.integers(1, len(_IGNORED_VARIANTS) + 1, len(ignored))

    invalid = anchor_rows[kind == _K["INPUT-INVALID"]]
    unknown = anchor_rows[kind == _K["CODE-UNKNOWN"]]
    src = np.concatenate([invalid, unknown])
    extra = {name: arr[src].copy() for name, arr in lines.items()}
    extra["anchor"][:] = False
    extra["prio"][:] = 1
    extra["invalid"][: len(invalid)] = rng.integers(1, len(_INVALID_VARIANTS) + 1, len(invalid))
    extra["code"][len(invalid) :] = rng.choice(b.book.unknown, len(unknown))
    extra["team"][len(invalid) :] = -1
    return {name: np.concatenate([lines[name], extra[name]]) for name in lines}


def _drop_package_clashes(b: _Batch, lines: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Drop optional package follow-ups that fall on a day with another package line
    (holidays can squeeze the slots together); deliberate lines are kept."""
    pkg = np.nonzero(b.book.is_package[lines["code"]])[0]
    order = np.lexsort((lines["prio"][pkg], lines["day"][pkg], lines["u"][pkg]))
    rows = pkg[order]
    same = np.zeros(len(rows), dtype=bool)
    same[1:] = (lines["u"][rows[1:]] == lines["u"][rows[:-1]]) & (
        lines["day"][rows[1:]] == lines["day"][rows[:-1]]
    )
    drop = rows[same & (lines["prio"][rows] == 2)]
    keep = np.ones(len(lines["u"]), dtype=bool)
    keep[drop] = False
    return {name: arr[keep] for name, arr in lines.items()}


def _make_batch(
    rng: np.random.Generator,
    n_units: int,
    patient_offset: int,
    providers: _Providers,
    violations: float,
    only_type: str | None = None,
) -> tuple[_Batch, dict[str, np.ndarray], int]:
    """Draw patients and units, generate every unit type. Returns batch, lines, patients used."""
    # patients have 1-3 units, each at a different provider (j-th unit: base + j)
    per_patient = rng.choice([1, 2, 3], n_units, p=[0.7, 0.22, 0.08])
    per_patient = per_patient[: np.searchsorted(np.cumsum(per_patient), n_units) + 1]
    local = np.repeat(np.arange(len(per_patient)), per_patient)[:n_units]
    j = np.arange(n_units) - np.repeat(np.cumsum(per_patient) - per_patient, per_patient)[:n_units]
    n_pat = len(per_patient)
    if only_type is None:
        weights = np.array([t[1] for t in _TYPES])
        types = rng.choice(len(_TYPES), n_units, p=weights / weights.sum())
    else:
        types = np.full(n_units, _TYPE_ID[only_type], dtype=np.int64)
    physio = np.isin(types, [_TYPE_ID[t] for t in _PHYSIO_TYPES])
    n_ph = providers.n_physio
    n_ch = len(providers.ids) - n_ph
    base_ph = rng.integers(0, n_ph, n_pat)[local]
    base_ch = rng.integers(0, n_ch, n_pat)[local]
    provider = np.where(physio, (base_ph + j) % n_ph, n_ph + (base_ch + j) % n_ch)
    b = _Batch(rng, types, patient_offset + local, provider, providers, violations)
    for name, _, _ in _TYPES:
        u = np.nonzero(types == _TYPE_ID[name])[0]
        if len(u) == 0:
            continue
        if name in ("PHO", "FILL"):
            _gen_pho(b, u)
        elif name == "LBP":
            _gen_lbp(b, u)
        elif name in ("NRL", "NRC"):
            _gen_nr(b, u, name)
        elif name in ("CPL", "CPC", "CSS"):
            _gen_pkg(b, u, name)
        elif name in ("CTB", "CTH"):
            _gen_tp(b, u, name)
        else:
            _gen_cho(b, u)
    lines = _common_violations(b, b.lines())
    lines = _drop_package_clashes(b, lines)
    return b, lines, n_pat


def _unit_table(b: _Batch) -> dict[str, np.ndarray]:
    return {
        "patient": b.patient,
        "provider": b.provider,
        "cid": b.cid,
        "has_ref": b.has_ref,
        "ref": b.ref,
        "has_birth": b.has_birth,
        "birth": b.birth,
        "has_lvd": b.has_lvd,
        "lvd": b.lvd,
        "qty1": b.qty1,
        "kind": b.kind,
    }


def _generate_chunk(
    rows: int,
    seed: int,
    violations: float,
    chunk: int,
    patient_offset: int,
    total_rows: int,
    annotate: bool = False,
) -> pl.DataFrame:
    if rows < 0:
        raise ValueError("rows must be >= 0")
    if not 0.0 <= violations <= 1.0:
        raise ValueError("violations must be between 0 and 1")
    if rows == 0:
        return pl.DataFrame({c: [] for c in COLUMNS}, schema=dict.fromkeys(COLUMNS, pl.String))
    rng = np.random.default_rng(np.random.SeedSequence([seed, chunk]))
    providers = _providers(seed, total_rows)
    book = _book()

    line_parts: list[dict[str, np.ndarray]] = []
    unit_parts: list[dict[str, np.ndarray]] = []
    have = 0
    units = 0
    patients = patient_offset
    attempt = 0
    while have < rows:
        need = rows - have
        # the final top-up is one-line units, so the row count comes out exact
        small = attempt > 0 and need < 64
        attempt += 1
        n_units = need if small else math.ceil(need / _MEAN_ROWS * 1.08) + 16
        b, lines, n_pat = _make_batch(
            rng,
            n_units,
            patients,
            providers,
            0.0 if small else violations,
            "FILL" if small else None,
        )
        patients += n_pat
        counts = np.bincount(lines["u"], minlength=b.n)
        cum = np.cumsum(counts)
        keep_units = int(np.searchsorted(cum, need, side="right"))
        kept = lines["u"] < keep_units
        lines = {name: arr[kept] for name, arr in lines.items()}
        lines["u"] = lines["u"] + units
        line_parts.append(lines)
        unit_parts.append({k: v[:keep_units] for k, v in _unit_table(b).items()})
        units += keep_units
        have += int(cum[keep_units - 1]) if keep_units else 0
    # every kept unit has a line, so patients and courses stay inside the chunk's slot
    assert patients - patient_offset <= _patient_slot(rows) and units <= rows
    if patients > _PATIENT_SPACE:
        raise ValueError("extract too large for the patient id space")

    lines = {k: np.concatenate([p[k] for p in line_parts]) for k in line_parts[0]}
    unit = {k: np.concatenate([p[k] for p in unit_parts]) for k in unit_parts[0]}
    # course numbers share the patient slot of the chunk: unique across chunks
    unit["course"] = patient_offset + np.arange(units, dtype=np.int64)
    assert len(lines["u"]) == rows
    perm = rng.permutation(rows)
    lines = {k: v[perm] for k, v in lines.items()}
    return _to_frame(lines, unit, providers, book, annotate)


def _patient_slot(rows: int) -> int:
    return 2 * rows + 10_000


def _to_frame(
    lines: dict[str, np.ndarray],
    unit: dict[str, np.ndarray],
    providers: _Providers,
    book: _Book,
    annotate: bool,
) -> pl.DataFrame:
    # Each column is a small table of distinct strings (per unit or per value) gathered by a
    # row index: gathering string views is several times faster than formatting millions of
    # values, and a malformed field is one more table entry, not a copy of the column.
    u = lines["u"].astype(np.int64)
    code = lines["code"].astype(np.int64)
    units = len(unit["patient"])

    def with_empty(values: pl.Series) -> pl.Series:
        return pl.concat([pl.Series([""], dtype=pl.String), values])

    def unit_dates(flag: str, col: str) -> pl.Series:
        text = pl.Series(unit[col].astype("datetime64[D]")).cast(pl.String)
        return text.zip_with(pl.Series(unit[flag]), pl.Series([""] * units, dtype=pl.String))

    course = pl.Series(unit["course"]).cast(pl.String).str.zfill(8).str.replace(r"^", "K")
    course = with_empty(course)
    cid = unit["cid"][u] & book.is_pathway[code]
    qty = np.where(lines["qty"] >= 0, lines["qty"], np.where(unit["qty1"][u], 1, -1))
    small_ints = with_empty(pl.Series([str(i) for i in range(100)], dtype=pl.String))
    first_day = int(lines["day"].min())
    day_idx = lines["day"].astype(np.int64) - first_day
    days = pl.Series(np.arange(first_day, int(lines["day"].max()) + 1).astype("datetime64[D]"))
    days = days.cast(pl.String)
    columns: dict[str, tuple[pl.Series, np.ndarray]] = {
        "patient_id": (
            pl.Series(_patient_number(unit["patient"])).cast(pl.String).str.zfill(10),
            u,
        ),
        "provider_id": (
            pl.Series(providers.ids[unit["provider"]]).cast(pl.String).str.zfill(6),
            u,
        ),
        "service_date": (days, day_idx),
        "service_code": (pl.Series(book.codes, dtype=pl.String), code),
        "course_id": (course, np.where(cid, u + 1, 0)),
        "referral_date": (unit_dates("has_ref", "ref"), u),
        "birth_date": (unit_dates("has_birth", "birth"), u),
        "last_visit_date": (unit_dates("has_lvd", "lvd"), u),
        "team_size": (small_ints, lines["team"].astype(np.int64) + 1),
        "quantity": (small_ints, qty.astype(np.int64) + 1),
    }
    for flags, variants in (
        (lines["invalid"], _INVALID_VARIANTS),
        (lines["ignored"], _IGNORED_VARIANTS),
    ):
        for column in dict.fromkeys(c for c, _ in variants):
            ids = [i for i, (c, _) in enumerate(variants, start=1) if c == column]
            rows = np.nonzero(np.isin(flags, ids))[0]
            if len(rows) == 0:
                continue
            # date-shaped bad values are derived from the line's own service date
            sub = pl.DataFrame(
                {"src": days.gather(day_idx[rows]), "_v": flags[rows].astype(np.int32)}
            )
            bad = sub.select(_variant_expr(ids, variants)).to_series()
            table, idx = columns[column]
            idx = idx.copy()
            idx[rows] = len(table) + np.arange(len(rows))
            columns[column] = (pl.concat([table, bad]), idx)
    df = pl.DataFrame([table.gather(idx).alias(name) for name, (table, idx) in columns.items()])
    if annotate:
        names = pl.Series(("",) + VIOLATION_RULES, dtype=pl.String)
        df = df.with_columns(
            intended_rule=names.gather(unit["kind"][u]), unit=pl.Series(unit["course"][u])
        )
    return df


def _variant_expr(ids: list[int], variants: tuple[tuple[str, str], ...]) -> pl.Expr:
    """The bad value of variant `_v` (one of `ids`), built from the date string `src`."""
    expr: pl.Expr = pl.lit("")
    for i in ids:
        bad = _bad_value(pl.col("src"), variants[i - 1][1])
        expr = pl.when(pl.col("_v") == i).then(bad).otherwise(expr)
    return expr


def _bad_value(col: pl.Expr, how: str) -> pl.Expr:
    """A malformed rendering of an ISO date string column (or a fixed bad value)."""
    y, m, d = col.str.slice(0, 4), col.str.slice(5, 2), col.str.slice(8, 2)
    if how == "unpadded":
        # "2024-2-5"; if month and day both have two digits, a date-time is as unreadable
        plain = pl.concat_str(
            [y, m.cast(pl.Int32).cast(pl.String), d.cast(pl.Int32).cast(pl.String)], separator="-"
        )
        return pl.when((m < "10") | (d < "10")).then(plain).otherwise(col + "T00:00")
    if how == "feb30":
        return y + "-02-30"
    if how == "time":
        return col + "T00:00"
    if how == "dmy":
        return pl.concat_str([d, m, y], separator="-")
    if how == "compact":
        return col.str.replace_all("-", "", literal=True)
    if how == "slash":
        return col.str.replace_all("-", "/", literal=True)
    if how == "empty":
        return pl.lit("")
    return pl.lit(how)


# ================================================================================ public API
def generate(
    rows: int, seed: int = 0, violations: float = 0.02, *, annotate: bool = False
) -> pl.DataFrame:
    """A synthetic extract of exactly `rows` lines, all columns strings in formats.md order.

    Same arguments, same frame. `violations` is the share of units (one patient at one
    provider) that carry one deliberate violation; 0 gives an extract meant to audit clean.
    `annotate=True` appends `intended_rule`, the rule the row's unit was built to break (or
    ""), and `unit`, the unit's number (one patient at one provider; unique in the extract).
    """
    return _generate_chunk(rows, seed, violations, 0, 0, rows, annotate)


def _chunks(rows: int, seed: int, violations: float, chunk_rows: int) -> Iterator[pl.DataFrame]:
    if chunk_rows <= 0:
        raise ValueError("chunk_rows must be positive")
    for chunk, first in enumerate(range(0, max(rows, 1), chunk_rows)):
        size = min(chunk_rows, rows - first)
        yield _generate_chunk(
            size, seed, violations, chunk, chunk * _patient_slot(chunk_rows), rows
        )


def _kind_of(path: Path) -> str:
    name = path.name.lower()
    for suffix in (".csv.gz", ".csv", ".parquet"):
        if name.endswith(suffix):
            return suffix
    raise ValueError(f"{path}: unsupported extension (use .csv, .csv.gz or .parquet)")


def _write_csv(df: pl.DataFrame, out: IO[bytes], header: bool, gz: bool) -> None:
    """CSV with an empty field as nothing between the commas, as in a real extract.

    Polars quotes empty strings; unquoted output is only safe when no value needs quoting,
    which holds for generated frames (checked, with a null-based fallback). Polars' gzip
    writes a zero mtime and no name, so the bytes depend on the data only; chunks become
    gzip members one after another, which every gzip reader reads as one stream.
    """
    compression: Literal["gzip", "uncompressed"] = "gzip" if gz else "uncompressed"
    needs_quotes = df.select(
        pl.any_horizontal(pl.col(pl.String).str.contains_any([",", '"', "\n", "\r"]).any())
    ).item()
    if needs_quotes:
        df.with_columns(pl.col(pl.String).replace("", None)).write_csv(
            out, include_header=header, compression=compression
        )
    else:
        df.write_csv(out, include_header=header, quote_style="never", compression=compression)


class _Sink:
    """Writes frames one after another into one .csv, .csv.gz or .parquet file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = _kind_of(path)
        self.first = True
        self._file: IO[bytes] | None = None
        self._parquet: Any = None

    def write(self, df: pl.DataFrame) -> None:
        if self.kind == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = df.to_arrow()
            table = table.cast(pa.schema([(n, pa.string()) for n in table.column_names]))
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(str(self.path), table.schema, compression="zstd")
            self._parquet.write_table(table)
            return
        if self._file is None:
            self._file = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        _write_csv(df, self._file, self.first, gz=self.kind == ".csv.gz")
        self.first = False

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        if self._file is not None:
            self._file.close()


def write_extract(df: pl.DataFrame, path: str | Path) -> None:
    """Write `df` as CSV (header, comma, UTF-8), gzip'ed CSV or Parquet, by the file suffix."""
    sink = _Sink(Path(path))
    try:
        sink.write(df)
    finally:
        sink.close()


def write_synth(
    rows: int,
    path: str | Path,
    seed: int = 0,
    violations: float = 0.02,
    chunk_rows: int = 2_000_000,
) -> None:
    """Generate `rows` lines chunk by chunk (bounded memory) straight into `path`.

    Each chunk has its own patients and its own seed derived from `seed`; the providers are
    shared. With rows <= chunk_rows the file equals `write_extract(generate(rows, seed,
    violations), path)`. Same arguments, byte-identical file.
    """
    sink = _Sink(Path(path))
    try:
        for df in _chunks(rows, seed, violations, chunk_rows):
            sink.write(df)
    finally:
        sink.close()
