"""Several people at once: N Chromium sessions on one Voila server, then culling of closed ones.

    python benchmarks/load.py [--app explorer|report] [--sessions 8] [--cull-seconds 120] [--budget 900]

``--app explorer`` (the default) starts the explorer app with the same command as
``segwidgets app``; in each page it waits for the explorer, presses ArrowRight on the k slider
and waits for "5 segments" in the status line.

``--app report`` publishes the demo segmentation (``Segmentation.publish``) into a temporary
specs folder, prints the size of the static HTML report (``report_html()``, without and with
the labelled rows inside), starts the report app with the same command as ``segwidgets report
--specs-dir``, and in each page waits until every segment's section is shown.

Both: one session alone first, then N opened at once (the sessions run concurrently because
every page starts loading first; each is then waited on in turn). Every figure is printed as
soon as it is measured; every wait is bounded by what is left of ``--budget`` seconds, so the
run ends in time whatever happens; the server (its whole process group, kernels included), the
browser and the temporary folder are removed at the end, also after Ctrl-C or SIGTERM.
Idle culling is shortened so the run proves it in seconds. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from segwidgets.cli import app_path, voila_command  # noqa: E402
from segwidgets.config import refill_seconds  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
REPORT_SEGMENTS = 4


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kernels(server_pid: int) -> dict[int, float]:
    """Kernel processes under the server: pid -> resident memory in MB (from /proc)."""
    out: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = (entry / "status").read_text()
        except OSError:
            continue
        if "ipykernel_launcher" not in cmdline:
            continue
        ppid = int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))
        if ppid != server_pid:
            continue
        rss_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
        out[int(entry.name)] = rss_kb / 1024
    return out


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_for_pool(server_pid: int, size: int, budget: Budget) -> float:
    """Seconds until ``size`` kernels exist and have been idle for 3 s (preheated: the notebook ran
    up to the wait for a visitor)."""
    started = time.monotonic()
    idle_since, last = None, None
    while time.monotonic() < budget.deadline - 5:
        pids = sorted(kernels(server_pid))
        ticks = [cpu_ticks(pid) for pid in pids]
        if len(pids) >= size and ticks == last:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= 3:
                break
        else:
            idle_since = None
        last = ticks
        time.sleep(1)
    return time.monotonic() - started


def wait_for_refill(server_pid: int, args, budget: Budget) -> None:
    """After the visit alone, with ``--visitors``: the refill's delay, then until the pool is full
    again, so the N visitors arrive at a server at rest (the visited kernel may be culled meanwhile,
    so the kernels are not simply counted)."""
    if not args.visitors:
        return
    time.sleep(args.refill_after if args.refill_after is not None else refill_seconds(args.visitors))
    say(f"pool refilled after {wait_for_pool(server_pid, args.visitors, budget):.0f} s more")


class Budget:
    """What is left of the run's time: every wait asks it for its timeout."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left_ms(self, most: float) -> float:
        left = (self.deadline - time.monotonic()) * 1000
        if left <= 1000:
            raise TimeoutError("the run's time budget is spent")
        return min(most, left)


def drive_explorer(page, started: float, budget: Budget) -> dict:
    """Wait for the explorer in ``page``, press ArrowRight on the slider, wait for the refit."""
    try:
        status = page.locator(".sw-status")
        status.filter(has_text="4 segments of 7,050 rows").wait_for(timeout=budget.left_ms(300_000))
        ready = time.perf_counter() - started
        page.locator(".sw-k-slider [role=slider], .sw-k-slider .noUi-handle").first.focus()
        pressed = time.perf_counter()
        page.keyboard.press("ArrowRight")
        status.filter(has_text="5 segments of 7,050 rows").wait_for(timeout=budget.left_ms(120_000))
        return {"ok": True, "ready": ready, "slider": time.perf_counter() - pressed}
    except Exception as exc:  # noqa: BLE001 - report every failure, keep the others running
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def drive_report(page, started: float, budget: Budget) -> dict:
    """Wait until the report in ``page`` shows every segment's section."""
    try:
        page.locator(".sw-report-segment").nth(REPORT_SEGMENTS - 1).wait_for(timeout=budget.left_ms(300_000))
        return {"ok": True, "ready": time.perf_counter() - started}
    except Exception as exc:  # noqa: BLE001 - report every failure, keep the others running
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def open_pages(browser, url: str, n: int, budget: Budget) -> list:
    """``n`` fresh contexts, each with a page that has started loading ``url``."""
    pages = []
    for _ in range(n):
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.goto(url, wait_until="commit", timeout=budget.left_ms(240_000))
        pages.append(page)
    return pages


def publish_demo(folder: Path, refit: bool = False) -> str:
    """Publish the demo segmentation into ``folder``; print the static report's size. Its name."""
    from segwidgets import Segmentation

    model = Segmentation("facebook_live", k=REPORT_SEGMENTS, background=False)
    model.title = "Facebook Live posts, segmented"
    for segment in model.segment_ids:
        model.recommend(segment, "Recommendation for this segment, as an analyst would write it.")
    published = model.publish("bench", folder)
    if refit:
        from segwidgets.core.report_store import cache_path

        cache_path(published.spec_path).unlink()
        say("the stored report removed: every page reads the table and refits")
    plain = len(model.report_html().encode("utf-8"))
    model.share_rows = True
    with_rows = len(model.report_html().encode("utf-8"))
    say(f"static HTML report ({len(model.data):,} rows, {REPORT_SEGMENTS} segments): {plain / 1024:.0f} KB; "
        f"with the labelled rows inside: {with_rows / 1024:.0f} KB")
    model.close()
    return published.name


def protocol_sessions(url: str, args, budget: Budget, server_pid: int) -> tuple[dict | None, list[dict]]:
    """One visit alone, then ``args.sessions`` at once, each by :func:`tests.voila_client.visit`
    (the page's requests, no drawing), each stepping k once."""
    import asyncio

    from tests.voila_client import visit

    base = url.rstrip("/")

    async def one() -> dict:
        try:
            return {"ok": True, **await asyncio.wait_for(
                visit(base, "4 segments of 7,050 rows", next_text="5 segments of 7,050 rows"),
                budget.left_ms(300_000) / 1000)}
        except Exception as exc:  # noqa: BLE001 - report every failure, keep the others running
            return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}

    async def many(n: int) -> list[dict]:
        return list(await asyncio.gather(*(one() for _ in range(n))))

    baseline = asyncio.run(one())
    if not baseline["ok"]:
        say(f"one session alone failed: {baseline['error']}")
        return None, []
    say(f"one session alone: page ready {baseline['ready']:.2f} s (HTML {baseline['html']:.2f} s), "
        f"slider -> status {baseline['slider'] * 1000:.0f} ms")
    wait_for_refill(server_pid, args, budget)
    results = asyncio.run(many(args.sessions))
    for i, result in enumerate(results, 1):
        say(f"  session {i} of {args.sessions}: " + (f"ready at {result['ready']:.2f} s" if result["ok"]
                                                      else f"failed: {result['error']}"))
    return baseline, results


def chromium_sessions(url: str, args, budget: Budget, server_pid: int, drive) -> tuple:
    """One session alone, then ``args.sessions`` at once, in Chromium on this machine."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            started = time.perf_counter()
            (alone,) = open_pages(browser, url, 1, budget)
            baseline = drive(alone, started, budget)
            alone.context.close()
            if not baseline["ok"]:
                say(f"one session alone failed: {baseline['error']}")
                return None, [], {}
            slider = f", slider -> status {baseline['slider'] * 1000:.0f} ms" if "slider" in baseline else ""
            say(f"one session alone: page ready {baseline['ready']:.1f} s{slider}")
            wait_for_refill(server_pid, args, budget)
            started = time.perf_counter()
            pages = open_pages(browser, url, args.sessions, budget)
            results = []
            for i, page in enumerate(pages, 1):
                result = drive(page, started, budget)
                results.append(result)
                say(f"  session {i} of {args.sessions}: " + (f"ready at {result['ready']:.1f} s" if result["ok"]
                                                              else f"failed: {result['error']}"))
            memory = kernels(server_pid)
            for page in pages:
                page.context.close()
        finally:
            browser.close()
    return baseline, results, memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", choices=("explorer", "report"), default="explorer")
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--cull-seconds", type=int, default=120,
                        help="idle culling for this run (a short one culls the kernels of pages still loading)")
    parser.add_argument("--budget", type=float, default=900, help="seconds the whole run may take")
    parser.add_argument("--visitors", type=int, default=None, metavar="N",
                        help="kernels kept preheated, as `segwidgets app --visitors N` (default: the "
                             "app's own, 1); the run waits until they are ready before opening pages")
    parser.add_argument("--client", choices=("chromium", "protocol"), default="chromium",
                        help="explorer: who opens the pages. chromium (default): Chromium on this machine, "
                             "drawing every page on the server's own cores; protocol: tests/voila_client, what "
                             "a page's script asks of the server without drawing (the visitors' browsers are "
                             "elsewhere), so the figures are the server's alone")
    parser.add_argument("--refill-after", type=float, default=None, metavar="S",
                        help="as `segwidgets app --refill-after S` (default: the app's own)")
    parser.add_argument("--refit", action="store_true",
                        help="report: remove the stored report, so every page reads the table and refits")
    args = parser.parse_args()
    budget = Budget(args.budget)

    def stop(signum, frame):  # noqa: ARG001 - Ctrl-C or a kill from outside: clean up, then go
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)

    folder = Path(tempfile.mkdtemp(prefix="segwidgets-load-"))
    server = None
    try:
        extra_env: dict[str, str] = {}
        query = ""
        if args.app == "report":
            query = "?spec=" + publish_demo(folder, args.refit)
            extra_env["SEGWIDGETS_SPECS_DIR"] = str(folder)
        port = free_port()
        shorter = {  # the server's own culling, shortened so this run can see it happen
            "--MappingKernelManager.cull_idle_timeout": str(args.cull_seconds),
            "--MappingKernelManager.cull_interval": "5",
        }
        command = [f"{flag.split('=')[0]}={shorter[flag.split('=')[0]]}" if flag.split("=")[0] in shorter
                   else flag for flag in voila_command(app_path(args.app), port=port, extra_env=extra_env,
                                                       **({} if args.visitors is None
                                                          else {"pool_size": args.visitors}),
                                                       **({} if args.refill_after is None
                                                          else {"refill_after": args.refill_after}))]
        log = open(ROOT / "benchmarks" / f"load-voila-{args.app}.log", "w")  # noqa: SIM115 - closed at exit
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}/{query}"
        up = time.monotonic() + min(90, args.budget)
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=2)
                break
            except Exception:  # noqa: BLE001 - not up yet
                if time.monotonic() > up or server.poll() is not None:
                    say("the server did not start; see benchmarks/load-voila-*.log")
                    return 1
                time.sleep(0.5)
        say(f"{args.app} app serving at {url} (pages opened by {args.client})")
        if args.visitors:
            waited = wait_for_pool(server.pid, args.visitors, budget)
            say(f"{args.visitors} preheated kernels ready after {waited:.0f} s "
                f"(memory per kernel {statistics.median(kernels(server.pid).values()):.0f} MB median)")
        drive = drive_report if args.app == "report" else drive_explorer
        if args.client == "protocol":
            if args.app != "explorer":
                say("--client protocol drives the explorer app only")
                return 2
            baseline, results = protocol_sessions(url, args, budget, server.pid)
            if baseline is None:
                return 1
            memory = kernels(server.pid)
        else:
            baseline, results, memory = chromium_sessions(url, args, budget, server.pid, drive)
            if baseline is None:
                return 1
        ok = [r for r in results if r["ok"]]
        say(f"sessions: {len(ok)} of {args.sessions} succeeded")
        if ok:
            ready = [r["ready"] for r in ok]
            digits = 2 if baseline["ready"] < 1 else 1  # the server's part alone is a fraction of a second
            line = (f"{args.sessions} at once: page ready median {statistics.median(ready):.{digits}f} s, "
                    f"max {max(ready):.{digits}f} s ({statistics.median(ready) / baseline['ready']:.1f}x one alone)")
            if "slider" in baseline:
                slider = [r["slider"] for r in ok]
                line += (f"; slider -> status median {statistics.median(slider) * 1000:.0f} ms "
                         f"({statistics.median(slider) / baseline['slider']:.1f}x)")
            say(line)
        if memory:
            values = sorted(memory.values())
            say(f"kernels alive: {len(values)}; memory per kernel median {statistics.median(values):.0f} MB, "
                f"max {max(values):.0f} MB")
        wait = min(args.cull_seconds + 60, max(budget.deadline - time.monotonic() - 5, 0))
        end = time.monotonic() + wait
        from segwidgets.config import KERNEL_POOL_SIZE  # preheated kernels wait for the next visitor

        if args.visitors is not None:
            KERNEL_POOL_SIZE = args.visitors  # noqa: N806 - the pool this run asked for

        while time.monotonic() < end and len(kernels(server.pid)) > KERNEL_POOL_SIZE:
            time.sleep(2)
        left = len(kernels(server.pid))
        culled = left <= KERNEL_POOL_SIZE
        say(f"after closing every page: {left} kernels left, {KERNEL_POOL_SIZE} of them preheated for the next "
            f"visitor ({'culled' if culled else 'NOT culled'} within {wait:.0f} s)")
        return 0 if len(ok) == args.sessions and culled else 1
    except KeyboardInterrupt:
        say("stopped; cleaning up")
        return 130
    except TimeoutError as exc:
        say(f"stopped: {exc}")
        return 1
    finally:
        if server is not None and server.poll() is None:
            started_kernels = list(kernels(server.pid))  # kernels may sit in process groups of their own
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
            try:
                os.killpg(server.pid, signal.SIGKILL)  # anything left in the group
            except ProcessLookupError:
                pass
            for pid in started_kernels:  # by id: only the kernels this server started
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
