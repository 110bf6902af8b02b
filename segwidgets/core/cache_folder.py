"""A folder of this user's cache, shared by every kernel of a machine: checked before it is used,
its entries opened only when they are this user's own, and kept within a size budget.

The table cache (:mod:`segwidgets.core.table_cache`) and the UMAP map cache
(:mod:`segwidgets.core.map_cache`) both keep their entries this way.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def private_folder(folder: Path) -> str | None:
    """Make ``folder`` (``0700``) if it is missing; None when it is a folder of this user's that
    nobody else may write in, else why not (for the log). A cache uses a folder only then: an
    entry planted by somebody else would be read as this user's own."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as exc:
        return f"it cannot be created ({exc.strerror or exc})"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    if info.st_uid != os.geteuid():
        return "it belongs to another user"
    if info.st_mode & 0o022:
        return "others may write in it"
    return None


def open_own(path: Path) -> int:
    """A read-only descriptor of the entry ``path``, opened without following a link and only
    when it is a regular file of this user's that nobody else may write (the caller closes it).

    Raises:
        FileNotFoundError: there is no such entry.
        OSError: it cannot be opened.
        ValueError: it is not a file of this user's that only they may write.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        os.close(fd)
        raise ValueError("not a file of this user's that only they may write")
    return fd


def entries(folder: Path, pattern: str) -> list[tuple[float, int, Path]]:
    """(last used, bytes, path) of the entries matching ``pattern``, least recently used first
    (a cache marks an entry used with :func:`os.utime` when it reads it)."""
    found = []
    for path in folder.glob(pattern):
        with contextlib.suppress(OSError):
            info = path.lstat()
            found.append((info.st_mtime, info.st_size, path))
    return sorted(found)


def evict(folder: Path, pattern: str, budget: int, keep: Path | None = None) -> list[Path]:
    """Remove the least recently used entries matching ``pattern`` until they hold at most
    ``budget`` bytes (never ``keep``). Returns those removed."""
    found = entries(folder, pattern)
    total = sum(size for _, size, _ in found)
    removed = []
    for _, size, path in found:
        if total <= budget:
            break
        if path == keep:
            continue
        with contextlib.suppress(OSError):
            path.unlink()  # a process that maps it keeps its pages until it lets go
            removed.append(path)
            total -= size
    return removed
