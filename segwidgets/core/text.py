"""Values as text for people: one way each to escape, count, share, round and time.

Pure functions (no widgets), so core's sentences and the views' HTML write the
same value the same way; :mod:`segwidgets.widgets._base` re-exports them for
the views.
"""

from __future__ import annotations

import html
import math

#: What a view shows where there is no number (missing, NaN or infinite).
NO_NUMBER = "–"


#: Characters that change how text reads without being seen: bidi embeddings, overrides and
#: isolates (U+202A–U+202E, U+2066–U+2069) and the directional marks (U+200E, U+200F).
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F))


#: What :func:`plain_text` does to each character it changes: controls that are white space
#: (tab, line breaks) become a space, other controls and the bidi controls go.
_PLAIN = {code: (" " if chr(code).isspace() else None)
          for code in (*range(0x20), *range(0x7F, 0xA0), *map(ord, BIDI_CONTROLS))}


def plain_text(text: str) -> str:
    """``text`` without bidi controls and C0/C1 control characters (a tab, a line break and
    other control white space become a space), so a name reads as what it is."""
    return text.translate(_PLAIN)


def escape(text: object) -> str:
    """Any value as HTML text a person reads as what it is: quotes escaped
    (``escape("<b>") == "&lt;b&gt;"``), control and bidi-override characters left out
    (:func:`plain_text`: a column named ``"\u202egnp.exe"`` shows as ``"gnp.exe"``)."""
    return html.escape(plain_text(str(text)), quote=True)


def format_number(value: float | None, *, trim: bool = False) -> str:
    """A number as people read it: ``1,234`` / ``123`` / ``12.3`` / ``1.23`` / ``0.123`` / ``0.00123``.

    About three significant digits, never fewer than the whole part; ``"–"``
    when there is no number. ``trim`` drops trailing zeros (``"1.5"``, ``"7"``
    rather than ``"1.50"``, ``"7.00"``): for a number in a sentence, where a
    table keeps them to line its column up.
    """
    if value is None:
        return NO_NUMBER
    value = float(value)
    if not math.isfinite(value):
        return NO_NUMBER
    magnitude = abs(value)
    if magnitude == 0:
        return "0"
    if magnitude >= 1e15:
        return f"{value:.2e}"
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude >= 1:
        text = f"{value:.2f}"
    elif magnitude >= 0.001:
        return f"{value:.3g}"
    else:
        return f"{value:.2g}"
    return text.rstrip("0").rstrip(".") if trim else text


def format_count(n: float) -> str:
    """A whole number with thousands separators: ``7050 -> "7,050"``."""
    return f"{int(round(n)):,}"


def format_share(share: float, decimals: int = 0) -> str:
    """A share of 1 as a percentage: ``0.175 -> "18%"``, with ``decimals=1`` ``"17.5%"``."""
    return f"{share:.{decimals}%}"


def format_significant(value: float, digits: int = 3) -> str:
    """A float to ``digits`` significant digits: ``0.012345 -> "0.0123"``, ``12345.6 -> "1.23e+04"``."""
    return f"{value:.{digits}g}"


def format_seconds(seconds: float, decimals: int = 2) -> str:
    """A duration: ``1.234 -> "1.23 s"``."""
    return f"{seconds:.{decimals}f} s"


def format_megabytes(n_bytes: int, *, round_down: bool = False) -> str:
    """A size in MB with one decimal: ``1_300_000 -> "1.2 MB"``.

    ``round_down`` for a limit, which must never read larger than it is.
    """
    megabytes = n_bytes / 1024 / 1024
    if round_down:
        megabytes = math.floor(megabytes * 10) / 10
    return f"{megabytes:.1f} MB"


def format_coordinate(value: float, span: float) -> str:
    """A coordinate rounded to what a plot of width ``span`` can show (about a thousandth of it):
    ``1.29e-16`` on a span of 10 reads ``"0.0"``, ``3012.4`` on a span of 4,000 reads ``"3012"``."""
    span = abs(float(span))
    decimals = 2 if not math.isfinite(span) or span == 0 else max(0, 2 - math.floor(math.log10(span)))
    text = f"{float(value):.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")  # never "-0.0"
    return text


def nice_ticks(top: float, n: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top``: ``9170 -> [0, 2000, 4000, 6000, 8000, 10000]``
    (steps of 1, 2 or 5 times a power of ten, about ``n`` of them)."""
    top = float(top)
    if not math.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    raw = top / max(int(n), 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def format_bytes(n_bytes: int) -> str:
    """A file size as people read it: ``312 -> "312 bytes"``, ``4_660 -> "4.6 KB"``,
    ``48_000 -> "47 KB"``, ``1_300_000 -> "1.2 MB"`` (never "0 KB")."""
    n_bytes = int(n_bytes)
    if n_bytes < 1024:
        return f"{n_bytes} byte{'' if n_bytes == 1 else 's'}"
    kilobytes = n_bytes / 1024
    if kilobytes < 10:
        return f"{kilobytes:.1f} KB"
    if kilobytes < 1024:
        return f"{kilobytes:.0f} KB"
    return format_megabytes(n_bytes)


def tick_format(low: float, high: float) -> str:
    """A d3 tick format in plain decimals for an axis from ``low`` to ``high``: enough decimals to
    tell the ticks apart and no SI prefixes (a silhouette of 0.8 reads "0.8", not "800m";
    an inertia of 9,170 reads "9,170", not "9.17k")."""
    span = abs(float(high) - float(low))
    if not math.isfinite(span) or span == 0:
        return ",.2~f"
    decimals = max(0, 1 - math.floor(math.log10(span)))
    return f",.{decimals}~f"
