"""A k step as a person sees it: from the key press on the k slider to the new segments in the page.

    python benchmarks/k_step_browser.py [--rows 1000000] [--baseline-rows 10000] [--steps 3] [--budget 900]

For each size (the baseline first, then ``--rows``) it writes generated rows (scikit-learn's
``make_blobs``, 20 measures, 6 groups) as Parquet into a temporary folder, serves the explorer
on them with the same command as ``segwidgets app FILE`` but no preheated kernel (the kernel
refilling the pool would read and fit the same table on the same cores during the steps), opens
it in Debian's Chromium, and presses ArrowRight on the k slider ``--steps`` times, each after the
previous step's work has settled and the page draws frames again. For every step it prints:

* *first*: the key press until the legend first shows k + 1 segments (a provisional result on
  tables above ``segwidgets.config.PROVISIONAL_ROWS``);
* *final*: until the status line shows the seeded fit (no "provisional") and the legend is no
  longer marked provisional;
* *server*: the seconds the status line says the fit took (fit, profile, assemble);

and where the time went, read from two traces taken in the same run: the kernel's (an IPython
startup file, ``k_step_trace_kernel.py``, logs every comm message the kernel sends with its
size, the k change arriving, each result published, and how late a thread that wants the GIL
every 2 ms wakes up) and the page's (``k_step_trace_page.js``: every websocket message's arrival,
the legend and status line changing in the DOM, WebGL draws and buffer uploads, long tasks).
Both clocks are the machine's wall clock. The breakdown of a step:

* *kernel*: the k change arriving in the kernel; each result published (``p``: provisional,
  ``f``: final) with the messages it sent (count, KB) and when the last was handed to the socket;
* *page*: when the last of those messages arrived in the page, the legend / status line
  changed, and the map's last WebGL draw after its colours arrived;
* *final in the DOM*: when the final status line entered the page (a MutationObserver). *final*
  can be later: the page's polling and the frame that shows the text both wait while the map's
  software-WebGL redraw holds the main thread;
* *busy*: long tasks in the page (ms) and GIL stalls in the kernel (ms late, summed).

The raw traces go to ``benchmarks/k-step-trace.jsonl`` (one line per step) for a closer look.

and, at the end, each figure of ``--rows`` as a ratio to the baseline's. What is left after the
server's seconds is the way to the page (serialising the update, the websocket, bqplot-gl
drawing). The run ends within ``--budget`` seconds; the server, its kernels, the browser and the
folder are removed at the end.
"""

from __future__ import annotations

import argparse
import json
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
HERE = Path(__file__).resolve().parent
#: Seconds to wait after a step's final result, so that the work it leaves behind (metrics,
#: names, downloads prepared ahead) is traced with it and does not slow the next step.
SETTLE = 2.0


def write_rows(folder: Path, n: int) -> Path:
    import pandas as pd
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=n, n_features=FEATURES, centers=GROUPS, cluster_std=2.0, random_state=0)
    frame = pd.DataFrame(X.astype("float32"), columns=[f"measure_{i + 1}" for i in range(FEATURES)])
    path = folder / f"rows_{n}.parquet"
    frame.to_parquet(path, index=False)
    return path


def trace_folder(folder: Path) -> tuple[Path, Path]:
    """An IPython folder whose startup file traces the kernel, and the file the trace goes to."""
    startup = folder / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "k_step_trace_kernel.py", startup / "00-segwidgets-kstep-trace.py")
    return folder / "ipython", folder / "kernel-trace.jsonl"


def serve(path: Path, budget: Budget) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    ipython, trace = trace_folder(path.parent / f"trace-{path.stem}")
    # No preheated kernel: the kernel refilling the pool would read and fit the same table on the
    # same two cores while the steps are measured (at 1,000,000 rows that takes most of a minute).
    command = voila_command(app_path("explorer"), port=port, pool_size=0, extra_env={
        "SEGWIDGETS_DATA": str(path), "IPYTHONDIR": str(ipython), "SEGWIDGETS_KSTEP_TRACE": str(trace)})
    log = open(ROOT / "benchmarks" / "k-step-voila.log", "a")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    up = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=2)
            return server, f"http://127.0.0.1:{port}/", trace
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


def kernel_events(trace: Path, since: float) -> list[dict]:
    events = []
    for line in trace.read_text().splitlines() if trace.exists() else []:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event["t"] >= since:
            events.append(event)
    return events


def breakdown(kernel: list[dict], page: dict, pressed: float, k: int) -> dict:
    """Where a step's time went (ms after the key press), from the two traces."""
    at = {}

    def ms(t: float) -> float:
        return t - pressed

    recv = [e for e in kernel if e["ev"] == "recv" and "value" in e["keys"]]
    at["recv"] = ms(recv[0]["t"]) if recv else float("nan")
    publishes = [e for e in kernel if e["ev"] == "publish" and e["new"]]
    arrivals = {m["id"]: m["t"] for m in page["ws"] if m.get("id")}
    sends = [e for e in kernel if e["ev"] == "send"]
    results = []
    for i, pub in enumerate(publishes):
        end = publishes[i + 1]["t"] if i + 1 < len(publishes) else float("inf")
        mine = [e for e in sends if pub["t"] <= e["t"] < end]
        done = next((e["t"] for e in kernel if e["ev"] == "published" and e["t"] >= pub["t"]), pub["t"])
        got = [arrivals[e["id"]] for e in mine if e["id"] in arrivals]
        colour = [arrivals[e["id"]] for e in mine if "color" in e["keys"] and e["id"] in arrivals]
        draws = [g["t"] for g in page["gl"] if g["what"] == "draw" and colour and g["t"] >= colour[0]]
        results.append({
            "kind": "p" if pub["preview"] else "f", "publish": ms(pub["t"]), "observers": done - pub["t"],
            "messages": len(mine), "kb": sum(max(e["json"], 0) + e["buf"] for e in mine) / 1024,
            "sent": ms(max((e["t"] for e in mine), default=pub["t"])),
            "arrived": ms(max(got)) if got else float("nan"),
            "drawn": ms(max(draws)) if draws else float("nan"),
        })
    at["results"] = results
    final = [d["t"] for d in page["dom"] if " in " in d["status"] and not d["provisional"]
             and "provisional" not in d["status"] and d["legend"] == k]
    at["dom_final"] = ms(final[0]) if final else float("nan")
    at["stalls"] = sum(e["ms"] for e in kernel if e["ev"] == "stall")
    at["long"] = sum(t["ms"] for t in page["long"] if t["t"] >= pressed)
    return at


def show_breakdown(at: dict) -> None:
    parts = [f"recv {at['recv']:.0f}"]
    for r in at["results"]:
        parts.append(f"{r['kind']}: published {r['publish']:.0f} (+{r['observers']:.0f} observers), "
                     f"{r['messages']} msgs {r['kb']:.0f} KB sent by {r['sent']:.0f}, arrived {r['arrived']:.0f}, "
                     f"drawn {r['drawn']:.0f}")
    parts.append(f"final in the DOM {at['dom_final']:.0f}")
    parts.append(f"busy: page long tasks {at['long']:.0f}, kernel GIL stalls {at['stalls']:.0f}")
    say("      " + " | ".join(parts))


def steps(page, n: int, count: int, budget: Budget, trace: Path) -> list[dict]:
    status = page.locator(".sw-status").first
    rows = page.locator(".sw-segment-legend .sw-legend-row")
    out = []
    for k in range(5, 5 + count):
        page.locator(".sw-k-slider [role=slider], .sw-k-slider .noUi-handle").first.focus()
        page.evaluate("() => { const T = window.__swTrace; for (const k in T) T[k].length = 0; }")
        wall = time.time() * 1000
        pressed = time.perf_counter()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "k => document.querySelectorAll('.sw-explorer .sw-segment-legend .sw-legend-row').length === k",
            arg=k, timeout=budget.left_ms(300_000), polling=20)
        first = time.perf_counter() - pressed
        page.wait_for_function(
            """([k, n]) => { const s = document.querySelector('.sw-status');
                 const t = s ? s.innerText : '';
                 return t.includes(k + ' segments of ' + n) && !t.includes('provisional') && / in [\\d.]+ s/.test(t)
                   && !document.querySelector('.sw-explorer .sw-legend-provisional'); }""",
            arg=[k, f"{n:,}"], timeout=budget.left_ms(300_000), polling=20)
        final = time.perf_counter() - pressed
        text = status.inner_text()
        found = SERVER_SECONDS.search(text)
        time.sleep(SETTLE)
        # and until the page draws frames again: a software-WebGL redraw of the map can hold its main
        # thread for seconds (headless Chromium has no GPU), and the next key press would wait for it
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        kernel, browser = kernel_events(trace, wall - 50), page.evaluate("() => window.__swTrace")
        at = breakdown(kernel, browser, wall, k)
        with open(ROOT / "benchmarks" / "k-step-trace.jsonl", "a") as raw:  # for a closer look
            raw.write(json.dumps({"rows": n, "k": k, "pressed": wall, "kernel": kernel, "page": browser}) + "\n")
        out.append({"k": k, "first": first, "final": final,
                    "server": float(found.group(1)) if found else float("nan"), "legend": rows.count(),
                    "breakdown": at})
        say(f"  k={k}: first {first * 1000:.0f} ms, final {final * 1000:.0f} ms, "
            f"server {out[-1]['server'] * 1000:.0f} ms  ({text.splitlines()[0][:90]})")
        show_breakdown(at)
    return out


def measure(browser, folder: Path, n: int, count: int, budget: Budget) -> list[dict]:
    say(f"{n:,} rows × {FEATURES}: writing …")
    path = write_rows(folder, n)
    server = None
    try:
        server, url, trace = serve(path, budget)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(path=str(HERE / "k_step_trace_page.js"))
        started = time.perf_counter()
        page.goto(url, timeout=budget.left_ms(300_000))
        page.locator(".sw-status").filter(has_text=f"4 segments of {n:,} rows").wait_for(
            timeout=budget.left_ms(600_000))
        say(f"  page ready after {time.perf_counter() - started:.1f} s")
        result = steps(page, n, count, budget, trace)
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
    say(f"  final − server at {args.rows:,} rows (the way to the page, and a provisional fit where there is one): "
        f"{statistics.median(way) * 1000:.0f} ms median")
    for kind, label, figure in (("p", "provisional", "first"), ("f", "final", "final")):
        ways = []  # this result published in the kernel → shown in the page
        for r in big:
            published = [at["publish"] for at in r["breakdown"]["results"] if at["kind"] == kind]
            if published:
                ways.append(r[figure] * 1000 - published[-1])
        if ways:
            say(f"  the {label} result from published in the kernel to shown in the page: "
                f"{statistics.median(ways):.0f} ms median")
    return 0


if __name__ == "__main__":
    sys.exit(main())
