"""Segment identity across refits: ids follow the rows."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from segwidgets.core.matching import match_segments


def test_first_fit_numbers_segments_from_zero():
    m = match_segments(None, np.array([2, 0, 1, 1, -1]), 3)
    assert list(m.ids) == [0, 1, 2]
    assert list(m.labels) == [2, 0, 1, 1, -1]


def test_permuted_labels_keep_their_ids():
    previous = np.array([5, 5, 5, 8, 8, 8, 2, 2, 2])
    raw = np.array([1, 1, 1, 2, 2, 2, 0, 0, 0])
    m = match_segments(previous, raw, 3)
    assert list(m.labels) == list(previous)
    assert m.fresh == [] and m.splits == {} and m.merges == {}


def test_a_split_keeps_the_id_on_the_larger_part_and_reports_it():
    previous = np.array([0] * 6 + [1] * 4)
    raw = np.array([0, 0, 0, 0, 2, 2, 1, 1, 1, 1])
    m = match_segments(previous, raw, 3)
    assert list(m.labels[:4]) == [0] * 4
    assert m.fresh == [2]
    assert m.splits == {0: [0, 2]}


def test_a_merge_is_reported():
    previous = np.array([0] * 4 + [1] * 4 + [2] * 4)
    raw = np.array([0] * 8 + [1] * 4)
    m = match_segments(previous, raw, 2)
    (merged,) = m.merges
    assert sorted(m.merges[merged]) == [0, 1]


def test_reserved_ids_are_never_handed_out_fresh():
    m = match_segments(None, np.array([0, 1, 2]), 3, reserved={0, 2})
    assert sorted(m.ids) == [1, 3, 4]


@given(st.lists(st.integers(0, 5), min_size=1, max_size=200), st.integers(0, 1000))
def test_matching_is_a_relabelling(raw_list, seed):
    raw = np.array(raw_list)
    n_new = int(raw.max()) + 1
    rng = np.random.default_rng(seed)
    previous = rng.integers(0, 4, size=len(raw))
    m = match_segments(previous, raw, n_new)
    assert len(set(m.ids)) == n_new  # one id per segment
    for c in range(n_new):  # rows of one raw segment share one id
        assert set(m.labels[raw == c]) <= {m.ids[c]}
