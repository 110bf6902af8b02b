"""Settings shared by the apps, the command line and the tests.

Plain constants, no imports from the rest of the package.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Largest file a person may upload in the apps. Checked by our own code, with
#: a plain message; the Voila server accepts a little more (see below) so that
#: the check is ours and the connection never drops silently.
UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024

#: tornado's ``websocket_max_message_size`` for the Voila server (default
#: 10 MiB). ``FileUpload`` sends every chosen file in one websocket message,
#: and a message over the limit closes the connection with no word to the user.
WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024 * 1024

#: Where ``segwidgets app`` serves by default.
DEFAULT_IP = "127.0.0.1"
DEFAULT_PORT = 8866

#: Every page visit starts a kernel (about 200 MB) and closing the tab does not
#: end it. The culler shuts down kernels that no open page is connected to once
#: they have been idle this long, checking every ``KERNEL_CULL_INTERVAL_SECONDS``.
KERNEL_CULL_IDLE_SECONDS = 600
KERNEL_CULL_INTERVAL_SECONDS = 60
#: Kernels Voila starts ahead of visitors ("preheated"): each has run the app's
#: notebook up to the point where it waits for the visitor's link, so a page
#: opens without waiting for imports, data and the first fit. 0 turns it off.
KERNEL_POOL_SIZE = 1
#: With more than one preheated kernel (``--visitors N``, for people arriving together), Voila
#: starts the replacement of a kernel a visitor took this many seconds later, not at once: the
#: replacements of eight taken kernels (each importing, reading the table and fitting) took the
#: two cores the eight visitors' pages needed, and made those pages 31x slower than one alone
#: (``benchmarks/load.py``). With one preheated kernel the replacement starts after Voila's own
#: 1 s, ready for the next visitor.
KERNEL_REFILL_SECONDS = 30.0


def refill_seconds(pool_size: int) -> float:
    """Seconds before Voila replaces a preheated kernel a visitor took (see
    :data:`KERNEL_REFILL_SECONDS`)."""
    return KERNEL_REFILL_SECONDS if pool_size > 1 else 1.0

#: A k step of a k-means method on more prepared rows than this shows a provisional result
#: first (a k-means warm-started from the previous centres, marked "provisional" in the status
#: and legend) and the seeded fit replaces it, keeping its ids, names and colours. Up to this
#: many rows the seeded fit is quick enough to wait for (measured: 67 ms on the 7,050-row
#: demo, 0.8 s at 100,000 rows x 20 features on a loaded 2-core machine), so a k step shows
#: one result. ``Segmentation.provisional_rows`` overrides it per model.
PROVISIONAL_ROWS = 250_000

#: Environment variables the apps read.
ENV_DATA = "SEGWIDGETS_DATA"  # absolute path of the table to open
ENV_SPEC = "SEGWIDGETS_SPEC"  # absolute path of a saved segmentation spec (JSON)
ENV_SPECS_DIR = "SEGWIDGETS_SPECS_DIR"  # folder that report links (?spec=NAME) may read
#: The address of the report server a published report's link points to (``--report-url``).
ENV_REPORT_URL = "SEGWIDGETS_REPORT_URL"
#: The folder a served report may read its data from (a spec's ``source`` is a name inside
#: it, or a bundled dataset's name); default: the specs folder itself.
ENV_DATA_DIR = "SEGWIDGETS_DATA_DIR"
ENV_UPLOAD_LIMIT_MB = "SEGWIDGETS_UPLOAD_LIMIT_MB"  # a smaller upload limit for one server
#: "0" stops the explorer app compiling UMAP's numba code in the background when its kernel
#: starts (about 30 s of one core, once per kernel; with preheated kernels, before a visitor).
ENV_UMAP_WARMUP = "SEGWIDGETS_UMAP_WARMUP"
#: Where tables read from a file are kept for the next kernel that reads the same bytes
#: (:mod:`segwidgets.core.table_cache`): a folder; "0" or "off" turns the cache off; unset, the
#: default :func:`cache_dir` ``("tables")``. ``segwidgets app`` and ``report`` set it for their kernels.
ENV_TABLE_CACHE = "SEGWIDGETS_TABLE_CACHE"
#: Where UMAP maps are kept for the next kernel mapping the same rows with the same settings
#: (:mod:`segwidgets.core.map_cache`): a folder; "0" or "off" turns it off; unset, the default
#: :func:`cache_dir` ``("maps")``.
ENV_MAP_CACHE = "SEGWIDGETS_MAP_CACHE"
_OFF = frozenset({"0", "off", "no", "false", "none"})
_ON = frozenset({"", "1", "on", "yes", "true"})


def cache_dir(kind: str, environ=None) -> Path:
    """This user's cache folder for ``kind`` ("numba", "tables"): ``$XDG_CACHE_HOME/segwidgets/KIND``
    (``~/.cache/segwidgets/KIND``), shared by every kernel and server of this user."""
    base = (environ if environ is not None else os.environ).get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "segwidgets" / kind


def chosen_cache_dir(kind: str, variable: str, environ=None) -> Path | None:
    """The folder a cache of ``kind`` uses: the one ``$VARIABLE`` names, else :func:`cache_dir`
    ``(kind)``; None when the variable turns it off ("0", "off")."""
    environ = environ if environ is not None else os.environ
    text = environ.get(variable, "").strip()
    if text.lower() in _OFF:
        return None
    if text.lower() in _ON:
        return cache_dir(kind, environ)
    return Path(text).expanduser()


def table_cache_dir(environ=None) -> Path | None:
    """The folder of the table cache in force (``$SEGWIDGETS_TABLE_CACHE``, else
    :func:`cache_dir` ``("tables")``), or None when it is turned off ("0", "off")."""
    return chosen_cache_dir("tables", ENV_TABLE_CACHE, environ)


def map_cache_dir(environ=None) -> Path | None:
    """The folder of the UMAP map cache in force (``$SEGWIDGETS_MAP_CACHE``, else
    :func:`cache_dir` ``("maps")``), or None when it is turned off ("0", "off")."""
    return chosen_cache_dir("maps", ENV_MAP_CACHE, environ)


def upload_limit_bytes(environ=None) -> int:
    """The upload limit in force: ``$SEGWIDGETS_UPLOAD_LIMIT_MB`` if set and valid, never above
    what the websocket accepts; else :data:`UPLOAD_LIMIT_BYTES`."""
    import os

    text = (environ if environ is not None else os.environ).get(ENV_UPLOAD_LIMIT_MB, "")
    try:
        megabytes = float(text)
    except ValueError:
        return UPLOAD_LIMIT_BYTES
    if not 0 < megabytes:
        return UPLOAD_LIMIT_BYTES
    return min(int(megabytes * 1024 * 1024), WEBSOCKET_MAX_MESSAGE_BYTES - 1024 * 1024)

#: Name of our Voila template (segwidgets/voila_config/voila/templates/segwidgets).
VOILA_TEMPLATE = "segwidgets"
