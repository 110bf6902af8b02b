"""Bundled and generated data for examples, notebooks and tests.

- ``load("facebook_live")``: posts of 10 Thai fashion and cosmetics sellers on
  Facebook Live (7,050 rows). Source: UCI Machine Learning Repository,
  "Facebook Live Sellers in Thailand" (Nassim Dehouche, 2018), CC BY 4.0.
- ``make_customers`` / ``make_users``: realistic generated tables with
  categorical, yes/no, identifier and date columns (nothing large is shipped).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs

from ..core.io import LoadedTable, read_table
from ..errors import SegwidgetsValueError

_HERE = Path(__file__).parent
_FILES = {"facebook_live": "facebook_live_sellers_thailand.csv"}


def list_datasets() -> list[str]:
    """Names of the bundled datasets."""
    return sorted(_FILES)


def path(name: str = "facebook_live") -> Path:
    """Path of a bundled dataset's file."""
    try:
        return _HERE / _FILES[name]
    except KeyError:
        raise SegwidgetsValueError(
            f"There is no dataset called {name!r}; available: {', '.join(list_datasets())}."
        ) from None


@lru_cache(maxsize=4)
def _load_table(name: str) -> LoadedTable:
    table = read_table(path(name))
    table.source = name
    return table


def load_table(name: str = "facebook_live") -> LoadedTable:
    """A bundled dataset as a :class:`LoadedTable` (roles and load notes included)."""
    cached = _load_table(name)
    # a copy of what a person may change (copy-on-write: the columns themselves are shared, so
    # a table mapped from the table cache stays shared); the text as read (``original``) is
    # never changed
    frame = cached.frame.copy(deep=False)
    frame.attrs["source"] = name  # a spec saved from this frame can reload it by name
    return dataclasses.replace(cached, frame=frame, columns=dict(cached.columns), notes=list(cached.notes))


def load(name: str = "facebook_live") -> pd.DataFrame:
    """A bundled dataset as a cleaned DataFrame.

    >>> frame = load("facebook_live")
    >>> frame.shape
    (7050, 16)
    """
    return load_table(name).frame


def make_customers(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    """A customer table with categories, numbers, an id and some gaps, built on 4 latent segments."""
    rng = np.random.default_rng(seed)
    X, segment = make_blobs(n_samples=n, centers=4, n_features=4, cluster_std=1.0, random_state=seed)
    frame = pd.DataFrame({
        "customer_id": [f"C{100000 + i}" for i in range(n)],
        "age": np.clip(np.round(40 + 4 * X[:, 0]), 18, 90).astype(int),
        "income": np.round(np.exp(10.5 + 0.12 * X[:, 1]), -2),
        "monthly_spend": np.round(np.exp(4 + 0.15 * X[:, 2]), 2),
        "visits": np.clip(np.round(6 + 1.5 * X[:, 3]), 0, None).astype(int),
        "region": np.array(["North", "South", "East", "West"])[(segment + rng.integers(0, 2, n)) % 4],
        "channel": np.where(segment % 2 == 0, "online", rng.choice(["store", "phone"], n)),
        "plan": np.array(["basic", "plus", "premium"])[np.minimum(segment, 2)],
    })
    frame.loc[rng.choice(n, n // 25, replace=False), "income"] = np.nan
    frame.loc[rng.choice(n, n // 50, replace=False), "channel"] = None
    return frame


def make_users(n: int = 5000, seed: int = 0) -> pd.DataFrame:
    """A user table with an id, yes/no columns (text and 0/1), usage numbers and a signup date."""
    rng = np.random.default_rng(seed)
    X, segment = make_blobs(n_samples=n, centers=3, n_features=3, cluster_std=1.0, random_state=seed)
    start = pd.Timestamp("2023-01-01")
    return pd.DataFrame({
        "user_id": rng.permutation(np.arange(10_000, 10_000 + n)),
        "sessions_per_week": np.clip(np.round(5 + X[:, 0]), 0, None),
        "minutes_per_session": np.round(np.exp(2.5 + 0.2 * X[:, 1]), 1),
        "items_saved": np.clip(np.round(10 + 3 * X[:, 2]), 0, None).astype(int),
        "is_premium": np.where((segment == 2) ^ (rng.random(n) < 0.1), "True", "False"),
        "newsletter": (rng.random(n) < 0.3 + 0.2 * (segment == 1)).astype(int),
        "signup_date": (start + pd.to_timedelta(rng.integers(0, 900, n), unit="D")).strftime("%Y-%m-%d"),
    })
