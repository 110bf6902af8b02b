"""Where a served app may read data: regular files inside one configured data folder.

A saved report (a spec) names its data in ``source``. Anyone who can put a spec
in the specs folder, or edit one, chooses that text, so a served report reads a
source only when it is

- a bundled dataset's name (``segwidgets.datasets.list_datasets()``), or
- a relative name (``customers.csv``, ``2024/q3.parquet``): no ``..`` part, no
  NUL, no drive (``C:``) and no URL (``http://``), whose real path (symlinks
  resolved) is inside the data folder and is a regular file (no folder, device,
  FIFO or socket) no larger than the limit. An absolute path (what
  ``Segmentation.save`` writes) is read as such a name only when it lies inside
  the data folder; any other absolute path is refused.

Everything else is refused with a message that names no path of the server;
what was refused, and why, goes to the log.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..errors import SegwidgetsDataError
from .text import format_megabytes

log = logging.getLogger("segwidgets.confine")

#: What every refusal of a source outside the data folder says.
NOT_IN_FOLDER = "This report's data is not in the server's data folder."
NOT_A_FILE = ("This report's data is not an ordinary file (it is a folder, a device or a pipe), "
              "so the report cannot show it.")
NO_FOLDER = "This server's data folder is missing, so no report can read its data."
#: Longest source name accepted, in characters.
MAX_NAME_CHARS = 1024
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # http:, file:, C: ...


class DataNotAllowed(SegwidgetsDataError):
    """A report's data source the server will not read; the message names no path."""


def _refuse(message: str, why: str, source: object, folder: object) -> DataNotAllowed:
    log.warning("refused data source %r (data folder %r): %s", source, str(folder), why)
    return DataNotAllowed(message)


def resolve_data(source: str, folder: str | os.PathLike, *, max_bytes: int) -> Path:
    """The real path of ``source``, a regular file inside ``folder``, or a plain-words refusal.

    A bundled dataset's name is accepted as it is (its file is returned). The size is
    checked against ``max_bytes`` here; the reader checks again on the descriptor it reads
    (:func:`segwidgets.core.io.read_table` with ``max_bytes``), since a file may change
    between the two.

    Raises:
        DataNotAllowed: the source is not a name inside the folder, is missing, is not a
            regular file or is larger than ``max_bytes``; the message names no path.
    """
    from .. import datasets

    if isinstance(source, str) and source in datasets.list_datasets():
        return datasets.path(source)
    if not isinstance(source, str) or not source.strip():
        raise _refuse(NOT_IN_FOLDER, "not a name", source, folder)
    if len(source) > MAX_NAME_CHARS:
        raise _refuse(NOT_IN_FOLDER, "name too long", source[:80] + "…", folder)
    if "\x00" in source:
        raise _refuse(NOT_IN_FOLDER, "NUL in the name", source, folder)
    if source.startswith("/") and ".." not in PurePosixPath(source).parts:
        # a spec saved by Segmentation.save names its file by its absolute path: accepted
        # only when that path is inside the data folder, then read like a name in it
        try:
            inside = Path(source).relative_to(Path(folder).resolve(strict=True))
        except (ValueError, OSError, RuntimeError):
            raise _refuse(NOT_IN_FOLDER, "an absolute path outside the folder", source, folder) from None
        source = str(inside)
    if source.startswith(("/", "\\", "~")) or os.path.isabs(source):
        raise _refuse(NOT_IN_FOLDER, "an absolute path", source, folder)
    if _SCHEME.match(source) or "://" in source:
        raise _refuse(NOT_IN_FOLDER, "a drive or a URL", source, folder)
    windows = PureWindowsPath(source)
    if windows.drive or windows.root or ".." in windows.parts or ".." in PurePosixPath(source).parts:
        raise _refuse(NOT_IN_FOLDER, "a '..' part, a drive or a root", source, folder)
    try:
        root = Path(folder).resolve(strict=True)
    except (OSError, RuntimeError, ValueError, TypeError):
        raise _refuse(NO_FOLDER, "the data folder does not exist", source, folder) from None
    if not root.is_dir():
        raise _refuse(NO_FOLDER, "the data folder is not a folder", source, folder)
    try:
        real = (root / source).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # missing, a loop of links, a name too long
        raise _refuse(NOT_IN_FOLDER, "no such file in the folder", source, folder) from None
    if real == root or not real.is_relative_to(root):
        raise _refuse(NOT_IN_FOLDER, f"its real path {str(real)!r} is outside the folder", source, folder)
    try:
        info = os.stat(real)
    except OSError:
        raise _refuse(NOT_IN_FOLDER, "cannot stat the file", source, folder) from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(NOT_A_FILE, f"not a regular file (mode {info.st_mode:o})", source, folder)
    if info.st_size > max_bytes:
        raise _refuse(f"This report's data file is larger than the limit of "
                      f"{format_megabytes(max_bytes, round_down=True)}.",
                      f"{info.st_size} bytes > {max_bytes}", source, folder)
    return real

