"""The `face.analyze` stage: attach a face analysis to a Portrait."""

from __future__ import annotations

from candid.face import analyze_face
from candid.portrait import Operation, Portrait


def analyze_stage(portrait: Portrait, *, face: int | None = None) -> Portrait:
    """Detect and analyse the portrait's face (``face`` = index when several).

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> p = analyze_stage(Portrait(data.astronaut().astype(np.float32) / 255))
    >>> p.face.landmarks.shape, p.log[-1].stage
    ((68, 2), 'face.analyze')
    """
    analysis = analyze_face(portrait.pixels, face_index=face, source=portrait.source or "image")
    notes = [f"face {analysis.index + 1} of {analysis.n_faces}, {analysis.iod:.0f} px between the eyes, "
             f"landmarks from the {'face mesh' if analysis.landmark_source == 'mesh' else 'dlib 68-point model'}"]
    if analysis.pose is not None:
        notes.append("head turned {:.0f}°, tilted {:.0f}°, rolled {:.0f}°".format(*analysis.pose))
    if analysis.quality is not None:
        notes += list(analysis.quality.problems) + list(analysis.quality.warnings)
    op = Operation("face.analyze", params={"face": face}, notes=tuple(notes))
    return portrait.evolve(None, op, face=analysis)
