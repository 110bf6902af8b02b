"""Declared constraints on settings, checked with a message in plain words.

The analogue of scikit-learn's ``_parameter_constraints``: a setting is
declared once with a constraint object, and every place that accepts the
setting (the model's traits, :class:`~segwidgets.core.spec.SegmentationSpec`,
a link, an algorithm's parameters) calls the same ``check``. A constraint
normalises what it accepts (``"5"`` from a link becomes ``5``) and raises
:class:`~segwidgets.errors.SegwidgetsValueError` for what it refuses, naming
the setting, the allowed range and the value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import SegwidgetsValueError
from .text import BIDI_CONTROLS, plain_text  # noqa: F401 - where names are tidied


#: Longest segment name, in characters (a person's, and one a hand edit gives).
MAX_NAME_LENGTH = 80


def short(value: Any) -> str:
    """``repr`` of a value for a message, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def saveable(what: str, value: str) -> str:
    """``value`` if it can be saved (UTF-8 encodable), else a plain error."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise SegwidgetsValueError(f"{what} contains characters that cannot be saved.") from None
    return value


class Constraint:
    """What a setting accepts. ``check(label, value)`` returns the normalised value."""

    def check(self, label: str, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Whole(Constraint):
    """A whole number in ``[low, high]``; text of digits (from a link) is read as one."""

    low: int
    high: int

    def describe(self) -> str:
        return f"a whole number from {self.low} to {self.high}"

    def check(self, label: str, value: Any) -> int:
        original = value
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                value = original
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            shown = value if isinstance(value, int) and not isinstance(value, bool) else original
            raise SegwidgetsValueError(f"{label} must be {self.describe()}, not {short(shown)}.")
        return value


@dataclass(frozen=True)
class OneOf(Constraint):
    """One of a fixed set of words."""

    options: tuple[str, ...]

    def describe(self) -> str:
        if len(self.options) == 1:
            return repr(self.options[0])
        return f"one of {', '.join(self.options)}"

    def check(self, label: str, value: Any) -> str:
        if not isinstance(value, str) or value not in self.options:
            raise SegwidgetsValueError(f"{label} must be {self.describe()}, not {short(value)}.")
        return value


@dataclass(frozen=True)
class Flag(Constraint):
    """Yes or no; ``1``/``0``, ``true``/``false``, ``yes``/``no``, ``on``/``off`` as text."""

    def describe(self) -> str:
        return "yes or no (1 or 0)"

    def check(self, label: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise SegwidgetsValueError(f"{label} must be {self.describe()}, not {short(value)}.")


@dataclass(frozen=True)
class Either(Constraint):
    """Any of several constraints (the first that accepts the value wins)."""

    choices: tuple[Constraint, ...]

    def describe(self) -> str:
        return " or ".join(c.describe() for c in self.choices)

    def check(self, label: str, value: Any) -> Any:
        for choice in self.choices:
            try:
                return choice.check(label, value)
            except SegwidgetsValueError:
                continue
        raise SegwidgetsValueError(f"{label} must be {self.describe()}, not {short(value)}.")


@dataclass(frozen=True)
class Nothing(Constraint):
    """``None`` (in a link: ``null``): "not set"."""

    def describe(self) -> str:
        return "empty (null)"

    def check(self, label: str, value: Any) -> None:
        if value is None:
            return None
        raise SegwidgetsValueError(f"{label} must be {self.describe()}, not {short(value)}.")


@dataclass(frozen=True)
class Columns(Constraint):
    """A list of distinct, non-empty column names (duplicates dropped, order kept)."""

    most: int

    def describe(self) -> str:
        return f"a list of at most {self.most} column names"

    def check(self, label: str, value: Any) -> list[str]:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise SegwidgetsValueError(f"{label} must be a list of column names.")
        if len(value) > self.most:
            raise SegwidgetsValueError(f"{label} must be at most {self.most} column names, not {len(value)}.")
        for item in value:
            if not isinstance(item, str) or not item:
                raise SegwidgetsValueError(
                    f"Every feature must be a column name (non-empty text), not {short(item)}."
                )
            saveable(f"The feature name {item!r}", item)
        return list(dict.fromkeys(value))


@dataclass(frozen=True)
class SegmentNames(Constraint):
    """Segment id -> name: ids whole numbers in ``[0, most_id]``, names text of at most
    ``longest`` characters, kept as written but for control and bidi-override characters,
    which are dropped (:func:`plain_text`; :meth:`tidy` is what a model shows)."""

    longest: int
    most_id: int

    def describe(self) -> str:
        return f"segment numbers (0 to {self.most_id}) with names of at most {self.longest} characters"

    def check(self, label: str, value: Any) -> dict[int, str]:
        if not hasattr(value, "items"):
            raise SegwidgetsValueError("names must map segment numbers to names.")
        ids = Whole(0, self.most_id)
        out: dict[int, str] = {}
        for key, name in value.items():
            segment = ids.check("A segment number", key)
            if not isinstance(name, str):
                raise SegwidgetsValueError(f"The name of segment {segment} must be text, not {short(name)}.")
            name = plain_text(saveable(f"The name of segment {segment}", name))
            if len(name) > self.longest:
                raise SegwidgetsValueError(
                    f"The name of segment {segment} is longer than {self.longest} characters. A name can be at most "
                    f"{self.longest} characters long."
                )
            out[segment] = name
        return out

    @staticmethod
    def tidy(names: dict[int, str]) -> dict[int, str]:
        """Control and bidi characters dropped, runs of white space made single; empty names
        dropped (they restore the generated one)."""
        tidied = {i: " ".join(plain_text(name).split()) for i, name in names.items()}
        return {i: name for i, name in tidied.items() if name}


@dataclass(frozen=True)
class SegmentIds(Constraint):
    """Distinct segment ids in ``[0, most_id]``, at most ``most`` of them."""

    most: int
    most_id: int

    def describe(self) -> str:
        return f"a list of distinct segment numbers from 0 to {self.most_id}"

    def check(self, label: str, value: Any) -> list[int]:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise SegwidgetsValueError(f"{label} must be a list of segment numbers.")
        ids = [Whole(0, self.most_id).check("A segment number", i) for i in value]
        if len(set(ids)) != len(ids) or len(ids) > self.most:
            raise SegwidgetsValueError(f"{label} must be distinct segment numbers.")
        return ids


@dataclass(frozen=True)
class Settings(Constraint):
    """Algorithm settings: names are text; a name in ``known`` is checked by its constraint;
    any other value must be a number, yes/no, text or empty (it reaches no algorithm)."""

    known: tuple[tuple[str, Constraint, str], ...]  # (name, constraint, label in messages)

    def describe(self) -> str:
        return "a mapping of setting names to values"

    def check(self, label: str, value: Any) -> dict[str, Any]:
        if not hasattr(value, "items"):
            raise SegwidgetsValueError(f"{label} must be a mapping of setting names to values.")
        known = {name: (constraint, what) for name, constraint, what in self.known}
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise SegwidgetsValueError(f"Algorithm setting names must be text, not {short(key)}.")
            saveable(f"The algorithm setting name {key!r}", key)
            if key in known:
                constraint, what = known[key]
                item = constraint.check(what, item)
            elif not isinstance(item, (int, float, str, bool, type(None))):
                raise SegwidgetsValueError(
                    f"Algorithm setting {key!r} must be a number, yes/no or text, not {short(item)}."
                )
            elif isinstance(item, float) and not math.isfinite(item):
                raise SegwidgetsValueError(f"Algorithm setting {key!r} must be a finite number, not {item}.")
            elif isinstance(item, str):
                saveable(f"Algorithm setting {key!r}", item)
            out[key] = item
        return out


@dataclass(frozen=True)
class ColumnRoles(Constraint):
    """Column name -> a role a person gave it (one of ``options``), at most ``most`` columns.

    A role is given as its word (``"categorical"``) or as a ``Role`` member; ``"auto"``
    (the inferred role) drops the entry, so ``{}`` means "every column as inferred".
    """

    options: tuple[str, ...]
    most: int

    def describe(self) -> str:
        return f"a mapping of column names to one of {', '.join(self.options)}"

    def check(self, label: str, value: Any) -> dict[str, str]:
        if not hasattr(value, "items"):
            raise SegwidgetsValueError(f"{label} must map column names to roles, such as "
                                       "{'region': 'categorical'}.")
        if len(value) > self.most:
            raise SegwidgetsValueError(f"{label} can name at most {self.most} columns, not {len(value)}.")
        out: dict[str, str] = {}
        for column, role in value.items():
            if not isinstance(column, str) or not column:
                raise SegwidgetsValueError(f"A column's role needs a column name (text), not {short(column)}.")
            saveable(f"The column name {column!r}", column)
            word = str(getattr(role, "value", role)).strip().lower() if isinstance(role, str) else role
            if word == "auto":
                continue
            if not isinstance(word, str) or word not in self.options:
                raise SegwidgetsValueError(
                    f"The role of column {column!r} must be one of {', '.join(self.options)} "
                    f"(or auto), not {short(role)}."
                )
            out[column] = word
        return out


def _written(text: str, *, lines: bool) -> str:
    """Text a person wrote, kept as written but for bidi controls and control characters
    (:func:`~segwidgets.core.text.plain_text`; with ``lines``, line breaks stay)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ("\n".join(map(plain_text, text.split("\n"))) if lines else plain_text(text)).strip()


@dataclass(frozen=True)
class Text(Constraint):
    """Text a person writes for a report (a title, an introduction): at most ``longest``
    characters; line breaks kept only when ``lines``; control and bidi characters dropped."""

    longest: int
    lines: bool = False

    def describe(self) -> str:
        return f"text of at most {self.longest:,} characters"

    def check(self, label: str, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise SegwidgetsValueError(f"{label} must be text, not {short(value)}.")
        value = _written(saveable(label, value), lines=self.lines)
        if len(value) > self.longest:
            raise SegwidgetsValueError(f"{label} is {len(value):,} characters long; it can be at most "
                                       f"{self.longest:,}.")
        return value


@dataclass(frozen=True)
class SegmentTexts(Constraint):
    """Segment id -> text a person wrote about it (a recommendation): ids whole numbers in
    ``[0, most_id]``, each text at most ``longest`` characters (line breaks kept); empty
    texts are dropped."""

    longest: int
    most_id: int

    def describe(self) -> str:
        return f"segment numbers (0 to {self.most_id}) with texts of at most {self.longest:,} characters"

    def check(self, label: str, value: Any) -> dict[int, str]:
        if not hasattr(value, "items"):
            raise SegwidgetsValueError(f"{label} must map segment numbers to text.")
        ids = Whole(0, self.most_id)
        out: dict[int, str] = {}
        for key, text in value.items():
            segment = ids.check("A segment number", key)
            text = Text(self.longest, lines=True).check(f"The {label} of segment {segment}", text)
            if text:
                out[segment] = text
        return out
