"""Several people at once: N Chromium sessions on one Voila server, then culling of closed ones.

    python benchmarks/load.py [--sessions 8] [--cull-seconds 20]

Starts the explorer app with the same command as ``segwidgets app`` (idle
culling shortened so the run proves it in seconds), opens N pages at once in
Debian's Chromium, and in each waits for the explorer, presses ArrowRight on
the k slider and waits for "5 segments" in the status line. Prints the time
each session took (median and max, and as a ratio to one session alone
measured first in the same run), the memory of each kernel, then closes the
pages and reports whether their kernels were culled. Traffic stays on
127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from segwidgets.cli import app_path, voila_command  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


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


def drive(page, started: float) -> dict:
    """Wait for the explorer in ``page``, press ArrowRight on the slider, wait for the refit."""
    try:
        status = page.locator(".sw-status")
        status.filter(has_text="4 segments of 7,050 rows").wait_for(timeout=300_000)
        ready = time.perf_counter() - started
        page.locator(".sw-k-slider [role=slider], .sw-k-slider .noUi-handle").first.focus()
        pressed = time.perf_counter()
        page.keyboard.press("ArrowRight")
        status.filter(has_text="5 segments of 7,050 rows").wait_for(timeout=120_000)
        return {"ok": True, "ready": ready, "slider": time.perf_counter() - pressed}
    except Exception as exc:  # noqa: BLE001 - report every failure, keep the others running
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def open_pages(browser, url: str, n: int) -> list:
    """``n`` fresh contexts, each with a page that has started loading ``url``."""
    pages = []
    for _ in range(n):
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.goto(url, wait_until="commit", timeout=240_000)
        pages.append(page)
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--cull-seconds", type=int, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    shorter = {  # the server's own culling, shortened so this run can see it happen
        "--MappingKernelManager.cull_idle_timeout": str(args.cull_seconds),
        "--MappingKernelManager.cull_interval": "5",
    }
    command = [f"{flag.split('=')[0]}={shorter[flag.split('=')[0]]}" if flag.split("=")[0] in shorter
               else flag for flag in voila_command(app_path("explorer"), port=port)]
    log = open(ROOT / "benchmarks" / "load-voila.log", "w")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "voila/static/voila.js", timeout=2)
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            # Playwright's sync API is single-threaded: the sessions run concurrently because
            # every page starts loading first, and each is then waited on in turn.
            started = time.perf_counter()
            (alone,) = open_pages(browser, url, 1)
            baseline = drive(alone, started)
            alone.context.close()
            if not baseline["ok"]:
                print(f"one session alone failed: {baseline['error']}")
                return 1
            started = time.perf_counter()
            pages = open_pages(browser, url, args.sessions)
            results = [drive(page, started) for page in pages]
            memory = kernels(server.pid)
            for page in pages:
                page.context.close()
            browser.close()
        ok = [r for r in results if r["ok"]]
        print(f"sessions: {len(ok)} of {args.sessions} succeeded")
        for r in results:
            if not r["ok"]:
                print(f"  failed: {r['error']}")
        if ok:
            ready = [r["ready"] for r in ok]
            slider = [r["slider"] for r in ok]
            print(f"one session alone (baseline): page ready {baseline['ready']:.1f} s, "
                  f"slider -> status {baseline['slider'] * 1000:.0f} ms")
            print(f"{args.sessions} at once: page ready median {statistics.median(ready):.1f} s, "
                  f"max {max(ready):.1f} s ({statistics.median(ready) / baseline['ready']:.1f}x baseline); "
                  f"slider -> status median {statistics.median(slider) * 1000:.0f} ms "
                  f"({statistics.median(slider) / baseline['slider']:.1f}x baseline)")
        if memory:
            values = sorted(memory.values())
            print(f"kernels alive: {len(values)}; memory per kernel median {statistics.median(values):.0f} MB, "
                  f"max {max(values):.0f} MB")
        deadline = time.monotonic() + args.cull_seconds + 60
        while time.monotonic() < deadline and kernels(server.pid):
            time.sleep(2)
        left = kernels(server.pid)
        print(f"after closing every page: {len(left)} kernels left "
              f"({'culled' if not left else 'NOT culled'} within {args.cull_seconds + 60} s)")
        return 0 if len(ok) == args.sessions and not left else 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
