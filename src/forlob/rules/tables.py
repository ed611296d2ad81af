"""Look-up tables from the catalogue, indexed by the numeric value of a four-digit code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forlob.catalogue import Catalogue

CODE_SPACE = 10_000  # four digits


@dataclass(frozen=True)
class CodeTables:
    pathways: tuple[str, ...]
    known: npt.NDArray[np.bool_]
    pathway: npt.NDArray[np.int8]  # index into `pathways`, -1 for general codes
    start: npt.NDArray[np.bool_]
    target_weeks: npt.NDArray[np.int64]  # -1 when not a status code or given in months
    target_months: npt.NDArray[np.int64]

    @property
    def n_pathways(self) -> int:
        return len(self.pathways)

    @staticmethod
    def of(catalogue: Catalogue) -> CodeTables:
        pathways = tuple(catalogue.pathways)
        known = np.zeros(CODE_SPACE, dtype=bool)
        pathway = np.full(CODE_SPACE, -1, dtype=np.int8)
        start = np.zeros(CODE_SPACE, dtype=bool)
        weeks = np.full(CODE_SPACE, -1, dtype=np.int64)
        months = np.full(CODE_SPACE, -1, dtype=np.int64)
        for c in catalogue.codes.values():
            i = int(c.code)
            known[i] = True
            if c.pathway is not None:
                pathway[i] = pathways.index(c.pathway)
            start[i] = c.is_start
            if c.target is not None:
                weeks[i] = -1 if c.target.weeks is None else c.target.weeks
                months[i] = -1 if c.target.months is None else c.target.months
        return CodeTables(pathways, known, pathway, start, weeks, months)

    def pathway_index(self, ids: Iterable[str]) -> npt.NDArray[np.bool_]:
        """Boolean mask over pathway indices (with a trailing slot for -1 = none)."""
        mask = np.zeros(self.n_pathways + 1, dtype=bool)
        for p in ids:
            mask[self.pathways.index(p)] = True
        return mask


def code_mask(codes: Iterable[str]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(CODE_SPACE, dtype=bool)
    for c in codes:
        mask[int(c)] = True
    return mask
