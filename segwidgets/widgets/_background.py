"""A slow computation of a view, run on a thread, where a newer run overtakes an older one."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from traitlets import TraitError

from ..errors import SegwidgetsError

log = logging.getLogger("segwidgets.widgets")


def plain_words(exc: BaseException) -> str:
    """An error as a person reads it: our own and validation errors as they are, others briefly."""
    if isinstance(exc, (SegwidgetsError, TraitError)):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}: {exc})."


class BackgroundJob:
    """Runs ``work()`` on a daemon thread (or inline) and hands the result to ``done``.

    Every :meth:`start` opens a new generation; a result (or error) from an
    older generation is dropped, never shown. ``done`` and ``failed`` run in
    the worker thread, under the job's lock, only for the latest generation.

    Data Attributes:
        background: bool — run on a thread (True) or in the caller's thread.
        generation: int — goes up by one per start (and per :meth:`drop`).
    """

    def __init__(self, background: bool = True, name: str = "segwidgets-view") -> None:
        self.background = bool(background)
        self.name = name
        self.generation = 0
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """Whether a started run has not finished yet."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def is_current(self, generation: int) -> bool:
        return generation == self.generation

    def drop(self) -> None:
        """Forget any run under way: its result will not be shown."""
        with self._lock:
            self.generation += 1

    def start(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        *,
        wait: bool = False,
    ) -> int:
        """Start ``work``; ``wait`` (or ``background=False``) blocks until it has finished."""
        with self._lock:
            self.generation += 1
            generation = self.generation

        def body() -> None:
            try:
                result = work()
            except BaseException as exc:  # noqa: BLE001 - shown in plain words, never raised
                if not isinstance(exc, (SegwidgetsError, TraitError)):
                    log.exception("background computation failed")
                with self._lock:
                    if generation == self.generation:
                        _safely(failed, exc)
                return
            with self._lock:
                if generation == self.generation:
                    try:
                        done(result)
                    except Exception as exc:  # noqa: BLE001 - drawing failed: say so in the view
                        log.exception("showing a background result failed")
                        _safely(failed, exc)

        if not self.background:
            body()
            return generation
        thread = threading.Thread(target=body, name=self.name, daemon=True)
        self._thread = thread
        thread.start()
        if wait:
            thread.join()
        return generation

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the latest run has finished; False if ``timeout`` ran out first."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()


def _safely(callback: Callable[[Any], None], value: Any) -> None:
    try:
        callback(value)
    except Exception:  # noqa: BLE001 - a view's drawing failed; the thread must not die loudly
        log.exception("showing a background result failed")
