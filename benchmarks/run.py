"""The benchmark suite: every figure of the speed issue against baselines of the same run.

These machines are shared and noisy: a figure and its baselines are measured in the same
run, their runs interleaved and repeated, and every figure is a median.

    python benchmarks/run.py                       # everything: 100k and 1M rows, browser included
    python benchmarks/run.py --quick               # the in-process figures only (k step, sweep) at 100k
    python benchmarks/run.py --sizes 100000 --repeats 3 --skip-browser
    python benchmarks/run.py --only kchange,sweep  # some sections only

Baselines (``benchmarks/baselines.py``). The k step, the sweep and the fresh process
are each printed against two, in the same run:

* **seed app, as it is (n_init=10)**: the seed apps' pipeline unchanged. It reruns
  everything on every change (read the CSV, ``StandardScaler``, ``KMeans(n_init=10)``,
  PCA, a groupby profile), and its sweep loops over ``KMeans(n_init=10)``. That is ten
  k-means++ starts where the product makes one, so these ratios are mostly ``n_init``:
  they say how much faster the app became, not that the same work got faster.
* **plain scikit-learn, same work**: a ``Pipeline`` of a ``ColumnTransformer``
  (``StandardScaler``) and ``KMeans`` with the product's own settings (one seeded
  k-means++ start, ``n_init="auto"``; default ``init``, ``max_iter``, ``tol``,
  ``algorithm``; float64; every row), as a person writes it, giving the same outputs.
  Each section checks that the product's k-means has exactly these settings and
  finds the same partitions, and stops if not.

Sections (``--only`` takes their names):

kchange   k step (k - 1 -> k) until labels, profile and colour array are in the
          ``Segmentation`` model (``background=True``, as in the apps: the time to the
          first result applied for the new k), at each size x 20 features:
          - warm-started: what the apps show first, a k-means of at most 30 float32
            iterations from k - 1's centres; the seeded fit replaces it a moment later
            ("...then the seeded fit": the time until it is in place);
          - cold: nothing to start from, the seeded fit alone;
          - cache hit: a k seen before.
          Plain scikit-learn, same work: the pipeline refitted for k on the table in
          memory (the product reads it once; the PCA map does not depend on k and is
          computed once) and the same groupby profile, i.e. the seeded result. Every
          figure is a median over the same k values; the runs of each k are interleaved.
sweep     k = 2..12 with inertia, silhouette (2,000-row sample), Calinski-Harabasz and
          Davies-Bouldin at 100k: ``Segmentation.sweep`` against the same
          scikit-learn loop (``KMeans`` and the three ``sklearn.metrics``), with
          ``n_init=10`` (seed app) and with ``n_init="auto"`` after the pipeline's
          scaling (same work).
fresh     a fresh Python process: time to the first PCA view and to the UMAP view, at the
          demo (7k) and 100k (imports included). Baselines: the seed pipeline, and the
          plain pipeline with the product's settings (impute, scale, ``KMeans(n_init="auto")``,
          PCA, profile), each in a fresh process, then plain ``umap.UMAP().fit_transform``.
browser   Voila first paint of the explorer (page opened -> status line shows the
          segments) and slider key -> updated status line, in Chromium, at 7k and 100k.
          Baseline: a one-slider notebook on the same server setup (first paint and
          key -> label round trip): a floor, not a pipeline.
memory    peak resident memory (VmHWM) at 100k and 1M: of the explorer app's Voila kernel
          while Chromium opens the page and moves k three times with the keyboard, and of
          a plain Python process that builds the same model and views and moves k three
          times. Baselines: a Voila kernel whose notebook only reads the table, and the
          same process after only reading it (the data itself). ``--skip-browser``
          measures the process only.

``--repeats`` sets the runs per figure (fewer where one run takes minutes: said in the
output). Data are generated with scikit-learn's ``make_blobs`` (8 centres,
``cluster_std=3``, so segments overlap as in real tables) and written to a temporary
folder; nothing is committed. Nothing here asserts a time: the figures are read, not tested.
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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from statistics import median
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.baselines import (  # after the path is set
    PLAIN_LABEL,
    PLAIN_N_INIT,
    SEED_LABEL,
    SEED_N_INIT,
    check_same_kmeans,
    plain_k_step,
    plain_scaled,
    rerun_everything,
    same_partition,
    sweep_loop,
)

SECTIONS = ("kchange", "sweep", "fresh", "browser", "memory")
#: ``--quick``: the in-process figures at one size, in a few minutes on two busy cores.
QUICK_SECTIONS = ("kchange", "sweep")
QUICK_SIZES = (100_000,)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

T = TypeVar("T")


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


def seconds(fn: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def interleaved(runs: Mapping[str, Callable[[T], float]], args: Sequence[T]) -> dict[str, list[float]]:
    """Every run once per argument, the order rotated at each argument (so that on a noisy
    machine none is always first or last); the seconds each run returned, by name."""
    names = list(runs)
    out: dict[str, list[float]] = {name: [] for name in names}
    for i, arg in enumerate(args):
        turn = i % len(names)
        for name in names[turn:] + names[:turn]:
            out[name].append(runs[name](arg))
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def faster(value: float, baseline: float) -> str:
    """``baseline / value`` in words: "6.5x faster" or "1.2x slower"."""
    if value <= 0 or baseline <= 0:
        return "n/a"
    ratio = baseline / value
    return f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"


_CELL = 30  # one baseline's column: its time and the ratio


def compare_header() -> None:
    """The column titles of :func:`compare` rows."""
    print(f"  {'':<44} {'product':>10}   {SEED_LABEL:>{_CELL}}   {PLAIN_LABEL:>{_CELL}}")


def compare(label: str, value: float, seed: float, plain: float) -> None:
    """A product figure against both baselines: their times and the ratios."""
    seed_cell, plain_cell = (f"{ms(b)} ({faster(value, b)})" for b in (seed, plain))
    print(f"  {label:<44} {ms(value):>10}   {seed_cell:>{_CELL}}   {plain_cell:>{_CELL}}")


def cost(label: str, value: float, floor: float) -> None:
    """A figure against a floor that nothing can beat (an empty app on the same stack)."""
    print(f"  {label:<44} {ms(value):>12}   {value / floor:8.1f}x the baseline ({ms(floor)})")


def kmeans_settings(estimator: object) -> str:
    """The k-means settings both the product and the plain baseline use, for the output."""
    p = estimator.get_params()  # type: ignore[attr-defined]
    return (f"KMeans(n_init={p['n_init']!r}, init={p['init']!r}, max_iter={p['max_iter']}, "
            f"tol={p['tol']:g}, algorithm={p['algorithm']!r}, random_state={p['random_state']})")


# --------------------------------------------------------------------------- sections


def section_kchange(sizes: list[int], repeats: int, folder: Path) -> None:
    print("\n1. k step -> labels, profile and colours ready (Segmentation model, 20 features)")
    print(f"   {SEED_LABEL}: read the CSV, scale, KMeans(n_init={SEED_N_INIT}), PCA, groupby profile")
    print(f"   {PLAIN_LABEL}: Pipeline(ColumnTransformer(StandardScaler), KMeans(n_init={PLAIN_N_INIT!r}))\n"
          "     refitted for k on the table in memory, groupby profile (the product's seeded result for k)")
    for n in sizes:
        _kchange_at(n, repeats, folder)


def _kchange_at(n: int, repeats: int, folder: Path) -> None:
    """The k-step figures at ``n`` rows."""
    import numpy as np

    from segwidgets import Segmentation

    csv = csv_for(n, folder)
    df = make_table(n)
    model = Segmentation(df, k=4)  # background refits, as in the apps
    ks = [5, 6, 7, 8, 9, 10, 11, 12, 4, 3][: max(3, repeats)]
    shown: list[float] = []
    model.observe(lambda change: shown.append(time.perf_counter()), "revision")
    seeded: list[float] = []  # warm steps: until the seeded fit replaced the preview

    def step(k: int, warm: bool) -> float:
        """A slider step k - 1 -> k with nothing cached: seconds to the first result for k."""
        model.warm_start = warm
        model.clear_cache(keep_prepared=True)
        model.k = k - 1
        model.wait()
        shown.clear()
        started = time.perf_counter()
        model.k = k
        model.wait()
        # ready = the first result for this k applied (labels, profile, colours)
        assert len(model.segment_ids) == k and model.timings.get("cache_hit") == 0.0
        if warm:
            assert len(shown) == 2, "a warm step shows a preview, then the seeded fit"
            seeded.append(shown[1] - started)
        return shown[0] - started

    plain_labels: dict[int, np.ndarray] = {}

    def plain_run(k: int) -> float:
        started = time.perf_counter()
        plain_labels[k] = plain_k_step(df, k)
        return time.perf_counter() - started

    runs: dict[str, Callable[[int], float]] = {
        "seed": lambda k: seconds(lambda: rerun_everything(csv, k)),
        "plain": plain_run,
        "cold": lambda k: step(k, warm=False),
        "warm": lambda k: step(k, warm=True),
    }
    t = interleaved(runs, ks)
    for k in ks:
        model.k = k  # the seeded fits, now cached
        model.wait()
    hits = []
    for k in ks:
        started = time.perf_counter()
        model.k = k
        hits.append(time.perf_counter() - started)
        assert model.timings.get("cache_hit") == 1.0
        # equal work: the seeded fit the product keeps is the plain pipeline's
        fit, prepared = model.fit, model.prepared
        assert fit is not None and prepared is not None
        check_same_kmeans(fit.estimator)
        if prepared.X.dtype != np.float64 or fit.sample_index is not None:
            raise RuntimeError("the product's seeded k-means no longer fits every row in float64")
        if not same_partition(model.labels, plain_labels[k]):
            raise RuntimeError(f"the product's k={k} partition differs from the plain pipeline's")

    seed, plain = median(t["seed"]), median(t["plain"])
    print(f" {n:,} rows x 20 (medians over k = {', '.join(map(str, ks))}, each a step from k - 1 with "
          "nothing cached; the four runs of each k interleaved):")
    compare_header()
    compare("warm-started (from k - 1's centres)", median(t["warm"]), seed, plain)
    compare("  ...then the seeded fit in place", median(seeded), seed, plain)
    compare("cold (no previous centres)", median(t["cold"]), seed, plain)
    compare("cache hit (a k seen before)", median(hits), seed, plain)
    print(f"    equal work checked: the product's seeded fit is {kmeans_settings(fit.estimator)} on every "
          "row in float64,\n    and its partition equals the plain pipeline's at every k")
    model.close()


def section_sweep(repeats: int, n: int = 100_000) -> None:
    import numpy as np

    from segwidgets import Segmentation

    ks = range(2, 13)
    print(f"\n2. sweep k = 2..12 with every metric, {n:,} rows x 20")
    print(f"   {SEED_LABEL}: for each k KMeans(n_init={SEED_N_INIT}), silhouette_score (2,000-row sample),\n"
          "     calinski_harabasz_score, davies_bouldin_score")
    print(f"   {PLAIN_LABEL}: the pipeline's scaling once, then the same loop with KMeans(n_init={PLAIN_N_INIT!r})")
    df = make_table(n)
    model = Segmentation(df, k=4, background=False)
    X = model.prepared.X
    plain_labels: dict[int, np.ndarray] = {}
    ours_labels: dict[int, np.ndarray] = {}

    def seed_run(_: int) -> float:
        return seconds(lambda: sweep_loop(X, ks, SEED_N_INIT))

    def plain_run(_: int) -> float:
        return seconds(lambda: plain_labels.update(sweep_loop(plain_scaled(df), ks, PLAIN_N_INIT)))

    def ours(_: int) -> float:
        model.clear_cache(keep_prepared=True)
        started = time.perf_counter()
        result = model.sweep(ks)
        elapsed = time.perf_counter() - started
        assert list(result.table.index) == list(ks)
        ours_labels.update(result.labels)
        return elapsed

    r = max(1, min(repeats, 3))
    t = interleaved({"ours": ours, "seed": seed_run, "plain": plain_run}, range(r))
    differ = [k for k in ks if not same_partition(ours_labels[k], plain_labels[k])]
    if differ:
        raise RuntimeError(f"the product's sweep partitions differ from the plain loop's at k = {differ}")
    print(f" median of {r} (interleaved):")
    compare_header()
    compare("Segmentation.sweep(range(2, 13))", median(t["ours"]), median(t["seed"]), median(t["plain"]))
    started = time.perf_counter()
    model.k = 9
    hit = time.perf_counter() - started
    print(f"    then k=9 on the slider: {ms(hit)} (cache hit: {model.timings.get('cache_hit') == 1.0}); "
          f"knee found at k={model.sweep(ks).knee}\n"
          "    equal work checked: the product's sweep finds the plain loop's partition at every k")
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


FRESH_PLAIN = """
import sys, time, json
t0 = time.perf_counter()
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
source = sys.argv[1]
if source.endswith('.csv'):
    df = pd.read_csv(source)
else:
    from segwidgets.datasets import load
    df = load(source)
numeric = list(df.select_dtypes('number').dropna(axis=1, how='all').columns)
prep = ColumnTransformer([('numeric', Pipeline([('impute', SimpleImputer(strategy='median')),
                                                ('scale', StandardScaler())]), numeric)])
X = prep.fit_transform(df)
labels = KMeans(n_clusters=4, n_init='auto', random_state=0).fit_predict(X)
PCA(n_components=2, random_state=0).fit_transform(X)
df[numeric].groupby(labels).agg(['mean', 'median'])
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
    print(f"   {SEED_LABEL}: read, fill gaps, scale, KMeans(n_init={SEED_N_INIT}), PCA, groupby means;"
          " then umap.UMAP")
    print(f"   {PLAIN_LABEL}: read, ColumnTransformer(median imputer, StandardScaler),\n"
          f"     KMeans(n_init={PLAIN_N_INIT!r}), PCA, groupby profile; then umap.UMAP")
    for label, source in (("demo (7,050 rows)", "facebook_live"),
                          ("100,000 rows x 20", str(csv_for(100_000, folder)))):
        r = max(1, min(repeats, 3))
        scripts = {"ours": FRESH_OURS, "seed": FRESH_BASELINE, "plain": FRESH_PLAIN}
        runs: dict[str, list[dict]] = {name: [] for name in scripts}
        for i in range(r):  # interleaved, the order rotated
            names = list(scripts)[i % 3:] + list(scripts)[: i % 3]
            for name in names:
                runs[name].append(run_script(scripts[name], source))
        m = {name: {key: median([run[key] for run in done]) for key in done[0]} for name, done in runs.items()}
        print(f" {label} (median of {r}, interleaved):")
        compare_header()
        compare("first PCA view", m["ours"]["pca"], m["seed"]["pca"], m["plain"]["pca"])
        compare("UMAP view", m["ours"]["umap"], m["seed"]["umap"], m["plain"]["umap"])
        compare("UMAP view once numba has compiled", m["ours"]["umap_again"], m["seed"]["umap"],
                m["plain"]["umap"])
        print("    (the baselines' UMAP view is in a fresh process, numba compiling included)")


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
    parser.add_argument("--sizes", default=None,
                        help="rows for the k-change and memory sections (comma-separated; "
                             "default 100000,1000000, with --quick 100000)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--only", default=None,
                        help=f"sections: {', '.join(SECTIONS)} (default all, with --quick "
                             f"{','.join(QUICK_SECTIONS)})")
    parser.add_argument("--quick", action="store_true",
                        help="only the in-process figures (k step, sweep) at 100,000 rows; no browser, "
                             "no fresh processes")
    parser.add_argument("--skip-browser", action="store_true", help="leave out the browser section")
    parser.add_argument("--sweep-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    sizes_text = args.sizes or ",".join(map(str, QUICK_SIZES if args.quick else (100_000, 1_000_000)))
    sizes = [int(s.replace("_", "")) for s in sizes_text.split(",") if s.strip()]
    only_text = args.only or ",".join(QUICK_SECTIONS if args.quick else SECTIONS)
    only = [s.strip() for s in only_text.split(",") if s.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    if (args.skip_browser or args.quick) and "browser" in only:
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
            section_memory(sizes, folder, browser=not (args.skip_browser or args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
