"""Drawing a face analysis over its image, for reports and for looking."""

from __future__ import annotations

import cv2
import numpy as np

from candid.face.masks import face_regions

REGION_COLOURS = {
    "skin": (0.1, 0.9, 0.2), "eyes": (0.1, 0.3, 1.0), "irises": (0.9, 0.1, 0.9),
    "lips": (1.0, 0.1, 0.1), "brows": (1.0, 0.9, 0.1), "hairline": (0.1, 0.9, 0.9),
}


def draw_analysis(pixels: np.ndarray, analysis, *, opacity: float = 0.35) -> np.ndarray:
    """The image with region masks tinted, landmarks dotted and the face boxed.

    Examples
    --------
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype("float32") / 255
    >>> draw_analysis(img, analyze_face(img)).shape
    (512, 512, 3)
    """
    canvas = np.array(pixels, dtype=np.float32, copy=True)
    regions = face_regions(pixels, analysis.landmarks, mesh=getattr(analysis, "mesh", None))
    y0, y1, x0, x1 = regions.window
    view = canvas[y0:y1, x0:x1]
    for name, colour in REGION_COLOURS.items():
        m = regions.masks[name]
        view[m] = (1 - opacity) * view[m] + opacity * np.asarray(colour, np.float32)
    radius = max(1, int(round(analysis.iod / 40)))
    mesh = getattr(analysis, "mesh", None)
    if mesh is not None:  # the dense mesh as fine grey dots under the 68 points
        for x, y in mesh[:468]:
            cv2.circle(canvas, (int(round(x)), int(round(y))), max(1, radius // 2), (0.6, 0.6, 0.6), -1)
    for x, y in analysis.landmarks:
        cv2.circle(canvas, (int(round(x)), int(round(y))), radius, (1.0, 1.0, 1.0), -1, lineType=cv2.LINE_AA)
    for cx, cy, r in regions.iris_circles:
        cv2.circle(canvas, (int(round(cx)), int(round(cy))), max(1, int(round(r))), (0.9, 0.1, 0.9), 1,
                   lineType=cv2.LINE_AA)
    b = analysis.box
    cv2.rectangle(canvas, (int(b.x0), int(b.y0)), (int(b.x1), int(b.y1)), (1.0, 0.8, 0.0), max(1, radius),
                  lineType=cv2.LINE_AA)
    return np.clip(canvas, 0.0, 1.0)
