"""Segment identity across refits: ids follow the rows."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from segwidgets.core.matching import MIN_OVERLAP, match_segments


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


# ------------------------------------------------------------- invariants of the rule
def jaccard(previous: np.ndarray, old_id: int, raw: np.ndarray, new: int) -> float:
    a, b = previous == old_id, raw == new
    return (a & b).sum() / max((a | b).sum(), 1)


def test_a_one_row_segment_never_takes_a_named_segments_id():
    # two old segments of 50; the refit moves one row of the named segment 0 into a segment
    # of its own. The best one-to-one assignment pairs that 1-row segment with segment 0
    # (Jaccard 1/50): far below the minimum overlap, so it must get a fresh id instead.
    previous = np.array([0] * 50 + [1] * 50)
    raw = np.array([1] + [0] * 99)
    m = match_segments(previous, raw, 2, reserved={0})
    tiny = int(m.ids[1])
    assert tiny != 0 and tiny in m.fresh
    assert m.labels[0] == tiny
    assert 0 not in set(m.labels)  # the name's id is on no rows rather than on the wrong one


def test_a_segment_with_little_overlap_gets_a_fresh_id():
    previous = np.array([0] * 10 + [1] * 90)
    raw = np.array([0] * 1 + [1] * 99)  # new 0 holds 1 row of old 0 (Jaccard 0.1)
    m = match_segments(previous, raw, 2)
    assert jaccard(previous, 0, raw, 0) < MIN_OVERLAP
    assert m.ids[1] == 1  # the big one keeps its id
    assert m.fresh == [int(m.ids[0])]  # the small one is new, not old segment 0 carried over


segmentations = st.integers(1, 6).flatmap(
    lambda n_old: st.tuples(
        st.lists(st.integers(-1, n_old - 1), min_size=2, max_size=120),
        st.integers(1, 6),
        st.integers(0, 2**16),
        st.sets(st.integers(0, 12), max_size=4),
    )
)


@settings(max_examples=300, deadline=None)
@given(segmentations)
def test_an_id_is_inherited_only_with_the_minimum_overlap(case):
    previous_list, n_new, seed, reserved = case
    previous = np.array(previous_list, dtype=np.int64)
    rng = np.random.default_rng(seed)
    # a refit: most rows keep a group that follows the old one, some move, some become noise
    raw = np.where(previous >= 0, previous % n_new, rng.integers(0, n_new, len(previous)))
    moved = rng.random(len(previous)) < rng.uniform(0, 0.6)
    raw[moved] = rng.integers(-1, n_new, int(moved.sum()))
    m = match_segments(previous, raw, n_new, reserved=reserved)
    old_ids = set(previous[previous >= 0].tolist())
    assert len(set(m.ids.tolist())) == n_new  # one distinct id per new segment
    assert set(m.fresh) <= {int(i) for i in m.ids} and len(set(m.fresh)) == len(m.fresh)
    assert not set(m.fresh) & set(reserved)  # an id kept for a name is never handed out fresh
    for c in range(n_new):
        inherited = int(m.ids[c])
        if inherited in m.fresh:
            continue
        # inherited: it was an old segment, and the new one holds at least MIN_OVERLAP of it
        assert inherited in old_ids
        assert jaccard(previous, inherited, raw, c) >= MIN_OVERLAP
    np.testing.assert_array_equal(m.labels[raw < 0], -1)  # no segment stays no segment
    for c in range(n_new):
        assert set(m.labels[raw == c].tolist()) <= {int(m.ids[c])}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1, 7), min_size=1, max_size=150), st.integers(0, 2**16),
       st.sets(st.integers(0, 20), max_size=5))
def test_the_same_partition_keeps_every_id(previous_list, seed, reserved):
    previous = np.array(previous_list, dtype=np.int64)
    present = np.unique(previous[previous >= 0])
    rng = np.random.default_rng(seed)
    numbering = rng.permutation(len(present))  # the refit numbers the same groups differently
    raw = np.full(len(previous), -1, dtype=np.int64)
    for group, number in zip(present, numbering):
        raw[previous == group] = number
    m = match_segments(previous, raw, len(present), reserved=reserved)
    np.testing.assert_array_equal(m.labels, previous)
    assert m.fresh == [] and m.splits == {} and m.merges == {}
