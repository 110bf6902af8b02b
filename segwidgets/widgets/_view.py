"""The two bases of segwidgets views.

:class:`View` is what every view of a :class:`~segwidgets.session.Segmentation`
does: it records what it observes on the model (``watch``) so ``close()``
stops observing all of it, has one echo guard (``updating``) for writing to
its own controls without hearing itself (``updating``, per thread), and turns a failed callback into
plain words (:func:`~segwidgets.widgets._base.report_errors`).

:class:`RunPanel` adds what a run-on-demand panel (a sweep over k, a
comparison, an explanation ...) needs: Run / Cancel / progress / message
controls, its computation in a lane of the model's scheduler (a newer run
overtakes an older one, ``close()`` cancels it), and ``stale``: the result on
show was computed for a segmentation that is no longer the model's.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..errors import SegwidgetsValueError
from ..session import Job, Result, Segmentation
from ._base import css, escape, plain_words, report_errors, syncing


class View:
    """Mix into an ipywidgets container built from one model.

    Data Attributes:
        model: Segmentation — the model viewed.
    """

    model: Segmentation

    def watch(self, handler: Callable[[dict], None], *names: str) -> None:
        """``model.observe(handler, names)``, undone by :meth:`close`."""
        if not hasattr(self, "_watching"):
            self._watching: list[tuple[Callable, tuple[str, ...]]] = []
        self.model.observe(handler, list(names))
        self._watching.append((handler, names))

    def updating(self) -> contextlib.AbstractContextManager[None]:
        """The echo guard: while inside, :attr:`is_updating` is True in this thread (the view is
        writing to its own controls; its observers of those controls should not send the change
        back). Per thread: results arrive on the scheduler's threads, and a person's change
        arriving meanwhile from the browser is not an echo."""
        if "_echo" not in self.__dict__:
            self._echo = threading.local()
        return syncing(self._echo)

    @property
    def is_updating(self) -> bool:
        echo = self.__dict__.get("_echo")
        return bool(getattr(echo, "_syncing", False))

    @report_errors
    def refuse(self, message: str) -> None:
        """Show ``message`` in the model's status as a refused input (what a
        :class:`~segwidgets.widgets.algorithm_picker.GuardedDropdown` calls as ``refused``)."""
        raise SegwidgetsValueError(message)

    def close(self) -> None:
        """Stop observing the model (idempotent), then close the widget."""
        for handler, names in getattr(self, "_watching", []):
            try:
                self.model.unobserve(handler, list(names))
            except ValueError:
                pass
        self._watching = []
        super().close()  # type: ignore[misc]


class SegmentsView(View):
    """A view of the segments on show and their names (the legend, the profile table, the report).

    ``self.watch(self._on_result, "result")`` in ``__init__``; :meth:`_render` draws a
    result (or None) and sets ``_drawn``. A new result is drawn when its segments differ
    (another fit, a preview or the seeded fit behind it) or their names do; metrics
    arriving or the map moving redraw nothing.
    """

    _drawn: Result | None = None  # the result on show

    @report_errors
    def _on_result(self, change: dict) -> None:
        new = change["new"]
        if new is None or not new.same_look(self._drawn):
            self._render(new)
        else:
            self._drawn = new  # the same segments and names: nothing on show changed

    def _render(self, result: Result | None) -> None:
        """Draw ``result`` and set ``self._drawn = result``."""
        raise NotImplementedError


class RunControls:
    """Run / Cancel buttons, a progress bar and a message line (css ``sw-<name>-run`` ...)."""

    def __init__(self, name: str, run_label: str) -> None:
        self.run_button = w.Button(description=run_label, icon="play", button_style="primary",
                                   layout=w.Layout(width="auto"))
        self.run_button.add_class(css(f"{name}-run"))
        self.cancel_button = w.Button(description="Cancel", icon="stop", disabled=True,
                                      layout=w.Layout(width="auto"))
        self.cancel_button.add_class(css(f"{name}-cancel"))
        self.progress = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="160px"))
        self.progress.add_class(css(f"{name}-progress"))
        self.message = w.HTML("")
        self.message.add_class(css(f"{name}-message"))

    def row(self) -> w.HBox:
        return w.HBox([self.run_button, self.cancel_button, self.progress],
                      layout=w.Layout(align_items="center"))

    def say(self, text: str, *, error: bool = False) -> None:
        colour = "#b00020" if error else "#333"
        self.message.value = f"<span style='color:{colour}'>{escape(text)}</span>"


class RunPanel(View):
    """A view whose computation runs when asked, off the interaction path.

    Subclasses call :meth:`start` with ``work(job, progress)``; ``done(value)`` and
    ``failed(exc)`` are called on the lane's thread for the latest run only.
    ``computed_for`` is the :meth:`key` of the result the shown value was computed
    for; :attr:`stale` compares it with the model's current result.

    Data Attributes:
        controls: RunControls — run_button, cancel_button, progress, message.
        background: bool — run on a thread (True) or in the caller's thread.
        stale: bool — the model's result changed (by :meth:`key`) since the value shown.
    """

    background: bool = True
    computed_for: Any = None

    def _init_run(self, name: str, run_label: str, background: bool) -> None:
        self.controls = RunControls(name, run_label)
        self.run_button, self.cancel_button = self.controls.run_button, self.controls.cancel_button
        self.progress, self.message = self.controls.progress, self.controls.message
        self.background = background
        self._lane = f"panel-{name}-{id(self)}"
        self._cancelled = threading.Event()
        self._job: Job | None = None
        self.run_button.on_click(self._on_run)
        self.cancel_button.on_click(self._on_cancel)

    def run(self, wait: bool = False) -> None:
        """Start the panel's computation (what Run does); ``wait`` blocks until it is shown."""
        raise NotImplementedError

    cancel_words = "Cancelling…"

    @report_errors
    def _on_run(self, button: Any = None) -> None:
        self.run()

    @report_errors
    def _on_cancel(self, button: Any = None) -> None:
        self.cancel_run()
        if self.cancel_words:
            self.controls.say(self.cancel_words)

    @staticmethod
    def key(result: Result | None) -> Any:
        """What the panel's value depends on (default: the segments: fit and hand edits)."""
        return None if result is None else result.key

    @property
    def stale(self) -> bool:
        return self.computed_for is not None and self.key(self.model.result) != self.computed_for

    @property
    def running(self) -> bool:
        """Whether a run is under way (False already while its result is being shown)."""
        job = getattr(self, "_job", None)
        return job is not None and not job.finished and not getattr(self, "_delivering", False)

    def start(self, work: Callable[[Job, Callable[[int, int], None]], Any], done: Callable[[Any], None],
              failed: Callable[[BaseException], None] | None = None, *, total: int = 1,
              wait: bool = False, inline: bool | None = None) -> None:
        """Run ``work`` in this panel's lane with progress out of ``total``; ``wait`` blocks.

        ``inline`` (default: ``not background``) runs it now, in the caller's thread."""
        controls = self.controls
        self._cancelled.clear()
        self._delivering = False
        controls.progress.max, controls.progress.value = max(total, 1), 0
        controls.run_button.disabled, controls.cancel_button.disabled = True, False
        key = self.key(self.model.result)

        def progress(value: int, of: int) -> None:
            controls.progress.max, controls.progress.value = max(of, 1), value

        def finish(value: Any) -> None:
            self._delivering = True
            try:
                self._finished()
                self.computed_for = key
                done(value)
            finally:
                self._delivering = False

        def fail(exc: BaseException) -> None:
            self._finished()
            if failed is not None:
                failed(exc)
            else:
                controls.say(plain_words(exc), error=True)

        self._job = self.model.scheduler.submit(self._lane, lambda job: work(job, progress), finish, fail,
                                                inline=not self.background if inline is None else inline)
        if wait:
            self._job.wait()

    def cancel_run(self) -> None:
        """Ask the running computation to stop (it says so when it does)."""
        self._cancelled.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancelled.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run under way has finished; False if ``timeout`` ran out first."""
        job = self._job
        return True if job is None else job.wait(timeout)

    def _finished(self) -> None:
        self.controls.run_button.disabled = False
        self.controls.cancel_button.disabled = True

    def close(self) -> None:
        """Cancel the run under way, stop observing the model, close the widget (idempotent;
        safe on a panel whose construction failed)."""
        lane = getattr(self, "_lane", None)
        if lane is not None and getattr(self, "model", None) is not None:
            self.model.scheduler.cancel(lane)
        super().close()
