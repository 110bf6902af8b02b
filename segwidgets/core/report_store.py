"""Published reports: where they go, what they are called, and writing one safely.

A published report is two files in the specs folder that ``segwidgets report
--specs-dir DIR`` serves: ``NAME.json`` (the spec) and ``NAME.parquet`` (the
cells the segmentation was fitted on, as read), which the spec's ``source``
names by file name, with its SHA-256 in ``data_sha256``. A report link is
``<report server>?spec=NAME``.

Where the explorer publishes, and the report server a link points to, are
set by the command line (``segwidgets app --specs-dir DIR --report-url URL``)
through two environment variables; without them reports go to a folder in the
user's data folder (``$XDG_DATA_HOME/segwidgets/reports``, by default
``~/.local/share/segwidgets/reports``) and the link is only ``?spec=NAME``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..errors import SegwidgetsValueError
from ..config import ENV_REPORT_URL, ENV_SPECS_DIR  # the specs folder and the report server's address
from .spec_store import NAME_PATTERN

log = logging.getLogger("segwidgets.publish")



@dataclass(frozen=True)
class Published:
    """What :meth:`Segmentation.publish <segwidgets.session.Segmentation.publish>` wrote.

    Attributes:
        name: the report's name (``?spec=NAME``).
        spec_path: ``NAME.json`` in the specs folder.
        data_path: ``NAME.parquet`` beside it: the rows as read.
        data_sha256: the SHA-256 of the data file, recorded in the spec.
        link: the report's address (``URL?spec=NAME``), or only ``?spec=NAME`` when no report
            server is configured.
    """

    name: str
    spec_path: Path
    data_path: Path
    data_sha256: str
    link: str


def check_name(name: object) -> str:
    """A report name: 1 to 64 letters, digits, ``-`` and ``_`` (starting with a letter or
    digit), so it is a file name and a link at once; anything else refused in words."""
    if not isinstance(name, str) or not name.strip():
        raise SegwidgetsValueError("Give the report a name: letters, digits, '-' and '_', such as q3-review.")
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise SegwidgetsValueError(
            f"{name[:70]!r} cannot be a report name: use 1 to 64 letters, digits, '-' and '_' "
            "(no spaces, dots or slashes), starting with a letter or digit, such as q3-review.")
    return name


def default_specs_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where reports are published: ``$SEGWIDGETS_SPECS_DIR``, else
    ``$XDG_DATA_HOME/segwidgets/reports`` (``~/.local/share/segwidgets/reports``)."""
    env = os.environ if environ is None else environ
    if env.get(ENV_SPECS_DIR):
        return Path(env[ENV_SPECS_DIR]).expanduser()
    base = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "segwidgets" / "reports"


def report_url(environ: Mapping[str, str] | None = None) -> str:
    """The report server's address (``$SEGWIDGETS_REPORT_URL``), or "" if none is set or it is
    not an http(s) address."""
    text = (os.environ if environ is None else environ).get(ENV_REPORT_URL, "").strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        log.warning("ignored %s=%r: not an http(s) address", ENV_REPORT_URL, text)
        return ""
    return text


def report_link(name: str, base: str | None = None) -> str:
    """``base?spec=NAME`` (``base`` defaults to :func:`report_url`)."""
    base = report_url() if base is None else base
    query = f"?spec={quote(check_name(name), safe='')}"
    if not base:
        return query
    return base.split("?", 1)[0].split("#", 1)[0] + query


def write_atomically(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file in the same folder, so a reader
    never sees half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def publish_paths(name: str, folder: str | os.PathLike) -> tuple[Path, Path]:
    """``(NAME.json, NAME.parquet)`` in ``folder`` (created if missing)."""
    root = Path(folder).expanduser()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SegwidgetsValueError(
            f"The reports folder {str(root)!r} could not be created ({exc.strerror or type(exc).__name__}).") from None
    if not root.is_dir():
        raise SegwidgetsValueError(f"{str(root)!r} is not a folder; reports cannot be published there.")
    return root / f"{name}.json", root / f"{name}.parquet"


# ------------------------------------------------------------------------------ the published fit
#: Beside ``NAME.json``: the report's content and every row's segment as published, so the report
#: server shows it without reading the table or refitting, when the spec and data still match.
CACHE_SUFFIX = ".report.json"
#: Largest stored report read back (the labels of a million rows fit well within it).
MAX_CACHE_BYTES = 64 * 1024 * 1024


def cache_path(spec_path: str | os.PathLike) -> Path:
    """``NAME.report.json`` beside ``NAME.json`` (not itself a report name: it has a dot)."""
    spec_path = Path(spec_path)
    return spec_path.with_name(spec_path.stem + CACHE_SUFFIX)


def cache_bytes(spec_bytes: bytes, data_sha256: str, content: dict, labels: list[int]) -> bytes:
    """The stored report: keyed by the SHA-256 of the spec file's bytes and of the data file."""
    import hashlib
    import json

    return json.dumps({"spec_sha256": hashlib.sha256(spec_bytes).hexdigest(), "data_sha256": data_sha256,
                       "content": content, "labels": labels}, ensure_ascii=False).encode("utf-8")


def read_cache(spec_path: str | os.PathLike, spec_bytes: bytes, data_sha256: str | None) -> dict | None:
    """The stored report beside ``spec_path`` if it was stored for exactly these spec bytes and
    this data; None otherwise (missing, too large, damaged, or for another spec or data)."""
    import hashlib
    import json

    path = cache_path(spec_path)
    try:
        if not path.is_file() or path.stat().st_size > MAX_CACHE_BYTES:
            return None
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        log.info("stored report %s unreadable; refitting", path.name)
        return None
    if not isinstance(stored, dict) or data_sha256 is None:
        return None
    if stored.get("spec_sha256") != hashlib.sha256(spec_bytes).hexdigest() or stored.get("data_sha256") != data_sha256:
        log.info("stored report %s is for another spec or data; refitting", path.name)
        return None
    return stored
