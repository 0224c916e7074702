"""Best-of-N: choose by likeness and realism, never by prettiness.

Each candidate gets the identity distance of its face to the subject's
reference photos (candid's 128-D dlib embedding, the same one the honest
guard uses) and, when asked, the inspector's overall score (1 = looks
AI-made). The ranking key is ``identity + realism_weight * ai_score``;
candidates without a detectable face rank last, by seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from candid.errors import FaceError


@dataclass(frozen=True)
class Scored:
    """A candidate with its scores.

    Attributes
    ----------
    seed : int
    pixels : ndarray
    face : FaceAnalysis or None
        None when no face was found.
    identity : float or None
        Mean identity distance to the references (< 0.6: the same person).
    ai_score : float or None
        Inspector overall score in [0, 1] (1 = looks AI-made); None if not run.
    key : float
        Ranking key (lower is better; ``inf`` without a face).
    note : str
    """

    seed: int
    pixels: np.ndarray = field(repr=False)
    face: object = field(default=None, repr=False)
    identity: float | None = None
    ai_score: float | None = None
    key: float = float("inf")
    note: str = ""

    def to_dict(self) -> dict:
        return {"seed": self.seed, "identity_distance": self.identity, "ai_score": self.ai_score,
                "key": None if not np.isfinite(self.key) else round(self.key, 4), "face": self.face is not None,
                "note": self.note}


def identity_to_references(embedding: np.ndarray, references: np.ndarray) -> float:
    """Mean identity distance from ``embedding`` to each row of ``references``.

    Examples
    --------
    >>> refs = np.zeros((2, 128), np.float32)
    >>> round(identity_to_references(np.full(128, 0.01, np.float32), refs), 3)
    0.113
    """
    from candid.face import identity_distance

    refs = np.atleast_2d(np.asarray(references, np.float32))
    return float(np.mean([identity_distance(embedding, r) for r in refs]))


def score_candidates(candidates, references: np.ndarray | None, *, realism: bool = True,
                     realism_weight: float = 0.25) -> list[Scored]:
    """Score every candidate and return them best first.

    Parameters
    ----------
    candidates : sequence of objects with ``seed`` and ``pixels``
        E.g. :class:`candid.engines.diffusion.pipeline.Candidate`.
    references : ndarray or None
        ``(n, 128)`` identity embeddings of the subject's photos; None ranks by
        realism alone.
    realism : bool
        Run the inspector (a few seconds per megapixel) for the realism term.
    realism_weight : float
        Weight of the inspector score against identity distance.

    Returns
    -------
    list of Scored
        Best first; ties broken by seed.

    Examples
    --------
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> from candid.engines.diffusion.pipeline import Candidate
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> refs = analyze_face(img).embedding[None]
    >>> ranked = score_candidates([Candidate(1, img[:, ::-1].copy()), Candidate(2, np.zeros((64, 64, 3), np.float32))],
    ...                           refs, realism=False)
    >>> [s.seed for s in ranked], ranked[0].identity < 0.6, ranked[1].face is None
    ([1, 2], True, True)
    """
    from candid.face import analyze_face

    scored: list[Scored] = []
    for c in candidates:
        px = np.asarray(c.pixels, np.float32)
        try:
            face = analyze_face(px, face_index=0, quality=False, source=f"candidate seed {c.seed}")
        except FaceError:
            face = None
        ident = None
        if face is not None and references is not None and face.embedding is not None:
            ident = identity_to_references(face.embedding, references)
        ai = None
        if realism:
            from candid.inspector import inspect_image

            ai = float(inspect_image(px, face=face, afar=False).overall)
        if face is None:
            key, note = float("inf"), "no face found"
        else:
            key = (ident if ident is not None else 0.0) + realism_weight * (ai if ai is not None else 0.0)
            note = "" if ident is None or ident < 0.6 else "not recognisably the subject (identity distance >= 0.6)"
        scored.append(Scored(int(c.seed), px, face, ident, ai, key, note))
    scored.sort(key=lambda s: (s.key, s.seed))
    return scored
