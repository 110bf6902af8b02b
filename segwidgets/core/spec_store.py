"""Saved specs: resolve one by name inside one configured folder (and nowhere else), read one.

A report link says ``?spec=NAME``. Anyone can edit a link, so the name is a
plain word (letters, digits, ``-`` and ``_``); the file is ``NAME.json`` in
the specs folder, and its real path (symlinks resolved) must still be inside
that folder. Anything else is refused with a message that names no path.
"""

from __future__ import annotations

import errno
import logging
import os
import re
from pathlib import Path

from ..errors import SegwidgetsValueError
from .constraints import short
from .spec import SegmentationSpec

log = logging.getLogger("segwidgets.specs")

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


def read_spec(path: str | os.PathLike, *, max_bytes: int | None = None) -> SegmentationSpec:
    """The spec saved at ``path``, or a plain error naming only the file (details to the log).

    ``max_bytes`` refuses a larger file without reading past the limit (a served report's
    spec, :data:`MAX_SPEC_BYTES`)."""
    try:
        text = os.fspath(path)
        if isinstance(text, bytes):
            text = os.fsdecode(text)
        name = short(Path(text).name or text)
    except (TypeError, ValueError):
        raise SegwidgetsValueError("Give the path of a saved spec (a .json file).") from None
    if "\x00" in text:
        raise SegwidgetsValueError("The file name contains a NUL character (\\x00); check the name.")
    try:
        with open(text, "rb") as handle:
            raw = handle.read(-1 if max_bytes is None else max_bytes + 1)
    except FileNotFoundError:
        raise SegwidgetsValueError(f"There is no spec file {name}; check the name and folder.") from None
    except IsADirectoryError:
        raise SegwidgetsValueError(f"{name} is a folder, not a spec file; give the .json file in it.") from None
    except PermissionError:
        raise SegwidgetsValueError(f"There is no permission to read the spec file {name}.") from None
    except OSError as exc:
        log.warning("could not read spec %r: %s", text, exc)
        if exc.errno == errno.ENAMETOOLONG:
            raise SegwidgetsValueError("The spec's file name or folder path is too long.") from None
        raise SegwidgetsValueError(f"The spec file {name} could not be read.") from None
    if max_bytes is not None and len(raw) > max_bytes:
        raise SegwidgetsValueError(f"{name} is too large to be a saved spec.")
    try:
        return SegmentationSpec.from_json(raw)
    except SegwidgetsValueError as exc:
        raise SegwidgetsValueError(f"{name} is not a spec segwidgets can read: {exc}") from None
