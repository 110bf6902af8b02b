"""Dozens of segments from a density method: said in words, a setting for fewer, folding."""

from segwidgets.core.many_segments import OTHER, fold_small_segments, many_segments_advice


def sizes(counts):
    return {i: n for i, n in enumerate(counts)}


def test_a_handful_of_segments_needs_no_advice():
    assert many_segments_advice(sizes([500, 300, 200]), 25) is None
    assert many_segments_advice({-1: 9000, **sizes([50] * 12)}, 25) is None  # noise is no segment


def test_dozens_of_segments_are_said_with_the_size_that_gives_fewer():
    counts = [2000, 1500, 900] + [300 - 5 * i for i in range(40)]
    advice = many_segments_advice(sizes(counts), 25)
    assert advice.min_cluster_size == sorted(counts, reverse=True)[11] == 260
    assert advice.message.startswith("43 segments were found")
    assert "Raise the minimum segment size to 260" in advice.message
    # never less than twice the current minimum
    assert many_segments_advice(sizes([30] * 20), 25).min_cluster_size == 50


def test_folding_keeps_the_largest_and_puts_the_rest_in_other():
    counts = {0: 10, 1: 500, 2: 40, 3: 40, 4: 7, -1: 99}
    shown = fold_small_segments(counts, most=3)
    assert shown == {1: 1, 2: 2, 3: OTHER, 0: OTHER, 4: OTHER, -1: -1}
    assert fold_small_segments(counts, most=5) == {s: s for s in counts}
