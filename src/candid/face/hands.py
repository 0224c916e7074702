"""Hands: MediaPipe Hands (21 landmarks per hand, handedness, score), offline.

The model ships inside the mediapipe wheel (``mp.solutions.hands``). It runs
on a copy of the image with a bounded long side and landmarks are scaled back
to the image's pixels. Used by the inspector's ``hands`` tell (count and
shape of hands, where generators and composites often fail).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import cv2
import numpy as np

from candid.face.detect import to_uint8

#: Long side of the copy the hand model sees.
WORK_SIDE = 1024
#: Landmark index pairs of the 20 bones (wrist to finger tips), MediaPipe order.
BONES = ((0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (0, 9), (9, 10), (10, 11), (11, 12),
         (0, 13), (13, 14), (14, 15), (15, 16), (0, 17), (17, 18), (18, 19), (19, 20))
#: Joint triples (previous, joint, next) of the finger joints whose bend is measured.
JOINTS = tuple((a, b, c) for f in ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20))
               for a, b, c in zip((0,) + f[:2], f[:3], f[1:]))

_LOCK = threading.Lock()
_MODEL: list = []


@dataclass(frozen=True)
class Hand:
    """One detected hand.

    Attributes
    ----------
    landmarks : ndarray
        ``(21, 2)`` float32 image pixels (x, y), MediaPipe order (0 = wrist, 4 = thumb tip, 8 = index tip...).
    world : ndarray
        ``(21, 3)`` float32 metric landmarks (metres, origin at the hand's centre).
    handedness : str
        ``"Left"`` or ``"Right"`` as MediaPipe labels it.
    score : float
        Handedness classification score in [0, 1] (low = an unusual hand).
    """

    landmarks: np.ndarray = field(repr=False)
    world: np.ndarray = field(repr=False)
    handedness: str = ""
    score: float = 0.0

    @property
    def size(self) -> float:
        """Palm size in pixels: wrist to the middle finger's knuckle."""
        return float(np.linalg.norm(self.landmarks[9] - self.landmarks[0]))

    @property
    def box(self) -> tuple[int, int, int, int]:
        """``(y0, y1, x0, x1)`` around the landmarks, padded by a quarter palm."""
        pad = 0.25 * self.size
        x0, y0 = self.landmarks.min(axis=0) - pad
        x1, y1 = self.landmarks.max(axis=0) + pad
        return int(max(y0, 0)), int(y1), int(max(x0, 0)), int(x1)


def _model():
    from candid.face._models import load_mediapipe

    mp = load_mediapipe()

    if not _MODEL:
        _MODEL.append(mp.solutions.hands.Hands(static_image_mode=True, max_num_hands=6, model_complexity=1,
                                               min_detection_confidence=0.5))
    return _MODEL[0]


def detect_hands(pixels: np.ndarray, *, work_side: int = WORK_SIDE) -> list[Hand]:
    """Hands in an image, largest first.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1] (or uint8); not modified.
    work_side : int
        Long side of the copy the model sees.

    Returns
    -------
    list of Hand
        Largest first; empty when no hand is found (never an error).

    Examples
    --------
    >>> from skimage import data
    >>> hands = detect_hands(data.astronaut().astype(np.float32) / 255)
    >>> all(h.landmarks.shape == (21, 2) for h in hands)
    True
    >>> joint_angles(np.zeros((21, 3))).shape
    (15,)
    """
    px = np.asarray(pixels)
    if px.ndim != 3 or px.shape[2] != 3 or min(px.shape[:2]) < 8:
        raise ValueError(f"pixels must be an (H, W, 3) image, got {px.shape}")
    H, W = px.shape[:2]
    s = min(1.0, work_side / max(H, W))
    small = cv2.resize(px, (max(8, round(W * s)), max(8, round(H * s))), interpolation=cv2.INTER_AREA) if s < 1 else px
    small = to_uint8(small)  # the model takes 8-bit RGB: quantised once, after the (float) resize, as everywhere
    h, w = small.shape[:2]
    with _LOCK:
        res = _model().process(np.ascontiguousarray(small))
    hands = []
    for lm, world, cls in zip(res.multi_hand_landmarks or [], res.multi_hand_world_landmarks or [],
                              res.multi_handedness or []):
        pts = np.array([[p.x * w / s, p.y * h / s] for p in lm.landmark], np.float32)
        wpts = np.array([[p.x, p.y, p.z] for p in world.landmark], np.float32)
        c = cls.classification[0]
        hands.append(Hand(pts, wpts, str(c.label), float(c.score)))
    return sorted(hands, key=lambda hd: -hd.size)


def joint_angles(world: np.ndarray) -> np.ndarray:
    """Bend of the 15 finger joints in degrees (0 = straight), from metric landmarks ``(21, 3)``."""
    world = np.asarray(world, np.float64)
    out = np.zeros(len(JOINTS))
    for i, (a, b, c) in enumerate(JOINTS):
        u, v = world[b] - world[a], world[c] - world[b]
        nu, nv = np.linalg.norm(u), np.linalg.norm(v)
        out[i] = 0.0 if nu < 1e-9 or nv < 1e-9 else np.degrees(np.arccos(np.clip(u @ v / (nu * nv), -1, 1)))
    return out


def bone_lengths(world: np.ndarray) -> np.ndarray:
    """Lengths of the 20 bones (metres) from metric landmarks ``(21, 3)``."""
    world = np.asarray(world, np.float64)
    return np.array([np.linalg.norm(world[a] - world[b]) for a, b in BONES])
