"""Resolve a saved spec by name inside one configured folder, and nowhere else.

A report link says ``?spec=NAME``. Anyone can edit a link, so the name is a
plain word (letters, digits, ``-`` and ``_``); the file is ``NAME.json`` in
the specs folder, and its real path (symlinks resolved) must still be inside
that folder. Anything else is refused with a message that names no path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import SegwidgetsValueError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
#: A saved spec is small; anything larger is not one of ours.
MAX_SPEC_BYTES = 1024 * 1024


def resolve_spec(name: str, folder: str | os.PathLike) -> Path:
    """Return the path of spec ``name`` in ``folder`` or raise a plain-words error."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name.removesuffix(".json")):
        raise SegwidgetsValueError(
            "That report name is not valid: use the name of a saved report "
            "(letters, digits, '-' and '_' only)."
        )
    stem = name.removesuffix(".json")
    root = Path(folder).resolve()
    candidate = root / f"{stem}.json"
    try:
        real = candidate.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        raise SegwidgetsValueError(f"There is no saved report called {stem!r}.") from None
    if real.parent != root or not real.is_file():
        raise SegwidgetsValueError(f"There is no saved report called {stem!r}.")
    if real.stat().st_size > MAX_SPEC_BYTES:
        raise SegwidgetsValueError(f"The saved report {stem!r} is too large to be a report.")
    return real


def list_specs(folder: str | os.PathLike) -> list[str]:
    """Names of the saved specs in ``folder`` that :func:`resolve_spec` accepts."""
    root = Path(folder)
    if not root.is_dir():
        return []
    names = []
    for path in sorted(root.glob("*.json")):
        try:
            resolve_spec(path.stem, root)
        except SegwidgetsValueError:
            continue
        names.append(path.stem)
    return names
