"""What every segwidgets view shares: built from a model, errors in plain words."""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from traitlets import TraitError

from ..core.text import (  # noqa: F401 - re-exported: the views format text from here
    escape,
    format_bytes,
    format_count,
    format_megabytes,
    format_number,
    format_seconds,
    format_share,
    format_significant,
)
from ..errors import SegwidgetsError
from ..session import Segmentation

log = logging.getLogger("segwidgets.widgets")

F = TypeVar("F", bound=Callable[..., Any])


def plain_words(exc: BaseException) -> str:
    """An error as a person reads it: our own and validation errors as they are, others briefly."""
    if isinstance(exc, (SegwidgetsError, TraitError)):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}: {exc})."


def report_errors(method: F) -> F:
    """Run a view callback; any error becomes the model's status, never a traceback.

    Errors raised in widget callbacks otherwise vanish (DESIGN.md): a person
    would see nothing happen. Validation errors (``TraitError``) and our own
    errors are already plain words; anything else is logged in full and shown
    briefly.
    """

    @functools.wraps(method)
    def wrapper(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a view
            if not isinstance(exc, (TraitError, SegwidgetsError)):
                log.exception("view callback failed")
            _show(self, plain_words(exc))
        return None

    return wrapper  # type: ignore[return-value]


def _show(view: Any, message: str) -> None:
    model = getattr(view, "model", None)
    if isinstance(model, Segmentation):
        with model.hold_trait_notifications():
            model.state = "error"
            model.status = message
    else:
        log.warning("%s", message)


@contextlib.contextmanager
def syncing(owner: Any, flag: str = "_syncing") -> Iterator[None]:
    """Within, ``owner.<flag>`` is true, so a view's own observers let pass the changes it makes
    (a model value shown on a control, not sent back). It nests: the flag is restored as found."""
    before = getattr(owner, flag, False)
    setattr(owner, flag, True)
    try:
        yield
    finally:
        setattr(owner, flag, before)


def click_point(content: Any) -> tuple[float, float] | None:
    """The data ``(x, y)`` of a click on a click surface, from the message bqplot sends
    (``on_element_click``): a coordinate the message lacks is NaN; None if it carries neither."""
    data = content.get("data") if isinstance(content, dict) else None
    if not isinstance(data, dict):
        return None

    def number(key: str) -> float:
        try:
            value = float(data[key])
        except (KeyError, TypeError, ValueError):
            return math.nan  # not a click we understand
        return value if math.isfinite(value) else math.nan

    x, y = number("click_x"), number("click_y")
    return None if math.isnan(x) and math.isnan(y) else (x, y)


def css(name: str) -> str:
    """The stable CSS class of a component, e.g. ``css("k-slider") == "sw-k-slider"``."""
    return f"sw-{name}"


def _clear_png() -> bytes:
    """A 1×1 fully transparent PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)  # 1×1, 8-bit RGBA
    pixels = zlib.compress(b"\x00" + b"\x00\x00\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


#: The image of a click surface: a transparent ``bq.Image`` mark over a plot whose
#: ``on_element_click`` reports the clicked point in data coordinates. bqplot's
#: selectors do not reach Python in Voila; this does (see DESIGN.md).
CLEAR_PNG = _clear_png()


#: A small spinning circle; :func:`spinner_style` of an enclosing class draws it.
SPINNER = "<span class='sw-spinner' aria-hidden='true'></span>"


def spinner_style(scope: str) -> str:
    """CSS for the :data:`SPINNER` circle ``<span class='sw-spinner'>`` inside ``.scope``."""
    return f"""<style>
.{scope} .sw-spinner {{
  display: inline-block; width: 0.8em; height: 0.8em; margin-right: 6px; vertical-align: -1px;
  border: 2px solid #c8c8c8; border-top-color: #4e79a7; border-radius: 50%;
  animation: sw-spin 0.8s linear infinite;
}}
@keyframes sw-spin {{ to {{ transform: rotate(360deg); }} }}
</style>"""
