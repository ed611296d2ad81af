"""Vectorised per-group operations on arrays sorted by a group key.

The engine sorts service lines once and then answers every "per course", "per patient at a
provider" and "same day" question with these O(n) numpy helpers instead of a Python loop.
A *segmentation* is a boolean array `starts` (True where a new group begins) over sorted data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.integer[Any]]


class Segments:
    """Groups of consecutive equal keys in a sorted array."""

    __slots__ = ("first", "id", "n", "size")

    def __init__(self, starts: BoolArray) -> None:
        # 32-bit ids and sizes: these arrays are as long as the extract
        self.first: IntArray = np.flatnonzero(starts).astype(np.int32)
        self.id: IntArray = np.cumsum(starts, dtype=np.int32)
        self.id -= 1
        self.n = len(self.first)
        self.size: IntArray = np.diff(np.append(self.first, len(starts))).astype(np.int32)

    @classmethod
    def of(cls, *keys: npt.NDArray[np.generic]) -> Segments:
        """Segments of the runs where all `keys` stay equal."""
        n = len(keys[0]) if keys else 0
        starts = np.zeros(n, dtype=bool)
        if n:
            starts[0] = True
            for k in keys:
                starts[1:] |= k[1:] != k[:-1]
        return cls(starts)

    def cumcount(self, mask: BoolArray) -> IntArray:
        """Running count of `mask` within each group, including the current element."""
        if not len(mask):
            return np.zeros(0, dtype=np.int64)
        cs = np.cumsum(mask, dtype=np.int64)
        before = cs[self.first] - mask[self.first]
        return cs - before[self.id]

    def min_where(self, values: IntArray, mask: BoolArray, empty: int) -> IntArray:
        """Per-group minimum of `values` where `mask`, `empty` where none (one value per group)."""
        if not self.n:
            return np.zeros(0, dtype=np.int64)
        return np.minimum.reduceat(np.where(mask, values, empty), self.first)


def rank_in_runs(*keys: npt.NDArray[np.generic]) -> npt.NDArray[np.int64]:
    """1-based position of each element within its run of equal consecutive keys."""
    seg = Segments.of(*keys)
    return np.arange(len(keys[0]), dtype=np.int64) - seg.first[seg.id] + 1
