"""The overall score: a small, calibrated combination of the tells.

Each tell contributes one feature, its *evidence* ``(score - 0.5) *
confidence``: 0 when the tell could not judge, positive when it points to
"AI-made". Confidences are not features of their own: on the development
set they mostly encode face size (AI portraits are close-ups), which would
let a model learn "big face = generated". The ``traces`` tell is left out
(:data:`HISTORY_TELLS`): it describes the file's resizing and JPEG history.
A logistic regression with an L2 penalty on standardised features turns the
evidence into a probability. Coefficients are constrained to be >= 0, so a
tell can only push the verdict the way its own score says: a tell that does
not separate gets a weight of zero instead of being silently inverted.

The shipped coefficients live in ``inspect/combination.json`` together with
the data, protocol and command that produced them; :func:`shipped` loads them.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(200, len(FEATURE_NAMES)))
>>> y = (X[:, 0] + 0.3 * rng.normal(size=200) > 0).astype(int)
>>> model = fit(X, y, seed=0)
>>> bool(auc(y, model.predict(X)) > 0.9)
True
>>> again = Combination.from_json(model.to_json())
>>> bool(np.allclose(again.predict(X), model.predict(X)))
True
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from candid.inspector.tells import TELLS

#: Tells reported but left out of the verdict: they describe the file's history
#: (resizing, JPEG grids and re-saves), which says nothing about who made the picture
#: and would let a model learn "768 px JPEG = generator".
HISTORY_TELLS = ("traces",)
#: Feature vector layout: the evidence of every tell that enters the verdict, in report order.
FEATURE_NAMES: tuple[str, ...] = tuple(f"{t}.evidence" for t in TELLS if t not in HISTORY_TELLS)
#: L2 penalty (on standardised coefficients) used by :func:`fit` by default.
DEFAULT_L2 = 1.0


def _tell_items(report: Any) -> dict[str, tuple[float, float]]:
    if isinstance(report, dict):
        tells = report.get("tells", [])
        return {t["name"]: (float(t["score"]), float(t["confidence"])) for t in tells}
    return {t.name: (float(t.score), float(t.confidence)) for t in report.tells}


def features(report: Any) -> np.ndarray:
    """The feature vector of one report (an InspectionReport or its ``to_dict()``).

    A tell missing from the report counts as "could not judge": evidence 0
    and confidence 0.

    Examples
    --------
    >>> rep = {"tells": [{"name": "skin", "score": 0.9, "confidence": 0.5}]}
    >>> f = features(rep)
    >>> f.shape == (len(FEATURE_NAMES),), round(float(f[0]), 6), float(f[1:].max())
    (True, 0.2, 0.0)
    """
    items = _tell_items(report)
    out = np.zeros(len(FEATURE_NAMES), np.float64)
    for i, name in enumerate(FEATURE_NAMES):
        tell, kind = name.rsplit(".", 1)
        score, conf = items.get(tell, (0.5, 0.0))
        if not (np.isfinite(score) and np.isfinite(conf)):
            score, conf = 0.5, 0.0
        out[i] = (score - 0.5) * conf if kind == "evidence" else conf
    return out


def _sig(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


@dataclass(frozen=True)
class Combination:
    """A fitted logistic combination of tell features.

    Attributes
    ----------
    names : tuple of str
        Feature names the coefficients belong to.
    mean, scale : ndarray
        Standardisation fitted on the training set.
    coef : ndarray
        Coefficients on standardised features.
    intercept : float
    meta : dict
        How it was made (data, protocol, command, CV AUC).
    """

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    meta: dict = field(default_factory=dict)

    def decision(self, X: np.ndarray) -> np.ndarray:
        """Log-odds of "AI-made" for each row of ``X`` (or one vector)."""
        X = np.atleast_2d(np.asarray(X, np.float64))
        if X.shape[1] != len(self.names):
            raise ValueError(f"expected {len(self.names)} features, got {X.shape[1]}")
        return ((X - self.mean) / self.scale) @ self.coef + self.intercept

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Probability of "AI-made" for each row of ``X``."""
        return _sig(self.decision(X))

    def contributions(self, x: np.ndarray) -> dict[str, float]:
        """Each feature's share of the log-odds of one vector (for explanations)."""
        x = np.asarray(x, np.float64).ravel()
        c = (x - self.mean) / self.scale * self.coef
        return {n: float(v) for n, v in zip(self.names, c)}

    def bootstrap(self) -> list["Combination"]:
        """The bootstrap refits stored in ``meta["bootstrap"]`` (coefficients and intercepts), if any."""
        out = []
        for b in self.meta.get("bootstrap", []):
            out.append(Combination(self.names, np.asarray(b["mean"]), np.asarray(b["scale"]),
                                   np.asarray(b["coef"]), float(b["intercept"])))
        return out

    def to_json(self) -> str:
        return json.dumps({"names": list(self.names), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                           "coef": self.coef.tolist(), "intercept": self.intercept, "meta": self.meta}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Combination":
        d = json.loads(text)
        return cls(tuple(d["names"]), np.asarray(d["mean"], np.float64), np.asarray(d["scale"], np.float64),
                   np.asarray(d["coef"], np.float64), float(d["intercept"]), d.get("meta", {}))


def fit(X: np.ndarray, y: np.ndarray, *, seed: int = 0, l2: float = DEFAULT_L2,
        names: tuple[str, ...] = FEATURE_NAMES, nonneg: tuple[str, ...] | None = None,
        balanced: bool = True) -> Combination:
    """L2-penalised logistic regression on standardised features.

    Parameters
    ----------
    X : ndarray
        ``(n, len(names))`` features.
    y : ndarray
        ``(n,)`` labels, 1 = AI-made.
    seed : int
        Seeds the starting point (the problem is convex: the answer does not
        depend on it beyond numerical tolerance).
    l2 : float
        Penalty ``l2 / 2 * |coef|^2`` added to the mean log-loss times n.
    names : tuple of str
    nonneg : tuple of str, optional
        Features whose coefficient must be >= 0 (default: every ``*.evidence``).
    balanced : bool
        Weight classes inversely to their frequency (the dev set has 112 AI
        images and far fewer real ones).

    Returns
    -------
    Combination
    """
    from scipy.optimize import minimize

    X = np.asarray(X, np.float64)
    y = np.asarray(y, np.float64).ravel()
    if X.ndim != 2 or X.shape[0] != y.shape[0] or X.shape[1] != len(names):
        raise ValueError(f"X must be (n, {len(names)}) and y (n,), got {X.shape} and {y.shape}")
    if len(np.unique(y)) != 2:
        raise ValueError("fit needs both classes in y")
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    Z = (X - mean) / scale
    w = np.ones_like(y)
    if balanced:
        for cls_ in (0.0, 1.0):
            w[y == cls_] = len(y) / (2.0 * max((y == cls_).sum(), 1))
    nonneg = tuple(n for n in names if n.endswith(".evidence")) if nonneg is None else nonneg

    def loss(theta):
        b, c = theta[0], theta[1:]
        z = Z @ c + b
        p = _sig(z)
        ll = np.sum(w * (np.logaddexp(0, z) - y * z))
        g = Z.T @ (w * (p - y))
        return ll + 0.5 * l2 * c @ c, np.concatenate([[np.sum(w * (p - y))], g + l2 * c])

    rng = np.random.default_rng(seed)
    x0 = np.concatenate([[0.0], np.abs(rng.normal(0, 1e-3, Z.shape[1]))])
    bounds = [(None, None)] + [(0.0, None) if n in nonneg else (None, None) for n in names]
    res = minimize(loss, x0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000})
    coef = np.where(np.abs(res.x[1:]) < 1e-8, 0.0, res.x[1:])
    return Combination(tuple(names), mean, scale, coef, float(res.x[0]),
                       {"n": int(len(y)), "n_ai": int(y.sum()), "l2": l2, "balanced": balanced})


def bootstrap_fits(X: np.ndarray, y: np.ndarray, *, n: int = 20, seed: int = 0, **kw) -> list[dict]:
    """``n`` refits on stratified bootstrap resamples, as plain dicts (for ``meta["bootstrap"]``)."""
    X = np.asarray(X, np.float64)
    y = np.asarray(y).ravel()
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        idx = np.concatenate([rng.choice(np.flatnonzero(y == c), (y == c).sum()) for c in np.unique(y)])
        m = fit(X[idx], y[idx], seed=seed, **kw)
        out.append({"mean": m.mean.round(6).tolist(), "scale": m.scale.round(6).tolist(),
                    "coef": m.coef.round(6).tolist(), "intercept": round(m.intercept, 6)})
    return out


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (ties count half): P(score of AI > score of real).

    Examples
    --------
    >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y = np.asarray(y).ravel().astype(bool)
    p = np.asarray(p, np.float64).ravel()
    pos, neg = p[y], p[~y]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


def cross_val_predict(X: np.ndarray, y: np.ndarray, *, folds: int = 5, seed: int = 0, **kw) -> np.ndarray:
    """Out-of-fold probabilities from stratified ``folds``-fold cross-validation.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> X = rng.normal(size=(60, len(FEATURE_NAMES)))
    >>> y = (X[:, 2] > 0).astype(int)
    >>> bool(auc(y, cross_val_predict(X, y)) > 0.8)
    True
    """
    X = np.asarray(X, np.float64)
    y = np.asarray(y).ravel()
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), int)
    for cls_ in np.unique(y):
        idx = np.flatnonzero(y == cls_)
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % folds
    out = np.zeros(len(y))
    for k in range(folds):
        test = fold == k
        model = fit(X[~test], y[~test], seed=seed, **kw)
        out[test] = model.predict(X[test])
    return out


def match_protocol(pixels: np.ndarray, *, long_side: int = 768, quality: int = 90) -> np.ndarray:
    """The "matched" evaluation protocol: resize to ``long_side`` and re-save as JPEG ``quality``.

    Applied to AI and real images alike, so that size and compression
    history cannot tell them apart.

    Examples
    --------
    >>> img = np.full((100, 50, 3), 0.5, np.float32)
    >>> match_protocol(img, long_side=64).shape
    (64, 32, 3)
    """
    import cv2
    from PIL import Image

    px = np.asarray(pixels, np.float32)
    h, w = px.shape[:2]
    s = long_side / max(h, w)
    if s != 1:
        interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LANCZOS4
        px = cv2.resize(px, (max(1, round(w * s)), max(1, round(h * s))), interpolation=interp)
    buf = io.BytesIO()
    Image.fromarray(np.clip(np.rint(px * 255), 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return np.asarray(Image.open(buf).convert("RGB")).astype(np.float32) / 255.0


@lru_cache(maxsize=1)
def shipped() -> Combination | None:
    """The combination shipped with candid (None if the file is missing or was made for other features)."""
    try:
        text = resources.files("candid.inspector").joinpath("combination.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    model = Combination.from_json(text)
    return model if model.names == FEATURE_NAMES else None
