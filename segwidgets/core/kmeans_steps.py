"""Step-by-step k-means (Lloyd's algorithm) for teaching.

Pure computation: numpy and scikit-learn only, no widgets. The lesson widget
(`segwidgets.dashboards.kmeans_lesson`) drives a `KMeansStepper` one
half-step at a time and draws what it holds.

One iteration of Lloyd's algorithm is two half-steps:

* **assign** — every point joins the segment of its nearest centroid;
* **update** — every centroid moves to the mean of the points that joined it.

It has converged when an assign step changes no point's segment (the next
update would then leave every centroid where it is). From the same initial
centroids the stepper reaches the same labels and centroids as
``sklearn.cluster.KMeans(init=centroids, n_init=1, algorithm="lloyd")``,
with one deliberate difference: scikit-learn moves the centroid of an empty
segment to a far-away point, while the lesson keeps it in place and says so,
because that is easier to see and explain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import SegwidgetsValueError

__all__ = [
    "LESSON_SHAPES",
    "LessonShape",
    "KMeansState",
    "KMeansStepper",
    "make_lesson_data",
    "standardise",
    "k_advice",
    "INIT_METHODS",
    "initial_centroids",
    "voronoi_grid",
    "prediction_offsets",
    "VORONOI_CELLS",
    "TABLE_SHAPE",
    "Projection",
    "project_table",
]

#: How a start is chosen: k-means++ (spread out, what scikit-learn does by default) or k random
#: points of the data (``init="random"``).
INIT_METHODS = {"k-means++": "k-means++", "random": "random points"}

#: Cells per side of the grid that draws the Voronoi regions (the area each centroid wins).
VORONOI_CELLS = 120


@dataclass(frozen=True)
class LessonShape:
    """What a lesson data shape is and what it teaches.

    Attributes:
        name: str — key used by `make_lesson_data` ("blobs", ...).
        label: str — shown in the data-shape menu.
        natural_k: int | None — how many groups a person sees (None: no
            clear answer).
        note: str — one sentence on what k-means does with this shape.
        x_label, y_label: str — axis titles.
    """

    name: str
    label: str
    natural_k: int | None
    note: str
    x_label: str = "x"
    y_label: str = "y"


LESSON_SHAPES: dict[str, LessonShape] = {
    s.name: s
    for s in (
        LessonShape(
            "blobs", "Three round blobs", 3,
            "Round groups of similar size: the case k-means is made for.",
        ),
        LessonShape(
            "moons", "Two moons", 2,
            "Curved groups: k-means draws straight boundaries between centroids, "
            "so it cuts each moon in two instead of following the curves.",
        ),
        LessonShape(
            "anisotropic", "Stretched (slanted) blobs", 3,
            "Slanted, elongated groups: k-means looks for round groups, so points "
            "at the ends of one group can end up with its neighbour.",
        ),
        LessonShape(
            "unequal", "Unequal sizes", 3,
            "One big spread-out group and two small tight ones: k-means tends to "
            "split the big group and hand its edge to the small ones.",
        ),
        LessonShape(
            "grid", "Nine blobs in a grid (starts demo)", 9,
            "Nine groups: a start that puts two centroids in one group leaves another group "
            "without one, and k-means cannot repair that by itself — here the start matters "
            "(compare random starts with k-means++ under “Starts”).",
        ),
        LessonShape(
            "stretched", "Different units (scaling demo)", 3,
            "Three groups in yearly spend (euros: numbers in the thousands) and "
            "visits per month (numbers under 20). Without scaling, distances are "
            "almost all spend, so k-means cuts the data into spend bands; "
            "standardise the features and it finds the three groups.",
            x_label="yearly spend (€)", y_label="visits per month",
        ),
    )
}


def make_lesson_data(shape: str, n: int = 300, seed: int = 0) -> np.ndarray:
    """Make a small 2-D data set for the lesson.

    Args:
        shape: one of `LESSON_SHAPES` ("blobs", "moons", "anisotropic",
            "unequal", "grid", "stretched").
        n: number of points (10 to 5,000).
        seed: random seed; the same seed gives the same points.

    Returns:
        float64 array of shape (n, 2).
    """
    from sklearn.datasets import make_blobs, make_moons

    if shape not in LESSON_SHAPES:
        raise SegwidgetsValueError(
            f"Unknown data shape {shape!r}: choose one of {', '.join(LESSON_SHAPES)}."
        )
    n = int(n)
    if not 10 <= n <= 5000:
        raise SegwidgetsValueError(f"The lesson needs between 10 and 5,000 points, not {n}.")
    seed = int(seed)
    if shape == "blobs":
        X, _ = make_blobs(n_samples=n, centers=[[-4, -2], [0, 4], [4, -1]],
                          cluster_std=1.0, random_state=seed)
    elif shape == "moons":
        X, _ = make_moons(n_samples=n, noise=0.07, random_state=seed)
    elif shape == "anisotropic":
        X, _ = make_blobs(n_samples=n, centers=[[-4, -2], [0, 4], [4, -1]],
                          cluster_std=1.0, random_state=seed)
        X = X @ np.array([[0.6, -0.64], [-0.41, 0.85]])
    elif shape == "grid":
        centers = [[x, y] for x in (-6, 0, 6) for y in (-5, 0, 5)]
        X, _ = make_blobs(n_samples=n, centers=centers, cluster_std=1.0, random_state=seed)
    elif shape == "unequal":
        sizes = [n - 2 * (n // 8), n // 8, n // 8]
        X, _ = make_blobs(n_samples=sizes, centers=[[0, 0], [4.5, 3.5], [4.5, -3.5]],
                          cluster_std=[2.0, 0.5, 0.5], random_state=seed)
    else:  # stretched: three round groups in z-scores, then put in very different units
        Z, _ = make_blobs(n_samples=n, centers=[[0, -2.5], [0, 2.5], [3, 0]],
                          cluster_std=0.8, random_state=seed)
        spend = 3000 + 800 * Z[:, 0]
        visits = np.clip(8 + 2 * Z[:, 1], 0, None)
        X = np.column_stack([spend, visits])
    return np.ascontiguousarray(X, dtype=np.float64)


def standardise(X: np.ndarray) -> np.ndarray:
    """Z-scores per column (a constant column becomes 0)."""
    X = np.asarray(X, dtype=np.float64)
    sd = X.std(axis=0)
    sd[sd == 0] = 1.0
    return (X - X.mean(axis=0)) / sd


def k_advice(shape: str, k: int) -> str:
    """One or two plain sentences on what this k does with this data shape."""
    info = LESSON_SHAPES.get(shape)
    natural = info.natural_k if info else None
    groups = {2: "two", 3: "three", 9: "nine"}.get(natural, str(natural))
    if natural is None:
        return f"k={k}."
    if k == 1:
        return (f"k=1 puts every point in one segment: nothing is learned. "
                f"The data has {groups} groups.")
    if k < natural:
        return (f"k={k} on {groups} groups: k-means must merge groups that belong "
                f"apart into one segment.")
    if k > natural:
        return (f"k={k} on {groups} groups: k-means splits real groups into pieces. "
                f"Inertia still goes down as k grows, so a lower inertia alone "
                f"does not mean a better k.")
    if shape == "moons":
        return ("k=2 matches the two moons, but k-means still draws one straight "
                "boundary between the centroids, which cuts across both moons.")
    return f"k={k} matches the {groups} groups a person sees in this data."


@dataclass
class KMeansState:
    """One moment of the lesson: what the plot shows after a half-step.

    Data Attributes:
        centroids: np.ndarray (k, 2) float64 — centroid positions.
        labels: np.ndarray (n,) int64 or None — segment of each point
            (None before the first assign).
        phase: str — the half-step that produced this state: "init",
            "assign" or "update".
        iteration: int — number of assign steps done so far.
        inertia: float | None — sum of squared distances from each point to
            the centroid of its segment (None before the first assign).
        n_changed: int — points whose segment changed (assign steps).
        shift: float — largest distance a centroid moved (update steps).
        empty: tuple[int, ...] — segments left with no points (update steps).
        message: str — plain-language account of what this step did.
    """

    centroids: np.ndarray
    labels: np.ndarray | None
    phase: str
    iteration: int
    inertia: float | None = None
    n_changed: int = 0
    shift: float = 0.0
    empty: tuple[int, ...] = field(default_factory=tuple)
    message: str = ""

    @property
    def k(self) -> int:
        return int(self.centroids.shape[0])


def _sq_distances(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    # (n, k) squared Euclidean distances, computed directly (exact enough and
    # tie-consistent for teaching-sized data).
    diff = X[:, None, :] - C[None, :, :]
    return np.einsum("nkd,nkd->nk", diff, diff)


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


class KMeansStepper:
    """Lloyd's k-means, one half-step at a time, with a history to step back.

    Usage::

        stepper = KMeansStepper(X)
        stepper.init(k=3, seed=0)          # k-means++ start (or centroids=...)
        stepper.step()                     # assign
        stepper.step()                     # update
        stepper.back()                     # undo the update
        stepper.run_to_convergence()
        stepper.state.labels, stepper.converged, stepper.inertia_history

    Data Attributes:
        X: np.ndarray (n, 2+) float64 — the points (not copied on read,
            never modified).
        history: list[KMeansState] — every state since `init`, oldest first.
    """

    MAX_K = 10

    def __init__(self, X: np.ndarray):
        X = np.array(X, dtype=np.float64, copy=True)
        if X.ndim != 2 or X.shape[0] == 0:
            raise SegwidgetsValueError("The lesson needs a table of points with at least one row.")
        if not np.all(np.isfinite(X)):
            raise SegwidgetsValueError("Some points have missing or infinite values.")
        X.setflags(write=False)
        self.X = X
        self.history: list[KMeansState] = []

    # ------------------------------------------------------------------ setup
    def init(self, k: int, seed: int = 0, centroids: np.ndarray | None = None,
             method: str = "k-means++") -> KMeansState:
        """Start over: centroids chosen by `method` ("k-means++" or "random") from `seed`, or the
        `centroids` given."""
        n = self.X.shape[0]
        if centroids is not None:
            C = np.array(centroids, dtype=np.float64, copy=True)
            if C.ndim != 2 or C.shape[1] != self.X.shape[1] or C.shape[0] == 0:
                raise SegwidgetsValueError(
                    f"Centroids need {self.X.shape[1]} coordinates each; got shape {C.shape}."
                )
            if not np.all(np.isfinite(C)):
                raise SegwidgetsValueError("A centroid has a missing or infinite coordinate.")
            k = C.shape[0]
            how = f"{_plural(k, 'centroid')} placed by hand"
        else:
            k = int(k)
            if k < 1:
                raise SegwidgetsValueError(f"k must be at least 1, not {k}.")
            if k > n:
                raise SegwidgetsValueError(f"k={k} is more than the {n} points in the data.")
            C = initial_centroids(self.X, k, seed, method)
            how = f"{_plural(k, 'centroid')} chosen by {INIT_METHODS[method]} (seed {int(seed)})"
        if k > self.MAX_K:
            raise SegwidgetsValueError(f"The lesson shows at most {self.MAX_K} centroids, not {k}.")
        state = KMeansState(
            centroids=C, labels=None, phase="init", iteration=0,
            message=f"Start: {how}. Press Assign to let every point join its nearest centroid.",
        )
        self.history = [state]
        return state

    # --------------------------------------------------------------- queries
    @property
    def state(self) -> KMeansState:
        if not self.history:
            raise SegwidgetsValueError("Start the lesson first (init).")
        return self.history[-1]

    @property
    def k(self) -> int:
        return self.state.k

    @property
    def next_phase(self) -> str:
        """The half-step `step()` would do next: "assign" or "update"."""
        return "update" if self.state.phase == "assign" else "assign"

    @property
    def converged(self) -> bool:
        """True once an assign step changed no point's segment (or an update
        moved no centroid after a labelling)."""
        s = self.state
        if s.phase == "assign":
            return s.iteration > 1 and s.n_changed == 0
        if s.phase == "update":
            return s.shift == 0.0
        return False

    @property
    def inertia_history(self) -> list[tuple[int, str, float]]:
        """(step number, phase, inertia) for every state that has labels."""
        return [
            (i, s.phase, float(s.inertia))
            for i, s in enumerate(self.history)
            if s.inertia is not None
        ]

    @property
    def iterations(self) -> int:
        return self.state.iteration

    def inertia(self, centroids: np.ndarray, labels: np.ndarray) -> float:
        d = self.X - centroids[labels]
        return float(np.einsum("nd,nd->", d, d))

    # ---------------------------------------------------------------- steps
    def assign(self) -> KMeansState:
        """Every point joins the segment of its nearest centroid."""
        prev = self.state
        if prev.phase == "assign":
            if self.converged:
                raise SegwidgetsValueError(
                    "k-means has converged: assigning again changes nothing. "
                    "Start again with a new seed or other centroids.")
            raise SegwidgetsValueError(
                "Every point already sits with its nearest centroid: "
                "press Update to move the centroids.")
        C = prev.centroids
        labels = np.argmin(_sq_distances(self.X, C), axis=1).astype(np.int64)
        old = self._last_labels()
        n_changed = int(labels.shape[0] if old is None else np.count_nonzero(labels != old))
        inertia = self.inertia(C, labels)
        sizes = np.bincount(labels, minlength=C.shape[0])
        if old is None:
            msg = (f"Assign: each point joins its nearest centroid — "
                   f"{_plural(len(labels), 'point')} now have a segment.")
        elif n_changed == 0:
            msg = ("Assign: no point changed segment, so the centroids will not move "
                   "again — k-means has converged.")
        else:
            msg = (f"Assign: each point joins its nearest centroid — "
                   f"{_plural(n_changed, 'point')} changed segment.")
        empty = tuple(int(j) for j in np.flatnonzero(sizes == 0))
        if empty:
            msg += (f" Segment {', '.join(str(j + 1) for j in empty)} got no points: "
                    f"no point is nearest to {'that centroid' if len(empty) == 1 else 'those centroids'}.")
        state = KMeansState(
            centroids=C, labels=labels, phase="assign", iteration=prev.iteration + 1,
            inertia=inertia, n_changed=n_changed, empty=empty, message=msg,
        )
        self.history.append(state)
        return state

    def update(self) -> KMeansState:
        """Every centroid moves to the mean of its points (an empty segment's
        centroid stays where it is)."""
        prev = self.state
        if prev.labels is None:
            raise SegwidgetsValueError("Assign the points first: update moves each centroid "
                                       "to the middle of its points.")
        if prev.phase == "update":
            raise SegwidgetsValueError("The centroids are already at the middle of their points: "
                                       "assign the points again first.")
        labels = prev.labels
        k, p = prev.centroids.shape
        sums = np.zeros((k, p))
        np.add.at(sums, labels, self.X)
        counts = np.bincount(labels, minlength=k)
        C = prev.centroids.copy()
        filled = counts > 0
        C[filled] = sums[filled] / counts[filled, None]
        empty = tuple(int(j) for j in np.flatnonzero(~filled))
        moves = np.sqrt(((C - prev.centroids) ** 2).sum(axis=1))
        shift = float(moves.max())
        inertia = self.inertia(C, labels)
        if shift == 0.0:
            msg = "Update: every centroid is already at the mean of its points — nothing moved."
        else:
            msg = (f"Update: each centroid moves to the mean of its points — the largest "
                   f"move was {shift:.3g}; inertia fell from {prev.inertia:.4g} to {inertia:.4g}.")
        if empty:
            msg += (f" Segment {', '.join(str(j + 1) for j in empty)} has no points, so "
                    f"{'its centroid stays' if len(empty) == 1 else 'their centroids stay'} "
                    f"where {'it is' if len(empty) == 1 else 'they are'}.")
        state = KMeansState(
            centroids=C, labels=labels, phase="update", iteration=prev.iteration,
            inertia=inertia, shift=shift, empty=empty, message=msg,
        )
        self.history.append(state)
        return state

    def step(self) -> KMeansState:
        """The next half-step: assign after init or update, update after assign."""
        return self.assign() if self.next_phase == "assign" else self.update()

    def back(self) -> KMeansState:
        """Undo the last half-step (the start state stays)."""
        if len(self.history) <= 1:
            raise SegwidgetsValueError("Already at the start: there is no step to undo.")
        self.history.pop()
        return self.state

    def run_to_convergence(self, max_iter: int = 100) -> KMeansState:
        """Step until converged or until `max_iter` assign steps in total."""
        max_iter = int(max_iter)
        while not self.converged:
            if self.next_phase == "assign" and self.state.iteration >= max_iter:
                break
            self.step()
        return self.state

    # -------------------------------------------------------------- helpers
    def _last_labels(self) -> np.ndarray | None:
        for s in reversed(self.history):
            if s.labels is not None:
                return s.labels
        return None


def initial_centroids(X: np.ndarray, k: int, seed: int = 0, method: str = "k-means++") -> np.ndarray:
    """The k starting centroids: ``"k-means++"`` (scikit-learn's ``kmeans_plusplus``, spread out)
    or ``"random"`` (k distinct rows of X, as ``KMeans(init="random")`` picks them)."""
    from sklearn.cluster import kmeans_plusplus

    X = np.asarray(X, dtype=np.float64)
    if method not in INIT_METHODS:
        raise SegwidgetsValueError(
            f"Unknown start {method!r}: choose one of {', '.join(INIT_METHODS)}.")
    k = int(k)
    if not 1 <= k <= X.shape[0]:
        raise SegwidgetsValueError(f"k={k} must be between 1 and the {X.shape[0]} points.")
    if method == "random":
        rows = np.random.RandomState(int(seed)).permutation(X.shape[0])[:k]
        return X[rows].copy()
    C, _ = kmeans_plusplus(X, n_clusters=k, random_state=int(seed))
    return np.asarray(C, dtype=np.float64)


def voronoi_grid(centroids: np.ndarray, domain: tuple[float, float, float, float],
                 cells: int = VORONOI_CELLS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Voronoi regions of 2-D `centroids` on a grid over `domain` (x0, x1, y0, y1).

    Returns ``(xs, ys, owner)``: the cell centres along x (cells,), along y (cells,), and for
    each cell the index of its nearest centroid, shape (cells along y, cells along x) — the
    area each centroid wins, as a heat map draws it.
    """
    C = np.asarray(centroids, dtype=np.float64)[:, :2]
    x0, x1, y0, y1 = (float(v) for v in domain)
    cells = int(cells)
    xs = x0 + (np.arange(cells) + 0.5) * (x1 - x0) / cells
    ys = y0 + (np.arange(cells) + 0.5) * (y1 - y0) / cells
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    owner = np.argmin(_sq_distances(grid, C), axis=1).reshape(cells, cells)
    return xs, ys, owner.astype(np.int64)


def prediction_offsets(guesses: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """How far each guessed centroid position is from where the centroid went (Euclidean)."""
    G = np.asarray(guesses, dtype=np.float64)
    A = np.asarray(actual, dtype=np.float64)
    if G.shape != A.shape:
        raise SegwidgetsValueError(
            f"One guess per centroid is needed: {G.shape[0]} guesses for {A.shape[0]} centroids.")
    return np.sqrt(((G - A) ** 2).sum(axis=1))


#: Rows of the demo table the lesson clusters (a seeded sample: the plot stays readable).
TABLE_ROWS = 600

#: The lesson's one shape with more than two features: the demo table, drawn through PCA.
TABLE_SHAPE = LessonShape(
    "table", "Facebook posts, 9 features (PCA)", None,
    "A real table: nine reaction counts per post (log(1 + x), standardised). k-means works in "
    "all nine; the plot can only show two.",
    x_label="principal component 1", y_label="principal component 2",
)


@dataclass(frozen=True)
class Projection:
    """A table of more than two features, standardised, with its first two principal components.

    Data Attributes:
        X: np.ndarray (n, p) — what k-means clusters (z-scores of the features).
        xy: np.ndarray (n, 2) — the points as drawn (principal components 1 and 2).
        features: tuple[str, ...] — the p features.
        explained: float — share of the variance the two components show (0 to 1).
        note: str — one sentence on what the projection hides.
    """

    X: np.ndarray
    xy: np.ndarray
    features: tuple[str, ...]
    explained: float
    note: str
    _pca: object = field(repr=False, default=None)

    def project(self, A: np.ndarray) -> np.ndarray:
        """Points of the feature space (m, p) as drawn (m, 2)."""
        return np.asarray(self._pca.transform(np.asarray(A, dtype=np.float64)), dtype=np.float64)

    def unproject(self, xy: np.ndarray) -> np.ndarray:
        """Points of the plot (m, 2) back in the feature space: the point of the plane drawn
        (the hidden components at their mean)."""
        return np.asarray(self._pca.inverse_transform(np.asarray(xy, dtype=np.float64)), dtype=np.float64)


def project_table(frame, columns: list[str], n: int = TABLE_ROWS, seed: int = 0) -> Projection:
    """Sample `n` rows of `frame`, take log(1 + x) of the (count) `columns`, standardise, and
    project on two principal components (scikit-learn's PCA)."""
    from sklearn.decomposition import PCA

    values = frame[list(columns)].apply(lambda c: c.astype("float64")).dropna()
    if len(values) < 10 or len(columns) < 3:
        raise SegwidgetsValueError("The projection lesson needs at least 10 rows and 3 features.")
    rows = np.random.RandomState(int(seed)).permutation(len(values))[: min(int(n), len(values))]
    raw = values.to_numpy()[np.sort(rows)]
    X = standardise(np.log1p(np.clip(raw, 0, None)))
    pca = PCA(n_components=2, random_state=int(seed)).fit(X)
    explained = float(pca.explained_variance_ratio_.sum())
    note = (f"{len(columns)} features drawn in 2: the plot shows the two directions that spread the "
            f"points most ({explained:.0%} of the variance). k-means measures distance in all "
            f"{len(columns)}, so points that look close here can be far apart in the hidden "
            f"{1 - explained:.0%}, and some seem to sit with the wrong centroid.")
    return Projection(X, np.asarray(pca.transform(X)), tuple(columns), explained, note, pca)
