"""Numbers people read: coordinates rounded to the plot, round axis ticks."""

from segwidgets.core.text import format_coordinate, nice_ticks


def test_a_coordinate_is_rounded_to_what_its_plot_can_show():
    assert format_coordinate(1.29e-16, 10) == "0.0"
    assert format_coordinate(-1e-17, 10) == "0.0"  # never "-0.0"
    assert format_coordinate(-3.9149, 10) == "-3.9"
    assert format_coordinate(0.123456, 5) == "0.12"
    assert format_coordinate(3012.4, 4000) == "3012"
    assert format_coordinate(0.5, 0) == "0.50"


def test_ticks_are_round_and_reach_the_top():
    assert nice_ticks(9170) == [0, 2500, 5000, 7500, 10000]
    assert nice_ticks(6110) == [0, 2000, 4000, 6000, 8000]
    assert nice_ticks(450) == [0, 200, 400, 600]
    assert nice_ticks(0) == [0.0, 1.0]
    for top in (0.37, 3.3, 598.3, 56_732_403.0):
        ticks = nice_ticks(top)
        assert ticks[0] == 0 and ticks[-1] >= top and 3 <= len(ticks) <= 7
        assert all(float(t).is_integer() or top < 10 for t in ticks)
