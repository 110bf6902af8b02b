"""The scheduler: in a lane the latest request wins; lanes run side by side; nothing leaks."""

from __future__ import annotations

import threading

import pytest

from segwidgets.session import Scheduler


def test_a_newer_job_cancels_the_running_one_and_only_the_newest_is_shown():
    scheduler = Scheduler()
    started, release = threading.Event(), threading.Event()
    shown: list[str] = []

    def slow(job):
        started.set()
        release.wait(10)
        return "old"

    first = scheduler.submit("fit", slow, shown.append)
    assert started.wait(10)
    second = scheduler.submit("fit", lambda job: "new", shown.append)
    assert first.cancelled and not second.cancelled
    release.set()
    assert scheduler.wait(timeout=10)
    assert shown == ["new"]


def test_a_waiting_job_overtaken_before_it_starts_never_runs():
    scheduler = Scheduler()
    release, started = threading.Event(), threading.Event()
    ran: list[int] = []
    scheduler.submit("fit", lambda job: (started.set(), release.wait(10)))
    assert started.wait(10)  # running, so the five below wait behind it (else the first may start)
    waiting = [scheduler.submit("fit", lambda job, i=i: ran.append(i)) for i in range(5)]
    release.set()
    assert scheduler.wait(timeout=10)
    assert ran == [4]
    assert all(job.finished for job in waiting)


def test_lanes_run_side_by_side():
    scheduler = Scheduler()
    in_a, in_b = threading.Event(), threading.Event()
    scheduler.submit("a", lambda job: (in_a.set(), in_b.wait(10)))
    scheduler.submit("b", lambda job: (in_b.set(), in_a.wait(10)))
    assert scheduler.wait(timeout=10)
    assert in_a.is_set() and in_b.is_set()


def test_a_long_job_can_stop_early_when_cancelled():
    scheduler = Scheduler()
    steps: list[int] = []
    started = threading.Event()

    def loop(job):
        for i in range(10_000):
            if job.cancelled:
                return "stopped"
            steps.append(i)
            started.set()
            threading.Event().wait(0.001)
        return "finished"

    done: list[str] = []
    scheduler.submit("sweep", loop, done.append)
    assert started.wait(10)
    scheduler.cancel("sweep")
    assert scheduler.wait(["sweep"], timeout=10)
    assert done == [] and len(steps) < 10_000


def test_failures_reach_failed_in_words_and_the_lane_keeps_working():
    scheduler = Scheduler()
    errors: list[BaseException] = []
    scheduler.submit("x", lambda job: 1 / 0, failed=errors.append)
    assert scheduler.wait(timeout=10)
    assert isinstance(errors[0], ZeroDivisionError)
    results: list[int] = []
    scheduler.submit("x", lambda job: 2, results.append)
    assert scheduler.wait(timeout=10) and results == [2]


def test_inline_runs_in_the_callers_thread():
    scheduler = Scheduler(background=False)
    threads: list[threading.Thread] = []
    job = scheduler.submit("fit", lambda job: threads.append(threading.current_thread()))
    assert job.finished and threads == [threading.current_thread()]
    background = Scheduler()
    background.submit("fit", lambda job: threads.append(threading.current_thread()), inline=True)
    assert threads[-1] is threading.current_thread()


def test_a_closed_scheduler_runs_nothing_and_leaves_no_thread():
    scheduler = Scheduler()
    scheduler.close()
    ran: list[int] = []
    job = scheduler.submit("fit", lambda job: ran.append(1))
    assert job.cancelled and job.finished and ran == []
    assert scheduler.wait(timeout=1)
    assert not [t for t in threading.enumerate() if t.name.startswith("segwidgets-fit") and t.is_alive()
                and t.ident is not None and getattr(t, "_target", None) is not None
                and getattr(t._target, "__self__", None) is scheduler]


def test_wait_times_out_while_a_job_runs():
    scheduler = Scheduler()
    release = threading.Event()
    scheduler.submit("fit", lambda job: release.wait(10))
    assert scheduler.wait(timeout=0.05) is False
    release.set()
    assert scheduler.wait(timeout=10)


@pytest.mark.parametrize("background", [True, False])
def test_a_model_runs_all_its_background_work_in_its_scheduler(background, blobs_frame):
    from segwidgets import Segmentation

    model = Segmentation(blobs_frame, k=3, background=background)
    before = {t.name for t in threading.enumerate()}
    model.k = 4
    assert model.wait(10)
    new = {t.name for t in threading.enumerate()} - before
    assert all(name.startswith("segwidgets-") for name in new)
    model.close()
