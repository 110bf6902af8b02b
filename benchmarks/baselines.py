"""The baselines of ``benchmarks/run.py``: what the product's figures are compared with.

Two kinds, both measured in the same run as the product:

* **seed app, as it is**: the seed apps' pipeline, unchanged — every change reruns
  everything (read the CSV, scale, ``KMeans(n_init=10)``, PCA, a groupby profile),
  and their sweep is a loop of ``KMeans(n_init=10)`` with scikit-learn's metrics.
  Ten k-means++ starts per fit where the product makes one, so these ratios are
  mostly ``n_init``; they say how much faster the app got, not how fast the code is.
* **plain scikit-learn, same work**: what a person writes with scikit-learn to get
  what the product gives for the same figure — a ``Pipeline`` of a
  ``ColumnTransformer`` (``StandardScaler``) and ``KMeans`` with the product's
  settings (one seeded k-means++ start, ``n_init="auto"``; ``init``, ``max_iter``,
  ``tol``, ``algorithm`` at scikit-learn's defaults, as the product has them; float64;
  every row, no sample), fitted on the table already in memory, then the same
  outputs: labels and a groupby profile (a k step), or the four metrics per k with a
  2,000-row silhouette sample (a sweep). :func:`check_same_kmeans` and the partition
  checks in ``run.py`` make the run fail if the product's k-means stops being that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

#: The seed apps' k-means restarts; the product makes one seeded k-means++ start.
SEED_N_INIT = 10
PLAIN_N_INIT = "auto"  # one k-means++ start: scikit-learn's default since 1.4
SILHOUETTE_SAMPLE = 2000

SEED_LABEL = f"seed app, as it is (n_init={SEED_N_INIT})"
PLAIN_LABEL = "plain scikit-learn, same work"


# --------------------------------------------------------------------------- seed apps, as they are


def rerun_everything(csv: Path, k: int, seed: int = 0) -> None:
    """The seed apps' k change: read, scale, ``KMeans(n_init=10)``, PCA, groupby profile."""
    df = pd.read_csv(csv)
    X = StandardScaler().fit_transform(df)
    labels = KMeans(n_clusters=k, n_init=SEED_N_INIT, random_state=seed).fit_predict(X)
    PCA(n_components=2, random_state=seed).fit_transform(X)
    df.assign(segment=labels).groupby("segment").agg(["mean", "median"])


# --------------------------------------------------------------------------- plain scikit-learn, same work


def plain_pipeline(columns: Sequence[str], k: int, seed: int = 0) -> Pipeline:
    """Scaling and k-means as a person writes them, with the product's k-means settings."""
    return Pipeline([
        ("prep", ColumnTransformer([("numeric", StandardScaler(), list(columns))])),
        ("model", KMeans(n_clusters=k, n_init=PLAIN_N_INIT, random_state=seed)),
    ])


def plain_k_step(df: pd.DataFrame, k: int, seed: int = 0) -> np.ndarray:
    """What a k step gives, in plain scikit-learn: the pipeline refitted, labels, a profile."""
    labels = plain_pipeline(df.columns, k, seed).fit_predict(df)
    df.groupby(labels).agg(["mean", "median"])
    return labels


def plain_scaled(df: pd.DataFrame) -> np.ndarray:
    """The pipeline's preprocessing alone (a sweep scales once, then loops over k)."""
    return plain_pipeline(df.columns, 2).named_steps["prep"].fit_transform(df)


# --------------------------------------------------------------------------- both: the sweep loop


def sweep_loop(X: np.ndarray, ks: Iterable[int], n_init: int | str, seed: int = 0) -> dict[int, np.ndarray]:
    """k-means for each k with inertia, silhouette (sampled), Calinski-Harabasz and Davies-Bouldin.

    ``n_init=10`` is the seed apps' loop as it is; ``"auto"`` the same work as the product.
    """
    labels: dict[int, np.ndarray] = {}
    for k in ks:
        km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(X)
        silhouette_score(X, km.labels_, sample_size=SILHOUETTE_SAMPLE, random_state=seed)
        calinski_harabasz_score(X, km.labels_)
        davies_bouldin_score(X, km.labels_)
        _ = km.inertia_
        labels[k] = km.labels_
    return labels


# --------------------------------------------------------------------------- equal-work checks


def check_same_kmeans(product_estimator: Any, seed: int = 0) -> None:
    """Raise if the product's fitted k-means has other settings than :func:`plain_pipeline`'s."""
    ours = product_estimator.get_params()
    plain = plain_pipeline([], int(ours["n_clusters"]), seed).named_steps["model"].get_params()
    differ = {name: (ours.get(name), value) for name, value in plain.items() if ours.get(name) != value}
    if type(product_estimator) is not KMeans or differ:
        raise RuntimeError(f"the product's k-means is not the plain baseline's: {type(product_estimator).__name__}"
                           f" {differ} (product, plain); the 'same work' baseline must follow it")


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two labellings group the rows identically (ids may differ)."""
    return bool(adjusted_rand_score(a, b) == 1.0)
