"""A k step as a person sees it: from the key press on the k slider to the new segments in the page.

    python benchmarks/k_step_browser.py [--rows 1000000] [--baseline-rows 10000] [--steps 3] [--budget 900]

For each size (the baseline first, then ``--rows``) it writes generated rows (scikit-learn's
``make_blobs``, 20 measures, 6 groups) as Parquet into a temporary folder, serves the explorer
on them with the same command as ``segwidgets app FILE``, opens it in Debian's Chromium, and
presses ArrowRight on the k slider ``--steps`` times. For every step it prints:

* *first*: the key press until the legend first shows k + 1 segments (a provisional result on
  tables above ``segwidgets.config.PROVISIONAL_ROWS``);
* *final*: until the status line shows the seeded fit (no "provisional");
* *server*: the seconds the status line says the fit took (fit, profile, assemble);

and, at the end, each figure of ``--rows`` as a ratio to the baseline's. What is left after the
server's seconds is the way to the page (serialising the update, the websocket, bqplot-gl
drawing). The run ends within ``--budget`` seconds; the server, its kernels, the browser and the
folder are removed at the end.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from load import ARGS, CHROMIUM, Budget, free_port, say  # noqa: E402

from segwidgets.cli import app_path, voila_command  # noqa: E402

FEATURES = 20
GROUPS = 6
SERVER_SECONDS = re.compile(r"in ([\d.]+) s")


def write_rows(folder: Path, n: int) -> Path:
    import pandas as pd
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=n, n_features=FEATURES, centers=GROUPS, cluster_std=2.0, random_state=0)
    frame = pd.DataFrame(X.astype("float32"), columns=[f"measure_{i + 1}" for i in range(FEATURES)])
    path = folder / f"rows_{n}.parquet"
    frame.to_parquet(path, index=False)
    return path


def serve(path: Path, budget: Budget) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = voila_command(app_path("explorer"), port=port, extra_env={"SEGWIDGETS_DATA": str(path)})
    log = open(ROOT / "benchmarks" / "k-step-voila.log", "a")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    up = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=2)
            return server, f"http://127.0.0.1:{port}/"
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() > up or server.poll() is not None:
                raise RuntimeError("the server did not start; see benchmarks/k-step-voila.log") from None
            time.sleep(0.5)


def stop(server: subprocess.Popen | None) -> None:
    if server is not None and server.poll() is None:
        import os

        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def steps(page, n: int, count: int, budget: Budget) -> list[dict]:
    status = page.locator(".sw-status").first
    rows = page.locator(".sw-segment-legend .sw-legend-row")
    out = []
    for k in range(5, 5 + count):
        page.locator(".sw-k-slider [role=slider], .sw-k-slider .noUi-handle").first.focus()
        pressed = time.perf_counter()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "k => document.querySelectorAll('.sw-explorer .sw-segment-legend .sw-legend-row').length === k",
            arg=k, timeout=budget.left_ms(300_000), polling=20)
        first = time.perf_counter() - pressed
        page.wait_for_function(
            """([k, n]) => { const s = document.querySelector('.sw-status');
                 const t = s ? s.innerText : '';
                 return t.includes(k + ' segments of ' + n) && !t.includes('provisional') && / in [\\d.]+ s/.test(t); }""",
            arg=[k, f"{n:,}"], timeout=budget.left_ms(300_000), polling=20)
        final = time.perf_counter() - pressed
        text = status.inner_text()
        found = SERVER_SECONDS.search(text)
        out.append({"k": k, "first": first, "final": final,
                    "server": float(found.group(1)) if found else float("nan"), "legend": rows.count()})
        say(f"  k={k}: first {first * 1000:.0f} ms, final {final * 1000:.0f} ms, "
            f"server {out[-1]['server'] * 1000:.0f} ms  ({text.splitlines()[0][:90]})")
    return out


def measure(browser, folder: Path, n: int, count: int, budget: Budget) -> list[dict]:
    say(f"{n:,} rows × {FEATURES}: writing …")
    path = write_rows(folder, n)
    server = None
    try:
        server, url = serve(path, budget)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        started = time.perf_counter()
        page.goto(url, timeout=budget.left_ms(300_000))
        page.locator(".sw-status").filter(has_text=f"4 segments of {n:,} rows").wait_for(
            timeout=budget.left_ms(600_000))
        say(f"  page ready after {time.perf_counter() - started:.1f} s")
        result = steps(page, n, count, budget)
        page.close()
        return result
    finally:
        stop(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--budget", type=float, default=900)
    args = parser.parse_args()
    budget = Budget(args.budget)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="segwidgets-kstep-"))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                base = measure(browser, folder, args.baseline_rows, args.steps, budget)
                big = measure(browser, folder, args.rows, args.steps, budget)
            finally:
                browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    say("median of the steps, and as a ratio to the baseline measured in this run:")
    for what in ("first", "final", "server"):
        b, g = (statistics.median(r[what] for r in rows) for rows in (base, big))
        say(f"  {what:6}  {args.baseline_rows:,} rows: {b * 1000:.0f} ms   {args.rows:,} rows: {g * 1000:.0f} ms"
            f"   ({g / b:.1f}×)")
    way = [r["final"] - r["server"] for r in big]
    say(f"  the way to the page at {args.rows:,} rows (final − server): {statistics.median(way) * 1000:.0f} ms median")
    return 0


if __name__ == "__main__":
    sys.exit(main())
