"""The benchmark suite: every figure of the speed issue, each as a ratio to a baseline
measured in the same run (these machines are shared and noisy).

    python benchmarks/run.py                       # everything: 100k and 1M rows, browser included
    python benchmarks/run.py --sizes 100000 --repeats 3 --skip-browser
    python benchmarks/run.py --only kchange,sweep  # some sections only

Sections (``--only`` takes their names):

kchange   k change -> labels, profile and colour array ready in the ``Segmentation``
          model (``background=False``, so the setter returns when the result is
          applied), at each size x 20 features: cold (nothing to start from), warm-started
          (from the previous k's centres) and cache hit. Baseline: the "rerun everything"
          pipeline of the seed apps (read the CSV, scale, ``KMeans(n_init=10)``, PCA,
          profile by groupby) on the same data.
sweep     k = 2..12 with inertia, silhouette (2,000-row sample), Calinski-Harabasz and
          Davies-Bouldin at 100k: ``Segmentation.sweep`` against the same plain
          scikit-learn loop (``KMeans(n_init=10)`` and the three ``sklearn.metrics``).
fresh     a fresh Python process: time to the first PCA view and to the UMAP view, at the
          demo (7k) and 100k. Baseline: the same data through the seed pipeline in a fresh
          process (imports included) and plain ``umap.UMAP().fit_transform``.
browser   Voila first paint of the explorer (page opened -> status line shows the
          segments) and slider key -> updated status line, in Chromium, at 7k and 100k.
          Baseline: a one-slider notebook on the same server setup (first paint and
          key -> label round trip).
memory    peak resident memory (VmHWM) at 100k and 1M: of the explorer app's Voila kernel
          while Chromium opens the page and moves k three times with the keyboard, and of
          a plain Python process that builds the same model and views and moves k three
          times. Baselines: a Voila kernel whose notebook only reads the table, and the
          same process after only reading it (the data itself). ``--skip-browser``
          measures the process only.

Every figure is a median of ``--repeats`` runs (fewer where one run takes minutes: said
in the output). Data are generated with scikit-learn's ``make_blobs`` (8 centres,
``cluster_std=3``, so segments overlap as in real tables) and written to a temporary
folder; nothing is committed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECTIONS = ("kchange", "sweep", "fresh", "browser", "memory")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


# --------------------------------------------------------------------------- helpers


def make_table(n: int, p: int = 20, seed: int = 0):
    """``n`` rows x ``p`` numeric features: 8 overlapping blobs."""
    import numpy as np
    import pandas as pd
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=n, n_features=p, centers=8, cluster_std=3.0, random_state=seed)
    return pd.DataFrame(X.astype(np.float64), columns=[f"f{j:02d}" for j in range(p)])


def csv_for(n: int, folder: Path, p: int = 20) -> Path:
    path = folder / f"blobs_{n}x{p}.csv"
    if not path.exists():
        make_table(n, p).to_csv(path, index=False)
    return path


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def line(label: str, value: float, baseline: float, unit: Callable[[float], str] = ms) -> None:
    ratio = baseline / value if value > 0 else float("inf")
    print(f"  {label:<44} {unit(value):>12}   {ratio:8.1f}x faster than baseline ({unit(baseline)})")


def cost(label: str, value: float, floor: float) -> None:
    """A figure against a floor that nothing can beat (an empty app on the same stack)."""
    print(f"  {label:<44} {ms(value):>12}   {value / floor:8.1f}x the baseline ({ms(floor)})")


def rerun_everything(csv: Path, k: int, seed: int = 0) -> None:
    """The seed apps' pipeline: read, scale, KMeans(n_init=10), PCA, groupby profile."""
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    df = pd.read_csv(csv)
    X = StandardScaler().fit_transform(df)
    labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(X)
    PCA(n_components=2, random_state=seed).fit_transform(X)
    df.assign(segment=labels).groupby("segment").agg(["mean", "median"])


# --------------------------------------------------------------------------- sections


def section_kchange(sizes: list[int], repeats: int, folder: Path) -> None:
    from segwidgets import Segmentation

    print("\n1. k change -> labels, profile and colours ready (Segmentation model, 20 features)")
    for n in sizes:
        csv = csv_for(n, folder)
        df = make_table(n)
        base_repeats = repeats if n <= 200_000 else max(1, min(repeats, 2))
        baseline = median_time(lambda: rerun_everything(csv, 5), base_repeats)
        print(f" {n:,} rows (baseline: median of {base_repeats}):")
        model = Segmentation(df, k=4)  # background refits, as in the apps
        ks = [5, 6, 7, 8, 9, 10, 11, 12, 4, 3][: max(3, repeats)]
        shown: list[float] = []
        model.observe(lambda change: shown.append(time.perf_counter()), "revision")

        def run(k_values: list[int], warm: bool) -> list[float]:
            out = []
            for k in k_values:
                model.warm_start = warm
                model.clear_cache(keep_prepared=True)
                model.k = k - 1  # a slider step: k - 1 -> k
                model.wait()
                shown.clear()
                started = time.perf_counter()
                model.k = k
                model.wait()
                # ready = the first result for this k applied (labels, profile, colours)
                out.append(shown[0] - started)
                assert len(model.segment_ids) == k and model.timings.get("cache_hit") == 0.0
            return out

        cold = run(ks, warm=False)
        warm = run(ks, warm=True)
        hits = []
        for k in ks:
            model.k = k  # now cached
            model.wait()
        for k in ks:
            started = time.perf_counter()
            model.k = k
            hits.append(time.perf_counter() - started)
            assert model.timings.get("cache_hit") == 1.0
        line("cold (no previous centres)", statistics.median(cold), baseline)
        line("warm-started (from k - 1's centres)", statistics.median(warm), baseline)
        line("cache hit", statistics.median(hits), baseline)
        print(f"    (medians over k = {', '.join(map(str, ks))}, each a step from k - 1 with nothing cached)")
        model.close()


def section_sweep(repeats: int, n: int = 100_000) -> None:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

    from segwidgets import Segmentation

    print(f"\n2. sweep k = 2..12 with every metric, {n:,} rows x 20")
    df = make_table(n)
    model = Segmentation(df, k=4, background=False)
    X = model.prepared.X

    def plain() -> None:
        for k in range(2, 13):
            km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
            silhouette_score(X, km.labels_, sample_size=2000, random_state=0)
            calinski_harabasz_score(X, km.labels_)
            davies_bouldin_score(X, km.labels_)
            _ = km.inertia_

    def ours() -> None:
        model.clear_cache(keep_prepared=True)
        result = model.sweep(range(2, 13))
        assert list(result.table.index) == list(range(2, 13))

    r = max(1, min(repeats, 3))
    baseline = median_time(plain, r)
    value = median_time(ours, r)
    line("Segmentation.sweep(range(2, 13))", value, baseline)
    started = time.perf_counter()
    model.k = 9
    hit = time.perf_counter() - started
    print(f"  then k=9 on the slider: {ms(hit)} (cache hit: {model.timings.get('cache_hit') == 1.0}); "
          f"median of {r}; knee found at k={model.sweep(range(2, 13)).knee}")
    del np
    model.close()


FRESH_OURS = """
import sys, time, json
t0 = time.perf_counter()
from segwidgets import Segmentation
import pandas as pd
source = sys.argv[1]
data = pd.read_csv(source) if source.endswith('.csv') else source
model = Segmentation(data, k=4, background=False)
assert model.coords is not None
pca = time.perf_counter() - t0
model.embedding = 'umap'
assert model.wait_embedding(600)
umap = time.perf_counter() - t0
model.features = model.features[:-1]  # a new map, now that numba has compiled (a warmed-up app)
model.wait()
t1 = time.perf_counter()
model.wait_embedding(600)
print(json.dumps({'pca': pca, 'umap': umap, 'umap_again': time.perf_counter() - t1}))
"""

FRESH_BASELINE = """
import sys, time, json
t0 = time.perf_counter()
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler
source = sys.argv[1]
if source.endswith('.csv'):
    df = pd.read_csv(source)
else:
    from segwidgets.datasets import load
    df = load(source)
df = df.select_dtypes('number').dropna(axis=1, how='all')
df = df.fillna(df.median())
X = StandardScaler().fit_transform(df)
labels = KMeans(n_clusters=4, n_init=10, random_state=0).fit_predict(X)
PCA(n_components=2).fit_transform(X)
df.assign(segment=labels).groupby('segment').mean()
pca = time.perf_counter() - t0
import umap
umap.UMAP(random_state=0).fit_transform(X[:100_000])
print(json.dumps({'pca': pca, 'umap': time.perf_counter() - t0}))
"""


def run_script(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                         timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def section_fresh(repeats: int, folder: Path) -> None:
    print("\n3. fresh process: first PCA view and UMAP view (imports included)")
    for label, source in (("demo (7,050 rows)", "facebook_live"),
                          ("100,000 rows x 20", str(csv_for(100_000, folder)))):
        r = max(1, min(repeats, 3))
        ours = [run_script(FRESH_OURS, source) for _ in range(r)]
        base = [run_script(FRESH_BASELINE, source) for _ in range(r)]
        print(f" {label} (median of {r}):")
        line("first PCA view", statistics.median(o["pca"] for o in ours),
             statistics.median(b["pca"] for b in base))
        line("UMAP view", statistics.median(o["umap"] for o in ours),
             statistics.median(b["umap"] for b in base))
        line("UMAP view once numba has compiled", statistics.median(o["umap_again"] for o in ours),
             statistics.median(b["umap"] for b in base))


MEMORY_SCRIPT = """
import sys, json
import pandas as pd

def peak_mb():
    # VmHWM: this process's own high-water mark (ru_maxrss would carry the parent's over exec)
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024

df = pd.read_csv(sys.argv[1])
data_only = peak_mb()
if sys.argv[2] == 'model':
    from segwidgets import Segmentation
    from segwidgets.dashboards.explorer import Explorer
    model = Segmentation(df, k=4, background=False)
    explorer = Explorer(model)  # the views serialise their state as in a kernel (no comm to send it)
    for k in (5, 6, 7):
        model.k = k
print(json.dumps({'data': data_only, 'peak': peak_mb()}))
"""

#: A Voila page whose kernel only reads the table: the memory baseline of a kernel.
TABLE_ONLY_NOTEBOOK = {
    "cells": [{
        "cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
        "source": textwrap.dedent("""\
            import os
            import ipywidgets as w
            import pandas as pd
            df = pd.read_csv(os.environ["SEGWIDGETS_DATA"])
            label = w.HTML(f"{len(df):,} rows read")
            label.add_class("sw-status")
            label
            """),
    }],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def budget(mb: float) -> str:
    return f"{'within' if mb <= 2048 else 'OVER'} the 2 GB budget"


def section_memory(sizes: list[int], folder: Path, browser: bool) -> None:
    print("\n5. peak memory: read the table, open the explorer, move k 3 times")
    for n in sizes:
        csv = csv_for(n, folder)
        base = run_script(MEMORY_SCRIPT, str(csv), "data")
        ours = run_script(MEMORY_SCRIPT, str(csv), "model")
        print(f" {n:,} rows x 20:")
        print(f"  {'a Python process (model and views)':<44} {ours['peak']:>9,.0f} MB   "
              f"{ours['peak'] / base['peak']:8.1f}x reading the table alone ({base['peak']:,.0f} MB); "
              f"{budget(ours['peak'])}")
        if browser:
            kernel = _kernel_memory(folder, csv, n)
            print(f"  {'the Voila kernel, driven by Chromium':<44} {kernel['peak']:>9,.0f} MB   "
                  f"{kernel['peak'] / kernel['base']:8.1f}x a kernel that only reads the table "
                  f"({kernel['base']:,.0f} MB); {budget(kernel['peak'])}")
            print(f"    (that visit: page ready in {ms(kernel['paint'])}, slider key -> status line "
                  f"{', '.join(ms(s) for s in kernel['keys'])})")


BASELINE_NOTEBOOK = {
    "cells": [{
        "cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
        "source": textwrap.dedent("""\
            import ipywidgets as w
            slider = w.IntSlider(value=4, min=2, max=12)
            slider.add_class("sw-k-slider")
            label = w.HTML("4 segments of baseline rows")
            label.add_class("sw-status")
            slider.observe(lambda c: setattr(label, "value", f"{c['new']} segments of baseline rows"), "value")
            w.VBox([slider, label])
            """),
    }],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def _serve(notebook: Path, env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, str]:
    from segwidgets.cli import voila_command

    port = _free_port()
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(voila_command(notebook, port=port), stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, **env}, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "voila/static/voila.js", timeout=2)
            return server, url
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    raise RuntimeError(f"Voila did not start for {notebook}")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def _pool_fills(log: Path) -> int:
    """How many times Voila has filled the notebook's pool of preheated kernels."""
    return log.read_text(errors="replace").count("is filled with")


def _kernels(server_pid: int) -> list[int]:
    """Process ids of the server's kernels."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
        if b"ipykernel_launcher" in cmdline and ppid == server_pid:
            pids.append(int(entry.name))
    return pids


def _kernel_cpu(server_pid: int) -> float:
    """CPU seconds used so far by the server's kernels (from /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in _kernels(server_pid):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(stat[11]) + int(stat[12])) / tick
    return total


def _peak_mb(pid: int) -> float:
    """A process's own high-water mark of resident memory (VmHWM), in MB."""
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        if text.startswith("VmHWM:"):
            return int(text.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def _step_k(page, status, text: str, timeout: float) -> float:
    """Seconds from an ArrowRight key press on the k slider until ``status`` shows ``text``."""
    page.locator(".sw-k-slider [role=slider], .sw-k-slider .noUi-handle, .sw-k-slider input").first.focus()
    pressed = time.perf_counter()
    page.keyboard.press("ArrowRight")
    status.filter(has_text=text).first.wait_for(timeout=timeout)
    return time.perf_counter() - pressed


def _kernel_memory(folder: Path, csv: Path, n: int) -> dict:
    """Peak memory of the kernel a Chromium visit gets: the explorer app on ``csv`` (page
    opened, k moved three times with the keyboard) against a page that only reads it."""
    from playwright.sync_api import sync_playwright

    from segwidgets.cli import app_path

    table_only = folder / "table_only.ipynb"
    table_only.write_text(json.dumps(TABLE_ONLY_NOTEBOOK))
    rows = f"{n:,} rows"
    out: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, notebook, ready, steps in (
                    ("base", table_only, f"{rows} read", []),
                    ("peak", app_path("explorer"), f"4 segments of {rows}",
                     [f"{k} segments of {rows}" for k in (5, 6, 7)])):
                log = folder / f"memory-{name}-{n}.log"
                server, url = _serve(notebook, {"SEGWIDGETS_DATA": str(csv)}, log)
                try:
                    _wait_pool(log, 1, server.pid, timeout=900)
                    visited = _kernels(server.pid)  # the preheated kernel the page is given
                    page = browser.new_page(viewport={"width": 1280, "height": 800})
                    started = time.perf_counter()
                    page.goto(url, wait_until="commit", timeout=600_000)
                    status = page.locator(".sw-status")
                    status.filter(has_text=ready).first.wait_for(timeout=600_000)
                    out["paint"] = time.perf_counter() - started
                    if steps:  # the pool's refill competes for the 2 cores: let it finish first
                        _wait_pool(log, 2, server.pid, timeout=900)
                    keys = []
                    for text in steps:
                        keys.append(_step_k(page, status, text, timeout=300_000))
                    if steps:
                        out["keys"] = keys
                        page.wait_for_timeout(2000)  # the seeded fit and its metrics follow the preview
                    out[name] = max(_peak_mb(pid) for pid in visited)
                    page.close()
                finally:
                    _stop(server)
        finally:
            browser.close()
    return out


def _wait_pool(log: Path, fills: int, server_pid: int, timeout: float = 300) -> None:
    """Until Voila has started ``fills`` pool kernels and its kernels have gone quiet
    (a preheated kernel has run its notebook up to the wait for a visitor)."""
    deadline = time.monotonic() + timeout
    while _pool_fills(log) < fills:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the kernel pool was not refilled within {timeout:.0f} s")
        time.sleep(0.25)
    before = _kernel_cpu(server_pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = _kernel_cpu(server_pid)
        if now - before < 0.05:
            return
        before = now
    raise RuntimeError(f"the kernels did not settle within {timeout:.0f} s")


#: Records the longest main-thread task (the map's WebGL redraw, in software in headless Chromium).
LONG_TASKS = """() => { window.__swLongest = 0; new PerformanceObserver(list => { for (const e of list.getEntries())
    window.__swLongest = Math.max(window.__swLongest, e.duration); }).observe({type: 'longtask'}); }"""


def _visit(browser, url: str, ready_text: str, after_text: str, log: Path, visit: int,
           server_pid: int) -> tuple[float, float, float]:
    """Open ``url`` once a preheated kernel is waiting; seconds to ``ready_text`` in the status
    line; then, once the pool has been refilled (its refill competes for the 2 cores),
    the seconds from a key press on the k slider to ``after_text``."""
    _wait_pool(log, visit + 1, server_pid)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=300_000)
        status = page.locator(".sw-status")
        status.filter(has_text=ready_text).first.wait_for(timeout=300_000)
        paint = time.perf_counter() - started
        _wait_pool(log, visit + 2, server_pid)
        page.wait_for_timeout(500)
        page.evaluate(LONG_TASKS)
        key = _step_k(page, status, after_text, timeout=120_000)
        page.wait_for_timeout(4000)  # the map's redraw follows the status line
        busy = page.evaluate("() => window.__swLongest || 0") / 1000
        return paint, key, busy
    finally:
        context.close()


def section_browser(repeats: int, folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    from segwidgets.cli import app_path

    print("\n4. browser (Voila + Chromium): first paint, and slider key -> updated status line")
    baseline_nb = folder / "baseline_slider.ipynb"
    baseline_nb.write_text(json.dumps(BASELINE_NOTEBOOK))
    cases = [("demo (7,050 rows)", {}, "7,050 rows"),
             ("100,000 rows x 20", {"SEGWIDGETS_DATA": str(csv_for(100_000, folder))}, "100,000 rows")]
    r = max(1, min(repeats, 3))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        server, url = _serve(baseline_nb, {}, folder / "baseline.log")
        try:
            base = [_visit(browser, url, "4 segments", "5 segments", folder / "baseline.log", i, server.pid)
                    for i in range(r)]
        finally:
            _stop(server)
        base_paint = statistics.median(b[0] for b in base)
        base_key = statistics.median(b[1] for b in base)
        for label, env, rows in cases:
            log = folder / f"explorer-{len(env)}.log"
            server, url = _serve(app_path("explorer"), env, log)
            try:
                ours = [_visit(browser, url, f"4 segments of {rows}", f"5 segments of {rows}", log, i,
                               server.pid)
                        for i in range(r)]
            finally:
                _stop(server)
            print(f" {label} (median of {r} visits; baseline: a one-slider notebook):")
            cost("first paint (page opened -> segments shown)", statistics.median(o[0] for o in ours), base_paint)
            cost("slider key -> updated status line", statistics.median(o[1] for o in ours), base_key)
            print(f"  {'then the map redraw (longest main-thread task)':<44} "
                  f"{ms(statistics.median(o[2] for o in ours)):>12}   (WebGL drawn in software by headless "
                  "Chromium: there is no GPU here)")
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        help="rows for the k-change and memory sections (comma-separated)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections: {', '.join(SECTIONS)}")
    parser.add_argument("--skip-browser", action="store_true", help="leave out the browser section")
    parser.add_argument("--sweep-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    if args.skip_browser and "browser" in only:
        only.remove("browser")
    print(f"segwidgets benchmarks · {os.cpu_count()} cores · python {sys.version.split()[0]} · "
          f"sizes {', '.join(f'{n:,}' for n in sizes)} · repeats {args.repeats}")
    with tempfile.TemporaryDirectory(prefix="segwidgets-bench-") as tmp:
        folder = Path(tmp)
        if "kchange" in only:
            section_kchange(sizes, args.repeats, folder)
        if "sweep" in only:
            section_sweep(args.repeats, args.sweep_rows)
        if "fresh" in only:
            section_fresh(args.repeats, folder)
        if "browser" in only:
            section_browser(args.repeats, folder)
        if "memory" in only:
            section_memory(sizes, folder, browser=not args.skip_browser)
    return 0


if __name__ == "__main__":
    sys.exit(main())
