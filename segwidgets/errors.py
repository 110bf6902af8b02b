"""One exception family for segwidgets, with messages a marketer can read."""

from __future__ import annotations


class SegwidgetsError(Exception):
    """Base class of every error segwidgets raises on purpose."""


class SegwidgetsValueError(SegwidgetsError, ValueError):
    """A value (a file, a column, a setting) that segwidgets cannot use.

    The message is shown to people as it is: plain words, what went wrong
    and what to do about it.
    """


class SegwidgetsDataError(SegwidgetsValueError):
    """A table that cannot be read or cannot be segmented as asked."""


class SegwidgetsCancelled(SegwidgetsError):
    """Work stopped because a newer request (or a close) made it pointless.

    Never shown to people: whoever asked for the newer work shows its outcome instead.
    """
