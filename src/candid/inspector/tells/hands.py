"""Hands: how many, and whether their shape is one a hand can take.

Generators and composites get hands wrong: extra or missing hands beside a
face, fingers bent beyond what joints allow, fingers of impossible lengths.
MediaPipe Hands (:func:`candid.face.hands.detect_hands`) fits a 21-point
skeleton; this tell reads its metric landmarks: finger-joint bends over 110
degrees, bone-length ratios far from a human hand's, a low handedness score
(the model itself is unsure it sees a hand), and more hands than two per face.
Most portraits show no hand: then the tell cannot judge.
"""

from __future__ import annotations

import numpy as np

from candid.inspector._types import Context, TellResult, cannot_judge
from candid.inspector.tells.measures import sigmoid

#: Median bone length over the middle finger's first bone (index of BONES) for an adult hand
#: (MediaPipe's own hand model; a prior, not fitted to any evaluation set).
TYPICAL_RATIO = np.array([0.75, 0.85, 0.75, 0.65, 2.1, 0.85, 0.55, 0.5, 1.95, 1.0, 0.6, 0.5,
                          1.8, 0.9, 0.55, 0.5, 1.7, 0.65, 0.4, 0.45])
MIN_PALM_PX = 20.0


def hand_oddity(world: np.ndarray, score: float) -> tuple[float, dict]:
    """Evidence in [0, 1] that one hand's skeleton is implausible, and its numbers.

    Examples
    --------
    >>> from candid.face.hands import BONES
    >>> w = np.zeros((21, 3)); w[:, 0] = np.arange(21) * 0.01
    >>> ev, m = hand_oddity(w, 0.99)
    >>> 0 <= ev <= 1 and "max_bend" in m
    True
    """
    from candid.face.hands import bone_lengths, joint_angles

    bend = joint_angles(world)
    bones = bone_lengths(world)
    ref = bones[9] if bones[9] > 1e-6 else max(float(np.median(bones)), 1e-6)
    ratio_dev = float(np.max(np.abs(np.log((bones / ref + 1e-6) / TYPICAL_RATIO))))
    parts = {"bend": sigmoid((float(bend.max()) - 110) / 10), "proportions": sigmoid((ratio_dev - 1.0) / 0.2),
             "unsure": sigmoid((0.8 - score) / 0.05)}
    return float(max(parts.values())), {"max_bend": float(bend.max()), "ratio_dev": ratio_dev,
                                        "handedness_score": float(score), **parts}


def judge(ctx: Context) -> TellResult:
    """Score hands: 1 = implausible hand shapes or too many hands."""
    from candid.face.hands import detect_hands

    hands = [h for h in detect_hands(ctx.pixels) if h.size >= MIN_PALM_PX]
    if not hands:
        return cannot_judge("hands", "no hand large enough in view", n_hands=0)
    per = [hand_oddity(h.world, h.score) for h in hands]
    n_faces = max(1, getattr(ctx.face, "n_faces", 1) if ctx.face is not None else 1)
    too_many = sigmoid((len(hands) - 2 * n_faces - 0.5) / 0.2)
    worst = int(np.argmax([p[0] for p in per]))
    score = float(max(too_many, per[worst][0]))
    conf = float(np.clip(max(h.size for h in hands) / 60.0, 0.2, 1.0))
    words = [f"{len(hands)} hand(s) for {n_faces} face(s)"]
    if per[worst][0] > 0.6:
        m = per[worst][1]
        words.append(f"a hand looks implausible (finger bend {m['max_bend']:.0f} degrees, "
                     f"proportions off by {np.exp(m['ratio_dev']):.1f}x, model score {m['handedness_score']:.2f})")
    else:
        words.append("shapes plausible")
    crops = [("hand", h.box) for h in sorted(hands, key=lambda h: -hand_oddity(h.world, h.score)[0])][:2]
    return TellResult("hands", score, conf, "" if conf > 0.6 else "small hands", "Hands: " + "; ".join(words) + ".",
                      None, None, crops, {"n_hands": len(hands), "worst": per[worst][1]})
