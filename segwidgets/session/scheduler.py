"""One scheduler for all background work: in each lane, the latest request wins.

A *lane* is a named queue of length one with a thread of its own: the model's
fits run in ``"fit"``, quality metrics in ``"metrics"``, UMAP in ``"umap"``, and
each run-on-demand panel in a lane named for it. Submitting to a lane replaces
whatever was waiting there (it never runs) and cancels the job running there:
its ``work`` may stop early by checking :attr:`Job.cancelled`, and its ``done``
is not called. Lanes run side by side; one lane runs one job at a time, so its
results arrive in the order they were asked for.

``done`` and ``failed`` run on the lane's thread with no lock held, so they may
set traits (and their observers may submit more work). With
``background=False`` every job runs at once in the caller's thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("segwidgets.scheduler")

Progress = Callable[[int, int], None]


@dataclass(eq=False)
class Job:
    """One submitted piece of work.

    Data Attributes:
        lane: str — the lane it runs in.
        work: ``work(job) -> result``; check ``job.cancelled`` in long loops.
        done: ``done(result)``, called unless the job was cancelled.
        failed: ``failed(exception)``, called unless the job was cancelled.
    """

    lane: str
    work: Callable[[Job], Any]
    done: Callable[[Any], None] | None = None
    failed: Callable[[BaseException], None] | None = None
    _cancelled: threading.Event = field(default_factory=threading.Event, repr=False)
    _finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def cancelled(self) -> bool:
        """True once a newer job was submitted to the lane, or the lane was cancelled."""
        return self._cancelled.is_set()

    @property
    def finished(self) -> bool:
        """True once the job ran (or was dropped before it ran)."""
        return self._finished.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def sleep(self, seconds: float) -> bool:
        """Wait ``seconds``; False at once if the job is cancelled meanwhile (True if the time ran out)."""
        return not self._cancelled.wait(seconds)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished; False if ``timeout`` ran out first."""
        return self._finished.wait(timeout)


class _Lane:
    def __init__(self) -> None:
        self.pending: Job | None = None
        self.running: Job | None = None
        self.thread: threading.Thread | None = None


class Scheduler:
    """Runs jobs in named lanes, the latest request of a lane winning.

    Data Attributes:
        background: bool — run jobs on threads (True) or in the caller's thread.
    """

    def __init__(self, background: bool = True, name: str = "segwidgets") -> None:
        self.background = bool(background)
        self.name = name
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._lanes: dict[str, _Lane] = {}
        self._closed = False

    def submit(
        self,
        lane: str,
        work: Callable[[Job], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        *,
        inline: bool | None = None,
    ) -> Job:
        """Run ``work`` in ``lane``, overtaking what the lane was doing or waiting to do.

        ``inline`` (default: ``not background``) runs it now, in the caller's thread.
        """
        job = Job(lane, work, done, failed)
        if (not self.background) if inline is None else inline:
            with self._lock:
                state = self._lanes.setdefault(lane, _Lane())
                if state.running is not None:
                    state.running.cancel()
                state.running = job
            self._run(job)
            with self._lock:
                if state.running is job:
                    state.running = None
            return job
        with self._lock:
            if self._closed:
                job.cancel()
                job._finished.set()
                return job
            state = self._lanes.setdefault(lane, _Lane())
            if state.pending is not None:
                state.pending.cancel()
                state.pending._finished.set()
            if state.running is not None:
                state.running.cancel()
            state.pending = job
            if state.thread is None:
                state.thread = threading.Thread(
                    target=self._drain, args=(lane, state), name=f"{self.name}-{lane}", daemon=True
                )
                state.thread.start()
        return job

    def after(self, lane: str, seconds: float, then: Callable[[], None]) -> Job:
        """Call ``then()`` on ``lane``'s thread in ``seconds``, unless the lane is cancelled or given
        a newer job first (a debounce). Always on a thread, even for an inline scheduler: a wait
        that blocked the caller would coalesce nothing."""
        return self.submit(lane, lambda job: job.sleep(seconds), lambda waited: waited and then(),
                           inline=False)

    def every(self, lane: str, seconds: float, tick: Callable[[], bool]) -> Job:
        """Call ``tick()`` on ``lane``'s thread every ``seconds`` until it returns False or the lane
        is cancelled (a clock)."""

        def work(job: Job) -> None:
            while job.sleep(seconds) and tick():
                pass

        return self.submit(lane, work, inline=False)

    def cancel(self, lane: str) -> None:
        """Drop what ``lane`` is waiting to do and cancel what it is doing."""
        with self._lock:
            state = self._lanes.get(lane)
            if state is None:
                return
            for job in (state.pending, state.running):
                if job is not None:
                    job.cancel()
            if state.pending is not None:
                state.pending._finished.set()
                state.pending = None
            self._changed.notify_all()

    def busy(self, lane: str) -> bool:
        """Whether ``lane`` has a job waiting or running."""
        with self._lock:
            state = self._lanes.get(lane)
            return state is not None and (state.pending is not None or state.running is not None)

    def wait(self, lanes: Iterable[str] | None = None, timeout: float | None = None) -> bool:
        """Block until ``lanes`` (default: all) have nothing waiting or running; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        names = None if lanes is None else tuple(lanes)
        with self._lock:
            while True:
                states = self._lanes.values() if names is None else [
                    self._lanes[n] for n in names if n in self._lanes]
                if all(s.pending is None and s.running is None for s in states):
                    return True
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._changed.wait(remaining)

    def close(self) -> None:
        """Cancel every lane; later submissions are dropped."""
        with self._lock:
            self._closed = True
            names = list(self._lanes)
        for lane in names:
            self.cancel(lane)

    # ---------------------------------------------------------------- threads
    def _drain(self, lane: str, state: _Lane) -> None:
        while True:
            with self._lock:
                job = state.pending
                state.pending = None
                if job is None:
                    state.thread = None
                    self._changed.notify_all()
                    return
                state.running = job
            try:
                self._run(job)
            finally:
                with self._lock:
                    state.running = None
                    self._changed.notify_all()

    @staticmethod
    def _run(job: Job) -> None:
        try:
            if job.cancelled:
                return
            try:
                result = job.work(job)
            except BaseException as exc:  # noqa: BLE001 - handed to failed(), never raised
                if job.cancelled:
                    return
                if job.failed is None:
                    log.exception("background job in lane %r failed", job.lane)
                else:
                    _safely(job.failed, exc)
                return
            if not job.cancelled and job.done is not None:
                try:
                    job.done(result)
                except Exception as exc:  # noqa: BLE001 - showing failed: say so, if we can
                    log.exception("showing the result of lane %r failed", job.lane)
                    if job.failed is not None:
                        _safely(job.failed, exc)
        finally:
            job._finished.set()


def _safely(callback: Callable[[Any], None], value: Any) -> None:
    try:
        callback(value)
    except Exception:  # noqa: BLE001 - a view's drawing failed; the thread must not die loudly
        log.exception("a background callback failed")
