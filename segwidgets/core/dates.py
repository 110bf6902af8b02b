"""Dates read as a person wrote them: one day/month order per column, said when assumed.

``read_dates`` tries the formats whose day and month cannot be confused and
those of ONE order (month first or day first) on a sample; a cell such as
``13/04/2024`` decides the order, and where no cell tells, the order is
assumed and :class:`DateReading` says so with an example. Vectorised: no
per-row parser.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


def _text_values(column: pd.Series) -> pd.Series:
    values = column.dropna()
    return values.astype(str).str.strip()

DATE_SAMPLE = 200
#: Parsed date-times: microseconds reach years 1 to 9999 (nanoseconds stop at 2262).
DATE_DTYPE = "datetime64[us]"
#: Formats whose day and month cannot be confused.
NEUTRAL_DATE_FORMATS = ("ISO8601", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d %b %Y", "%b %d, %Y", "%d %B %Y",
                        "%B %d, %Y")
MONTH_FIRST_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%m-%d-%Y", "%m-%d-%y %H:%M",
                       "%m/%d/%y %H:%M", "%m/%d/%y")
DAY_FIRST_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y",
                     "%d-%m-%Y", "%d-%m-%y %H:%M", "%d/%m/%y %H:%M", "%d/%m/%y", "%d.%m.%y")
#: Every format tried on a sample (vectorised; "mixed" would call dateutil once per row). One
#: column is read with the neutral formats and those of ONE order: month first or day first.
DATE_FORMATS = NEUTRAL_DATE_FORMATS + MONTH_FIRST_FORMATS + DAY_FIRST_FORMATS

@dataclass(frozen=True)
class DateReading:
    """How a date column was read.

    Attributes:
        formats: the formats used, the one that read the most rows first ("ISO8601", "%d/%m/%Y").
        dayfirst: True when read day first, False month first, None when no format used
            depends on the order (ISO dates, "22 Apr 2018").
        assumed: the order was chosen without evidence: no ``dayfirst`` was given and every
            cell reads both ways (no day above 12).
        example: a cell that shows the order ("13/04/2024"), or, when ``assumed``, one that
            could be read either way; None when the order did not matter.
        words: the reading in plain words, e.g. "read day first: 13/04/2024 can only be 13 April 2024".
    """

    formats: tuple[str, ...]
    dayfirst: bool | None
    assumed: bool
    example: str | None
    words: str


def _parse_dates(text: pd.Series, fmt: str) -> pd.Series:
    """``text`` parsed with ``fmt`` as :data:`DATE_DTYPE`; what does not parse is NaT.

    Times with a UTC offset ("2024-01-02T10:00Z", "...+07:00") are converted
    to UTC, so offsets may differ from row to row; years 1 to 9999 are kept.
    """
    parsed = pd.to_datetime(text, errors="coerce", format=fmt, utc=True)
    return parsed.dt.tz_convert(None).astype(DATE_DTYPE)


def _date_formats(sample: pd.Series, formats: tuple[str, ...] = DATE_FORMATS) -> list[str]:
    """Formats of ``formats`` that together read 95% of ``sample`` (files in the wild mix them), or []."""
    chosen: list[str] = []
    parsed = pd.Series(False, index=sample.index)
    for fmt in formats:
        todo = ~parsed
        hits = _parse_dates(sample[todo], fmt).notna()
        if hits.any():
            chosen.append(fmt)
            parsed[hits[hits].index] = True
        if parsed.mean() >= 0.95:
            return chosen
    return []


def _parse_with(text: pd.Series, formats: list[str]) -> tuple[pd.Series, pd.Series]:
    """``text`` parsed with each format in turn; the format that read each row (None: none did)."""
    full = pd.Series(pd.NaT, index=text.index, dtype=DATE_DTYPE)
    by = pd.Series(None, index=text.index, dtype=object)
    for fmt in formats:
        todo = full.isna() & text.notna()
        if not todo.any():
            break
        parsed = _parse_dates(text[todo], fmt)
        full[todo] = parsed
        by[parsed.index[parsed.notna().to_numpy()]] = fmt
    return full, by


def _day_month(stamp: pd.Timestamp) -> str:
    return f"{stamp.day} {stamp:%B %Y}"


def read_dates(column: pd.Series, *, dayfirst: bool | None = None) -> tuple[pd.Series, DateReading] | None:
    """The column parsed as date-times and how, if at least 95% of it parses; else None.

    A column is read with ONE order: ``dayfirst=True`` day first ("03/04/2024" is 3 April),
    ``False`` month first (4 March), None to decide from the column: the order that reads
    more rows ("13/04/2024" can only be day first), month first when nothing tells.
    """
    if pd.api.types.is_datetime64_any_dtype(column):
        return column, DateReading((), None, False, None, "holds dates and times")
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return None
    values = _text_values(column)
    if len(values) == 0:
        return None
    sample = values.sample(min(DATE_SAMPLE, len(values)), random_state=0)
    # A date has a digit and a separator or a month name ("22 Apr 2018"); like the
    # parse itself, 95% of the sample must look like one (a stray "n/a" is allowed).
    looks = sample.str.contains(r"\d", regex=True) & sample.str.contains(r"[-/:.]|[A-Za-z]{3}", regex=True)
    if looks.mean() < 0.95:
        return None
    orders = [dayfirst] if dayfirst is not None else [False, True]
    chosen = {}
    for order in orders:
        formats = _date_formats(sample, NEUTRAL_DATE_FORMATS + (DAY_FIRST_FORMATS if order else MONTH_FIRST_FORMATS))
        if formats:
            chosen[order] = formats
    if not chosen:
        return None
    text = pd.Series(None, index=column.index, dtype=object)
    present = column.notna()
    text[present] = column[present].astype(str).str.strip()  # as in the sample: "2024-01-02 " is a date
    neutral = all(f in NEUTRAL_DATE_FORMATS for formats in chosen.values() for f in formats)
    if neutral:
        chosen = {next(iter(chosen)): next(iter(chosen.values()))}
    parsed = {order: _parse_with(text, formats) for order, formats in chosen.items()}
    best = max(parsed, key=lambda order: (parsed[order][0].notna().sum(), order is False))
    full, by = parsed[best]
    if full.notna().sum() < 0.95 * len(values):
        return None
    counts = by.value_counts()
    used = tuple(str(f) for f in counts.index)
    order_rows = by.isin([f for f in used if f not in NEUTRAL_DATE_FORMATS]).to_numpy()
    if not order_rows.any():
        return full, DateReading(used, None, False, None, "holds dates and times")
    side = "day first" if best else "month first"
    first_example = str(text[order_rows].iloc[0])
    if dayfirst is not None:
        return full, DateReading(used, best, False, first_example, f"holds dates and times, read {side}")
    other = parsed.get(not best)
    tried_all = other is not None
    if other is None:  # the other order reads too little of the column to be tried on all of it:
        # try it on the first rows that need an order ("13/04/2024", "22.04.2018")
        head = text.index[order_rows][:DATE_SAMPLE]
        other_formats = list(NEUTRAL_DATE_FORMATS + (MONTH_FIRST_FORMATS if best else DAY_FIRST_FORMATS))
        other = (_parse_with(text[head], other_formats)[0].reindex(text.index), None)
        order_rows = order_rows & text.index.isin(head)
    decided = order_rows & other[0].isna().to_numpy()
    if decided.any():
        example = str(text[decided].iloc[0])
        words = f"holds dates and times, read {side}: {example} can only be {_day_month(full[decided].iloc[0])}"
        return full, DateReading(used, best, False, example, words)
    if not tried_all:  # the other order failed on the sample: the evidence is further down
        return full, DateReading(used, best, False, first_example, f"holds dates and times, read {side}")
    differ = order_rows & (other[0] != full).to_numpy()
    if not differ.any():  # every date has its day equal to its month: the order changes nothing
        return full, DateReading(used, best, True, first_example, f"holds dates and times, read {side}")
    row = text.index[differ][0]
    example = str(text[row])
    words = (f"holds dates and times, read {side}: nothing in the column tells "
             f"({example} could be {_day_month(full[row])} or {_day_month(other[0][row])})")
    return full, DateReading(used, best, True, example, words)


def datetime_values(column: pd.Series, *, dayfirst: bool | None = None) -> pd.Series | None:
    """The column parsed as date-times if at least 95% of it parses, else None.

    ``dayfirst`` as in :func:`read_dates`: one order for the whole column.
    """
    read = read_dates(column, dayfirst=dayfirst)
    return None if read is None else read[0]


def date_format_of(column: pd.Series, *, dayfirst: bool | None = None) -> str | None:
    """The format that reads most of a date column ("%d/%m/%Y", "ISO8601"), or None.

    Whether it is day first shows in the format (``%d`` before ``%m``); :func:`read_dates`
    also says whether the order was assumed and gives an example cell.
    """
    read = read_dates(column, dayfirst=dayfirst)
    if read is None or not read[1].formats:
        return None
    return read[1].formats[0]
