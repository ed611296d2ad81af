"""The engine's one sort of all lines: grouped by patient+provider, then date, then input order.

The sort packs the top bits of a hash with the date and position into one 64-bit key; pairs
whose hashes share those top bits must still come out exactly grouped and ordered.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forlob.rules.prepare import _order


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 2000), st.integers(0, 2**32 - 1))
def test_lines_come_out_grouped_by_pair_then_date_then_input_order(n, seed):
    rng = np.random.default_rng(seed)
    # few distinct hashes sharing their top bits, so the packed key collides on purpose
    base = rng.integers(0, 2**20, 5, dtype=np.uint64) << np.uint64(44)
    h = (base[rng.integers(0, 5, n)] | rng.integers(0, 4, n).astype(np.uint64)).astype(np.uint64)
    date = rng.integers(19000, 19100, n).astype(np.int64)
    order = _order(h, date)
    expected = np.lexsort((np.arange(n), date, h))
    hs = h[order]
    runs = np.flatnonzero(np.concatenate(([True], hs[1:] != hs[:-1])))
    assert len(runs) == len(np.unique(h)), "a patient+provider pair was split in two"
    for value in np.unique(h):
        assert np.array_equal(order[hs == value], expected[h[expected] == value])
