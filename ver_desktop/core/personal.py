"""The personal layer: what a person's tags teach, laid over the shipped model.

Each analysed file keeps its clip embedding: the mean and the SD of the encoder patches the
model read (`clip_embedding`, stored as float16, 1 KB a file). The layer moves the model's
own point on each axis by a linear function of that embedding:

    z = own / spread + w . x + b      (x: the embedding standardised, z: probit units)

and is fitted to the sides (positive or negative valence, high or low arousal) of the
person's tags by a logistic loss, with a Gaussian prior that pulls w and b to zero: with no
tags the layer is the shipped model exactly. How hard the prior pulls is chosen per axis by
the tags' own evidence (the Laplace approximation of the marginal likelihood): tags that
agree with the model, or that disagree like noise, keep the strongest prior and change
nothing; a weaker one must explain the tags better by EVIDENCE_MARGIN nats, k tags can
weaken it only to FEW_TAGS / k, and a shift of every file alike is held tighter still
(BIAS_SCALE): one to three tags cannot swing the library. Tags that disagree with the model
like noise (not in a way the sound explains) widen the spread instead (TEMPERS): the layer
then says it is less sure, and moves nothing. The fit is Newton's method in the
space of the tagged files (Woodbury), so it costs k x k work for k tags whatever the
embedding's size.

The shown point is `spread * z`, and everything shown is read off it as today (quadrant,
octant, probabilities: core/emotion_point.py). Confidence includes the layer's own
uncertainty: the point's predictive variance under the Laplace approximation of the fit
widens the spread used for the probabilities (`Adjusted.spreads`).

Why a residual on the model's point, not a new readout: the shipped model is better than a
linear readout on music it never heard (docs/reproduction.md, Grekow), so the layer starts
from it and learns only what the person's music needs on top. What it gains, and that it
loses nothing where the person agrees with the training labels: docs/learning.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ver_desktop.core.labels import OCTANT_QUADRANT, QUADRANT_POINTS

EMBEDDING_DTYPE = "<f2"
LOGISTIC_PROBIT = 1.702  # sigmoid(1.702 z) ~ Phi(z): the layer's loss speaks probit units
# The prior's pull toward the shipped model, chosen per fit and axis from these by the tags'
# own evidence (see `_best_fit` and docs/learning.md).
STRENGTHS = (1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)
# A weaker prior must explain the tags better by this many nats (a Bayes factor of e): the
# smallest of 0, 1 and 2 with no loss on 4Q's held-out folds, where the person agrees with
# the training labels (0 lost 0.005 quadrant F1 at k = 20); see docs/learning.md.
EVIDENCE_MARGIN = 1.0
# However sure a few tags are, k tags may weaken the prior only to FEW_TAGS / k: one to
# three tags, even against a sure model, cannot swing the library.
FEW_TAGS = 20.0
NEWTON_STEPS = 25
# How much less sure of its side the model may be on a person's music than on its training
# set (a probit noise scale, chosen with the strength by the same evidence). Tags that
# disagree like noise are then explained by a wider spread, not by a correction: the
# confidence shown comes to mean what it says, and nothing is learned from noise.
TEMPERS = (1.0, 1.5, 2.0, 3.0)
BIAS_SCALE = 0.1 ** 0.5  # the whole-library shift's prior SD, relative to the rest


def clip_embedding(patches: np.ndarray) -> np.ndarray:
    """A file's embedding from the (patches, features) array its model read: the mean and the
    SD over the patches, float32."""
    patches = np.asarray(patches, np.float32)
    return np.concatenate([patches.mean(axis=0), patches.std(axis=0)]).astype(np.float32)


def pack(embedding: np.ndarray) -> bytes:
    return np.asarray(embedding, np.float32).astype(EMBEDDING_DTYPE).tobytes()


def unpack(data: bytes) -> np.ndarray:
    return np.frombuffer(data, EMBEDDING_DTYPE).astype(np.float32)


def tag_sides(quadrant: str | None, octant: str | None) -> tuple[float, float]:
    """A person's tag as the signs it gives the two axes (an emotion gives its quarter's)."""
    if octant is not None:
        quadrant = OCTANT_QUADRANT[octant]
    if quadrant is None:
        raise ValueError("a tag names a quarter or an emotion")
    return QUADRANT_POINTS[quadrant]


@dataclass(frozen=True)
class Standardise:
    """Centre and scale of the embeddings it is fitted on (the library's own, so the prior's
    pull means the same on every collection)."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fitted(cls, embeddings: np.ndarray) -> Standardise:
        x = np.asarray(embeddings, np.float64)
        if len(x) == 0:
            raise ValueError("no embeddings to standardise")
        scale = x.std(axis=0)
        return cls(x.mean(axis=0), np.where(scale > 1e-6, scale, 1.0))

    def __call__(self, embeddings: np.ndarray) -> np.ndarray:
        x = (np.asarray(embeddings, np.float64) - self.mean) / self.scale
        # One divisor keeps a row's squared length near 1 on average: the prior's strength
        # then means the same for any embedding size. The constant column is small, so the
        # prior holds a shift of the whole library (every file alike) ten times tighter
        # than a correction that depends on the sound: a few tags cannot slide the map.
        return np.hstack([x / np.sqrt(x.shape[1]), np.full((len(x), 1), BIAS_SCALE)])


@dataclass(frozen=True)
class Adjusted:
    points: np.ndarray  # (n, 2) the shown valence/arousal
    spreads: np.ndarray  # (n,) the spread to read probabilities with (>= the model's)
    variance: np.ndarray  # (n, 2) the layer's predictive variance per axis, probit units


@dataclass(frozen=True)
class Layer:
    """A fitted personal layer (or the empty one: no tags, the shipped model unchanged)."""

    standardise: Standardise | None
    weights: np.ndarray  # (2, d + 1): per axis, over the standardised embedding and 1
    tagged: np.ndarray  # (k, d + 1) the tagged files' standardised embeddings
    curvature: np.ndarray  # (2, k) the loss's curvature at each tagged file, per axis
    spread: float
    strength: np.ndarray = field(default_factory=lambda: np.full(2, STRENGTHS[-1]))  # per axis
    temper: np.ndarray = field(default_factory=lambda: np.ones(2))  # per axis (TEMPERS)

    @property
    def tags(self) -> int:
        return len(self.tagged)

    def adjust(self, embeddings: np.ndarray, own: np.ndarray) -> Adjusted:
        """The shown points of files with these embeddings and model points."""
        own = np.asarray(own, np.float64).reshape(-1, 2)
        if self.standardise is None or len(own) == 0:
            zero = np.zeros_like(own)
            return Adjusted(own.copy(), np.full(len(own), self.spread), zero)
        x = self.standardise(embeddings)
        z = own / self.spread + x @ self.weights.T
        variance = self.variance(x)
        spreads = self.spread * np.sqrt((self.temper[None, :] ** 2 + variance).mean(axis=1))
        return Adjusted(z * self.spread, spreads, variance)

    def variance(self, x: np.ndarray) -> np.ndarray:
        """x' H^-1 x per axis for standardised rows x, with H = strength I + T' C T (Woodbury:
        H^-1 = (I - T' (strength C^-1 + T T')^-1 T) / strength)."""
        norms = np.einsum("ij,ij->i", x, x)
        if self.tags == 0:
            return norms[:, None] / self.strength[None, :]
        cross = x @ self.tagged.T  # (n, k)
        gram = self.tagged @ self.tagged.T
        out = np.empty((len(x), 2))
        for axis in range(2):
            strength = float(self.strength[axis])
            inner = gram + np.diag(strength / np.maximum(self.curvature[axis], 1e-9))
            solved = np.linalg.solve(inner, cross.T)  # (k, n)
            out[:, axis] = (norms - np.einsum("ij,ji->i", cross, solved)) / strength
        return np.maximum(out, 0.0)


def prior_layer(library: np.ndarray, spread: float) -> Layer:
    """No tags yet, but standardised on the library: the shipped model exactly, with the
    prior's uncertainty (how unlike the library's middle each file is): what "ask me"
    starts from."""
    standardise = Standardise.fitted(library)
    width = np.asarray(library).shape[1] + 1
    return Layer(standardise, np.zeros((2, width)), np.zeros((0, width)), np.zeros((2, 0)),
                 spread)


def empty_layer(spread: float) -> Layer:
    return Layer(None, np.zeros((2, 0)), np.zeros((0, 0)), np.zeros((2, 0)), spread)


def fit_layer(embeddings: np.ndarray, own: np.ndarray, sides: np.ndarray, *, spread: float,
              library: np.ndarray | None = None,
              strength: float | None = None) -> Layer:
    """The layer that best explains the tagged files' `sides` ((k, 2) of +1/-1) given their
    `embeddings` and the model's `own` points, anchored to the shipped model by `strength`.
    `library`: the embeddings to standardise with (all analysed files); the tagged ones if
    not given."""
    embeddings = np.asarray(embeddings, np.float64)
    if len(embeddings) == 0:
        return empty_layer(spread)
    standardise = Standardise.fitted(embeddings if library is None else library)
    x = standardise(embeddings)
    base = np.asarray(own, np.float64).reshape(-1, 2) / spread
    sides = np.sign(np.asarray(sides, np.float64).reshape(-1, 2))
    fits = [_best_fit(x, base[:, axis], sides[:, axis], strength) for axis in range(2)]
    return Layer(standardise, np.stack([f.weights for f in fits]), x,
                 np.stack([f.curvature for f in fits]), spread,
                 np.array([f.strength for f in fits]), np.array([f.temper for f in fits]))


@dataclass(frozen=True)
class _AxisFit:
    weights: np.ndarray
    curvature: np.ndarray
    strength: float
    evidence: float
    alpha: np.ndarray  # the weights in the tagged files' space (w = x' alpha)
    temper: float = 1.0


def _best_fit(x: np.ndarray, base: np.ndarray, y: np.ndarray,
              strength: float | None) -> _AxisFit:
    """The fit at `strength`, or, when None, at the prior strength the tags themselves make
    most likely (the Laplace evidence: empirical Bayes). Tags that agree with the model
    choose a strong prior, so the layer stays out of the way; tags that disagree
    systematically choose a weaker one."""
    if strength is not None:
        return _fit_axis(x, base, y, strength)
    allowed = [each for each in STRENGTHS if each * len(x) >= FEW_TAGS]
    # Without learning: the strongest prior, with the model's spread unless a wider one
    # explains the tags better by the margin too.
    steady = _clearly_best([_fit_axis(x, base, y, allowed[-1], temper=t) for t in TEMPERS])
    fits: list[_AxisFit] = []
    for temper in TEMPERS:
        start = None
        for each in reversed(allowed[:-1]):  # strongest first: each starts from the last
            fits.append(_fit_axis(x, base, y, each, start, temper=temper))
            start = fits[-1].alpha
    return _clearly_best([steady, *fits])


def _clearly_best(fits: list[_AxisFit]) -> _AxisFit:
    """The first fit (the plainest explanation), unless another is more likely by more than
    EVIDENCE_MARGIN: then the most likely."""
    best = max(fits, key=lambda f: f.evidence)
    return best if best.evidence > fits[0].evidence + EVIDENCE_MARGIN else fits[0]


def _fit_axis(x: np.ndarray, base: np.ndarray, y: np.ndarray, strength: float,
              start: np.ndarray | None = None, *, temper: float = 1.0) -> _AxisFit:
    """Newton's method for min sum log(1 + exp(-y c (base + x w))) + strength/2 |w|^2
    (c = LOGISTIC_PROBIT / temper), solved in the tagged files' space: w = x' a, so each
    step is a k x k system."""
    c = LOGISTIC_PROBIT / temper
    gram = x @ x.T
    alpha = np.zeros(len(x)) if start is None else start.copy()
    for _ in range(NEWTON_STEPS):
        margin = y * c * (base + gram @ alpha)
        p = _sigmoid(-margin)  # the chance the tag's side is missed
        curvature = c * c * p * (1 - p)
        # The step in w-space is x' d with (strength I + C gram) d = r, r the gradient's
        # coefficients; see Woodbury: only k x k systems.
        residual = y * c * p - strength * alpha
        step = np.linalg.solve(strength * np.eye(len(x)) + curvature[:, None] * gram,
                               residual)
        alpha += step
        if np.max(np.abs(step)) < 1e-6:
            break
    margin = y * c * (base + gram @ alpha)
    p = _sigmoid(-margin)
    curvature = c * c * p * (1 - p)
    root = np.sqrt(curvature)
    _, logdet = np.linalg.slogdet(np.eye(len(x)) + root[:, None] * gram * root[None, :]
                                  / strength)
    evidence = (-float(np.logaddexp(0.0, -margin).sum())
                - strength / 2 * float(alpha @ gram @ alpha) - logdet / 2)
    return _AxisFit(x.T @ alpha, curvature, strength, evidence, alpha, temper)


def _sigmoid(t: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * t))
