"""From a snapshot of the spec to a :class:`Result`: prepare -> (preview) -> fit -> measure -> assemble.

Plain functions over a :class:`Request` and the model's :class:`~.cache.Caches`;
they know nothing of traits, threads or views. The model decides when to call
them and publishes what they return.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.algorithms import (
    ALGORITHMS,
    WARM_STARTABLE,
    ClusterFit,
    fit_prepared,
    fit_warm,
    spread_labels,
)
from ..core.edits import EditContext, apply_edits, edit_key
from ..core.embedding import pca_2d
from ..core.hierarchy import LINKAGES, Tree, build_tree
from ..core.matching import Matching, match_segments
from ..core.metrics import compute_metrics
from ..core.palette import segment_color
from ..core.preprocess import (
    NUMERIC_ROLES,
    Prepared,
    PreprocessSpec,
    prepare,
    role_name,
)
from ..core.profile import SegmentProfile, profile_inputs, profile_segments
from ..errors import SegwidgetsValueError
from .cache import Caches
from .result import Result, frozen_array, frozen_map

#: Most points the map draws; larger tables show a seeded random sample (profiles use every row).
MAX_MAP_POINTS = 100_000


@functools.lru_cache(maxsize=8)
def _sample_positions(n: int, size: int) -> np.ndarray:
    positions = np.sort(np.random.default_rng(0).choice(n, size=size, replace=False))
    positions.setflags(write=False)
    return positions


def map_positions(n: int) -> np.ndarray | slice:
    """Which of ``n`` prepared rows the map draws: all of them, or a seeded sample."""
    return slice(None) if n <= MAX_MAP_POINTS else _sample_positions(n, MAX_MAP_POINTS)


@dataclass(frozen=True)
class Request:
    """A snapshot of the spec, taken when a refit is asked for."""

    generation: int
    data_version: int
    frame: pd.DataFrame
    roles: Mapping[str, Any]
    features: tuple[str, ...]
    preprocess: PreprocessSpec
    algorithm: str
    k: int
    seed: int
    params: tuple[tuple[str, Any], ...]
    naming: str = "traits"
    edits: tuple[Mapping[str, Any], ...] = ()

    @property
    def edits_key(self) -> tuple[str, ...]:
        """The hand edits, canonical and hashable."""
        return edit_key(self.edits)

    @property
    def prep_key(self) -> tuple:
        return (self.data_version, self.features, self.preprocess)

    @property
    def fit_key(self) -> tuple:
        k = self.k if ALGORITHMS[self.algorithm].uses_k else None
        return (self.prep_key, self.algorithm, k, self.seed, self.params)


@dataclass
class Fitted:
    """What a fit produced, independent of segment ids (cached by ``fit_key``)."""

    fit: ClusterFit
    labels: np.ndarray  # raw labels over all rows of the frame
    metrics: dict | None  # None until measured (after the result is shown)
    seconds: dict
    map_centres: tuple[np.ndarray, dict[int, tuple[float, float]]] | None = None  # (coords, by raw label)


def fitted_from(request: Request, prepared: Prepared, fit: ClusterFit, metrics: dict | None = None) -> Fitted:
    """A fit of ``prepared`` as the cache keeps it."""
    return Fitted(fit=fit, labels=spread_labels(prepared, fit.labels, len(request.frame)), metrics=metrics,
                  seconds=dict(fit.timings))


def prepared_rows(request: Request, caches: Caches) -> Prepared:
    """The preprocessed rows of ``request`` (cached), or a plain error if nothing can be segmented."""
    if not request.features:
        usable = {role_name(r) for r in request.roles.values()}
        if usable & set(NUMERIC_ROLES):
            message = "Choose at least one feature to segment on."
        elif "categorical" in usable:
            message = ("This table has no numeric columns to segment on; choose categorical "
                       "features in the feature list (they are one-hot encoded).")
        else:
            message = ("This table has no numeric or categorical columns to segment on: dates, "
                       "identifiers and empty columns cannot be used.")
        raise SegwidgetsValueError(message)
    prepared = caches.prepared.get(request.prep_key)
    if prepared is None:
        prepared = prepare(request.frame, list(request.features), request.roles, request.preprocess)
        prepared = caches.prepared.setdefault(request.prep_key, prepared)
    return prepared


def fit(request: Request, caches: Caches, cancel: Callable[[], bool] | None = None) -> tuple[Prepared, Fitted]:
    """The seeded fit of ``request`` (cached), with the PCA map computed alongside.

    ``cancel()`` true stops a long fit between its steps (raising ``SegwidgetsCancelled``)."""
    started = time.perf_counter()
    prepared = prepared_rows(request, caches)
    prep_seconds = time.perf_counter() - started
    fitted = caches.fits.get(request.fit_key)
    if fitted is None:
        building = tree_to_build(request, caches) is not None
        tree = hierarchy_tree(request, prepared, caches)  # once per rows and linkage; each k cuts it
        cluster = fit_prepared(prepared, request.algorithm, request.k, request.seed, dict(request.params),
                               cancel=cancel, tree=tree)
        fitted = fitted_from(request, prepared, cluster)
        built = {"tree": tree.seconds} if building and tree is not None else {}
        fitted.seconds = {"preprocess": prep_seconds, **built, **fitted.seconds}
        fitted = caches.fits.setdefault(request.fit_key, fitted)
    pca_map(request.prep_key, prepared, caches)  # off the caller's thread, after the fit
    return prepared, fitted


def _tree_key(request: Request) -> tuple:
    return (request.prep_key, request.algorithm, request.seed, ALGORITHMS[request.algorithm].max_rows)


def hierarchy_tree(request: Request, prepared: Prepared, caches: Caches) -> Tree | None:
    """The hierarchical tree ``request`` cuts (built once per prepared rows, linkage and sample,
    then cached), or None for a method that is not hierarchical."""
    if request.algorithm not in LINKAGES:
        return None
    tree = caches.trees.get(_tree_key(request))
    if tree is None:
        tree = build_tree(prepared.X, request.algorithm, seed=request.seed,
                          max_rows=ALGORITHMS[request.algorithm].max_rows)
        tree = caches.trees.setdefault(_tree_key(request), tree)
    return tree


def tree_to_build(request: Request, caches: Caches) -> int | None:
    """Rows of the hierarchical tree ``request`` still has to build (None: none to build)."""
    if request.algorithm not in LINKAGES or _tree_key(request) in caches.trees:
        return None
    prepared = caches.prepared.get(request.prep_key)
    limit = ALGORITHMS[request.algorithm].max_rows
    n = len(request.frame) if prepared is None else prepared.n_rows
    return min(n, limit) if limit is not None else n


def fitting_status(request: Request, caches: Caches) -> str:
    """What the status says while ``request`` is fitted: a hierarchical tree to build says so."""
    info = ALGORITHMS[request.algorithm]
    rows = tree_to_build(request, caches)
    if rows is not None:
        return (f"Building the {info.label} tree of {rows:,} rows (once: every k is then a cut of it, "
                f"at once)…")
    return f"Fitting {f'{info.label} with k={request.k}' if info.uses_k else info.label}…"


def preview(request: Request, shown: Result | None, caches: Caches,
            min_rows: int = 0) -> tuple[Prepared, Fitted] | None:
    """A fit warm-started from the centres on show, or None where none applies.

    Only for a k change of a k-means method with everything else unchanged, when the
    seeded fit is not cached, on more than ``min_rows`` prepared rows (fewer: the seeded fit
    is quick enough to wait for; see :data:`segwidgets.config.PROVISIONAL_ROWS`). A preview is
    never cached: the seeded fit that follows is the result (and what a saved spec reproduces).
    """
    if (shown is None or request.algorithm not in WARM_STARTABLE
            or request.fit_key in caches.fits or shown.k == request.k):
        return None
    prep_key, algorithm, _k, seed, params = shown.fit_key
    if (prep_key, algorithm, seed, params) != (request.prep_key, request.algorithm, request.seed,
                                               request.params):
        return None
    prepared = caches.prepared.get(request.prep_key)
    if prepared is None or prepared.n_rows <= min_rows:
        return None
    rows32 = caches.float32.get(request.prep_key)
    if rows32 is None:  # a preview needs no float64: float32 halves the work of each iteration
        rows32 = dataclasses.replace(prepared, X=prepared.X.astype(np.float32))
        caches.float32.put(request.prep_key, rows32)
    cluster = fit_warm(rows32, request.algorithm, request.k, shown.fit.centers_scaled, request.seed,
                       dict(request.params))
    return prepared, fitted_from(request, prepared, cluster)


def measure(request: Request, prepared: Prepared, fitted: Fitted) -> dict:
    """Quality metrics of a fit (measured once, kept on the cached fit)."""
    if fitted.metrics is None:
        started = time.perf_counter()
        fitted.metrics = compute_metrics(prepared.X, fitted.fit.labels, seed=request.seed)
        fitted.seconds["metrics"] = time.perf_counter() - started
    return dict(fitted.metrics)


def pca_map(prep_key: tuple, prepared: Prepared, caches: Caches) -> np.ndarray:
    """PCA fitted on every prepared row; the map keeps the rows of the display sample (cached)."""
    coords = caches.embeddings.get((prep_key, "pca"))
    if coords is None:
        coords = pca_2d(prepared.X, seed=0)[map_positions(prepared.n_rows)]
        coords = caches.embeddings.setdefault((prep_key, "pca"), frozen_array(coords))
    return coords


def map_centres(coords: np.ndarray, labels: np.ndarray, ids: Sequence[int]) -> dict[int, tuple[float, float]]:
    """Mean map position of the points of each label in ``ids``."""
    keep = labels >= 0
    if not keep.any():
        return {}
    lab = labels[keep]
    size = int(lab.max()) + 1
    counts = np.bincount(lab, minlength=size)
    xs = np.bincount(lab, weights=coords[keep, 0], minlength=size)
    ys = np.bincount(lab, weights=coords[keep, 1], minlength=size)
    return {int(i): (float(xs[i] / counts[i]), float(ys[i] / counts[i]))
            for i in ids if 0 <= i < size and counts[i]}


def _match(previous: Result | None, fitted: Fitted, initial_ids: Sequence[int],
           reserved: Collection[int]) -> Matching:
    n_new = fitted.fit.n_segments
    if previous is None and len(initial_ids) == n_new:  # a first fit from a saved spec: its ids
        matching = match_segments(None, fitted.labels, n_new)
        ids = np.asarray(initial_ids, dtype=np.int64)
        matching.ids = ids
        matching.labels = np.where(fitted.labels >= 0, ids[np.clip(fitted.labels, 0, None)], -1)
        return matching
    if previous is None:  # a first fit: ids 0..n-1, so names given up front land on them
        return match_segments(None, fitted.labels, n_new)
    return match_segments(previous.labels, fitted.labels, n_new, reserved=reserved)


def _raw_profile(request: Request, fitted: Fitted, preview: bool, caches: Caches) -> SegmentProfile:
    key = (request.fit_key, preview, request.naming)
    profile = caches.profiles.get(key)
    if profile is None:  # profiled once per fit, by raw label; stable ids come after
        inputs_key = (request.data_version, request.features)
        inputs = caches.profile_inputs.get(inputs_key)
        if inputs is None:
            inputs = profile_inputs(request.frame, list(request.features), request.roles)
            caches.profile_inputs.put(inputs_key, inputs)
        profile = profile_segments(request.frame, fitted.labels, list(request.features), request.roles,
                                   inputs=inputs, naming=request.naming)
        caches.profiles.put(key, profile)
    return profile


def named_profile(profile: SegmentProfile, names: Mapping[int, str]) -> SegmentProfile:
    """``profile`` with the names a person gave."""
    given = {int(i): names[int(i)] for i in profile.summary.index if int(i) in names}
    if not given:
        return profile
    summary = profile.summary.copy()
    for i, name in given.items():
        summary.loc[i, "name"] = name
    named = copy.copy(profile)  # not dataclasses.replace: it would compute the lazy medians
    named.summary = summary
    return named


def assemble(
    request: Request,
    prepared: Prepared,
    fitted: Fitted,
    *,
    previous: Result | None,
    names: Mapping[int, str],
    initial_ids: Sequence[int],
    coords: np.ndarray,
    embedding: str,
    caches: Caches,
    cached: bool,
    preview: bool = False,
) -> Result:
    """The :class:`Result` of a fit, its segments matched to ``previous`` so ids (and names) carry over."""
    started = time.perf_counter()
    if previous is not None and previous.data_version != request.data_version:
        previous = None
    matching = _match(previous, fitted, initial_ids, names.keys())
    raw_to_id = tuple(int(i) for i in matching.ids)
    profile = _raw_profile(request, fitted, preview, caches).relabel(dict(enumerate(raw_to_id)))
    generated = {int(i): str(n) for i, n in profile.summary["name"].items()}
    map_rows = prepared.row_index[map_positions(prepared.n_rows)]
    if fitted.map_centres is None or fitted.map_centres[0] is not coords:
        fitted.map_centres = (coords, map_centres(coords, fitted.labels[map_rows], range(len(raw_to_id))))
    centres = {raw_to_id[raw]: xy for raw, xy in fitted.map_centres[1].items()}
    labels, metrics = matching.labels, fitted.metrics or {}
    messages = list(prepared.notes) + list(fitted.fit.warnings)
    edits = request.edits_key if request.edits and not preview else ()
    if edits:
        hand = edited(request, prepared, labels, raw_to_id, generated, caches)
        labels, profile, generated, metrics = hand.labels, hand.profile, hand.generated, hand.metrics
        centres = map_centres(coords, labels[map_rows], hand.ids)
        messages += hand.warnings
    ids = tuple(int(i) for i in profile.summary.index)
    shown_names = {i: names.get(i, generated[i]) for i in ids}
    if prepared.n_rows > MAX_MAP_POINTS:
        messages.append(
            f"The map shows a random sample of {MAX_MAP_POINTS:,} of the {prepared.n_rows:,} rows; "
            "segments, profiles and metrics use every row."
        )
    old_names = {} if previous is None else dict(previous.names)
    messages += change_messages(matching, names, old_names, generated)
    seconds = {**fitted.seconds, "apply": time.perf_counter() - started,
               "cache_hit": float(cached), "warm_start": float(preview)}
    return Result(
        fit_key=request.fit_key, prep_key=request.prep_key, data_version=request.data_version,
        preview=preview, cached=cached, algorithm=request.algorithm, k=request.k, seed=request.seed,
        features=request.features, labels=frozen_array(labels), raw_to_id=raw_to_id, edits=edits,
        segment_ids=ids, generated_names=frozen_map(generated), names=frozen_map(shown_names),
        colors=frozen_map({i: segment_color(i) for i in ids}),
        profile=named_profile(profile, names), coords=coords, coord_rows=frozen_array(map_rows),
        center_coords=frozen_map(centres), embedding=embedding,
        metrics=frozen_map(metrics), warnings=tuple(messages),
        timings=frozen_map(seconds), summary=summary(request, fitted, seconds, cached, preview, labels, ids),
        prepared=prepared, fit=fitted.fit,
    )


@dataclass
class HandEdited:
    """A fit's segments after the hand edits (cached by fit, ids and edits)."""

    labels: np.ndarray  # stable id per table row
    ids: tuple[int, ...]
    profile: SegmentProfile  # by stable id, generated names as below
    generated: dict[int, str]
    metrics: dict
    warnings: list[str]


def edits_refit(request: Request, caches: Caches) -> bool:
    """Whether showing ``request`` refits part of the table (a split or drill-in whose outcome
    is not cached yet), so it belongs on the worker thread even when the fit is cached."""
    if not any(edit["op"] in ("split", "drill") for edit in request.edits):
        return False
    return not any(key[0] == request.fit_key and key[-1] == request.edits_key for key in caches.edits.keys())


def edited(request: Request, prepared: Prepared, labels: np.ndarray, raw_to_id: tuple[int, ...],
           generated: Mapping[int, str], caches: Caches) -> HandEdited:
    """``labels`` (the fit's, by stable id) after ``request.edits``: profiled and measured again.

    A segment an edit leaves alone keeps its name (generated names of the others are made
    anew: "an edit never renames an untouched segment"); a merge keeps the name of the
    segment it goes into; an edit's own names (a merge's, a drill-in's) come next.
    """
    key = (request.fit_key, raw_to_id, request.naming, request.edits_key)
    hand = caches.edits.get(key)
    if hand is not None:
        return hand
    context = EditContext(
        frame=request.frame, roles=request.roles, prepared=prepared, algorithm=request.algorithm,
        seed=request.seed, params=dict(request.params), preprocess=request.preprocess,
        features=request.features)
    outcome = apply_edits(labels, request.edits, context)
    profile = profile_segments(request.frame, outcome.labels, list(request.features), request.roles,
                               naming=request.naming)
    fresh = {int(i): str(n) for i, n in profile.summary["name"].items()}
    ids = tuple(int(i) for i in profile.summary.index)
    kept = {i: generated[i] for i in ids if i in generated and i not in outcome.created}
    names_now = {i: outcome.names.get(i) or kept.get(i) or fresh[i] for i in ids}
    profile = named_profile(profile, names_now)
    rows = outcome.labels[prepared.row_index]
    metrics = compute_metrics(prepared.X, rows, seed=request.seed) if (rows >= 0).any() else {}
    hand = HandEdited(labels=outcome.labels, ids=ids, profile=profile, generated=names_now,
                      metrics=dict(metrics), warnings=list(outcome.warnings))
    caches.edits.put(key, hand)
    return hand


def keep_provisional_look(result: Result, provisional: Result | None, names: Mapping[int, str]) -> Result:
    """The seeded ``result`` that replaces a ``provisional`` one (a preview of the same k), with the
    generated names the provisional result showed for the ids they share.

    :func:`assemble` matched the seeded segments to the provisional ones, so ids, and the colours
    that go with them, already carry over; the names a person gave (``names``) always win.
    """
    if (provisional is None or not provisional.preview or result.preview or provisional.k != result.k
            or provisional.data_version != result.data_version):
        return result
    carried = {i: provisional.generated_names[i] for i in result.segment_ids if i in provisional.generated_names}
    if not carried:
        return result
    generated = {**result.generated_names, **carried}
    shown = {i: names.get(i, generated[i]) for i in result.segment_ids}
    return result.replace(generated_names=generated, names=shown, profile=named_profile(result.profile, shown))


def summary(request: Request, fitted: Fitted, seconds: Mapping[str, float], cached: bool,
            preview: bool = False, labels: np.ndarray | None = None, ids: Sequence[int] | None = None) -> str:
    """One line: "5 segments of 7,050 rows · k-means · 9 features · in 0.12 s" (and the hand
    edits: "· 2 hand edits")."""
    info = ALGORITHMS[request.algorithm]
    n = int(((fitted.labels if labels is None else labels) >= 0).sum())
    if preview:
        took = "provisional: started from the previous centres, refining…"
    elif cached:
        took = "from cache"
    else:
        took = f"in {sum(v for k, v in seconds.items() if k not in ('cache_hit', 'warm_start')):.2f} s"
    segments = fitted.fit.n_segments if ids is None else len(ids)
    edits = len(request.edits) if request.edits and not preview else 0
    hand = f" · {edits} hand edit{'s' if edits != 1 else ''}" if edits else ""
    return (
        f"{segments} segment{'s' if segments != 1 else ''} of {n:,} rows · {info.label}"
        f" · {len(request.features)} feature{'s' if len(request.features) != 1 else ''}{hand} · {took}"
    )


def change_messages(matching: Matching, given: Mapping[int, str], old_names: Mapping[int, str],
                    generated: Mapping[int, str]) -> list[str]:
    """Segments that split or merged since the previous result, in words."""

    def name(i: int, names: Mapping[int, str]) -> str:
        return f"'{given.get(i) or names.get(i) or f'segment {i}'}'"

    messages = []
    for old, parts in matching.splits.items():
        messages.append(
            f"Segment {name(old, old_names)} split into {', '.join(name(p, generated) for p in parts)}."
        )
    for new, parts in matching.merges.items():
        messages.append(
            f"Segments {', '.join(name(p, old_names) for p in parts)} merged into {name(new, generated)}."
        )
    return messages
