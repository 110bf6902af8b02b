"""The model's caches: prepared rows, fits, profiles and maps, each a small LRU keyed by spec."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

#: Fits (and their profiles) kept per model: enough for a sweep over k and several settings.
FIT_CACHE_SIZE = 48
#: Hierarchical trees kept per model (one per prepared rows and linkage; Ward's of 30,000 rows is 1 MB).
TREE_CACHE_SIZE = 4


class LRU:
    """A thread-safe mapping that forgets its least recently used entries beyond ``size``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def setdefault(self, key: Hashable, value: Any) -> Any:
        """The cached value of ``key``, or ``value`` once stored: the first of two racing writers wins."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        self.put(key, value)
        return value

    def keys(self) -> list[Hashable]:
        """The keys held now, oldest use first (a copy)."""
        with self._lock:
            return list(self._items)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Caches:
    """Everything a model has computed and may need again.

    Data Attributes:
        prepared: prep_key -> ``Prepared`` rows.
        float32: prep_key -> the prepared rows in float32 (warm previews).
        fits: fit_key -> ``Fitted`` (labels by raw label, metrics once measured).
        profiles: (fit_key, preview) -> profile by raw label.
        edits: (fit_key, ids, naming, edits) -> the segments after hand edits.
        profile_inputs: (data_version, features) -> the frame's numbers for profiling.
        embeddings: (prep_key, method) -> map coordinates of the display rows.
        trees: (prep_key, linkage, seed, max_rows) -> hierarchical ``Tree``: every k is a cut of it.
    """

    def __init__(self) -> None:
        self.prepared = LRU(8)
        self.float32 = LRU(1)
        self.fits = LRU(FIT_CACHE_SIZE)
        self.profiles = LRU(FIT_CACHE_SIZE)
        self.edits = LRU(FIT_CACHE_SIZE)
        self.profile_inputs = LRU(2)
        self.embeddings = LRU(16)
        self.trees = LRU(TREE_CACHE_SIZE)

    def clear(self, *, keep_prepared: bool = False) -> None:
        """Forget fits and profiles, and (unless ``keep_prepared``) prepared rows and maps."""
        self.fits.clear()
        self.profiles.clear()
        self.edits.clear()
        if not keep_prepared:
            self.prepared.clear()
            self.float32.clear()
            self.embeddings.clear()
            self.trees.clear()
            self.profile_inputs.clear()
