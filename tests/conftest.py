"""Shared fixtures: the astronaut portrait and synthesized variants of it.

Nothing here needs the network or ../shared/data.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from candid.imageio import write_image


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    return data.astronaut().astype(np.float32) / 255.0


@pytest.fixture(scope="session")
def astronaut_matte(astronaut) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The astronaut, her 68 landmarks (float64) and the studio matte: one matting for every test that tones her edge."""
    from candid.engines.studio import matte
    from candid.face import analyze_face

    lm = np.asarray(analyze_face(astronaut, embed=False).landmarks, np.float64)
    return astronaut, lm, matte(astronaut, lm)


def other_person(index: int = 10) -> np.ndarray:
    """A different real person: an LFW face bundled with scikit-image, enlarged.

    Nearest-neighbour enlargement plus a light blur keeps enough edge detail
    to pass the quality gate's sharpness test.
    """
    face = data.lfw_subset()[index].astype(np.float32)
    big = cv2.resize(face, (200, 200), interpolation=cv2.INTER_NEAREST)
    big = cv2.GaussianBlur(big, (0, 0), 1.5)
    big = np.pad(big, 60, mode="edge")
    return np.clip(np.dstack([big] * 3), 0, 1).astype(np.float32)


def variants(img: np.ndarray) -> dict[str, np.ndarray]:
    """Same person, different photos: crop, exposure, mild blur, tilt, mirror."""
    h, w = img.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 3), 6, 1.0)
    return {
        "crop.jpg": np.ascontiguousarray(img[20:460, 60:480]),
        "darker.png": np.clip(img * 0.85, 0, 1),
        "soft.jpg": cv2.GaussianBlur(img, (0, 0), 0.8),
        "tilted.png": cv2.warpAffine(img, rot, (w, h), borderMode=cv2.BORDER_REFLECT),
        "mirror.jpg": np.ascontiguousarray(img[:, ::-1]),
    }


@pytest.fixture(scope="session")
def photo_dir(tmp_path_factory, astronaut) -> Path:
    """Files of the astronaut variants plus a different person."""
    folder = tmp_path_factory.mktemp("photos")
    write_image(folder / "original.jpg", astronaut)
    for name, img in variants(astronaut).items():
        write_image(folder / name, img)
    write_image(folder / "someone-else.png", other_person())
    return folder


def library_is_consistent(root: Path) -> None:
    """Every photo row has its file, every file has its row, nothing half-written remains."""
    con = sqlite3.connect(root / "candid.sqlite")
    rows = {(sid, name) for sid, name in con.execute("SELECT subject_id, stored_name FROM photos")}
    ids = {r[0] for r in con.execute("SELECT id FROM subjects")}
    con.close()
    files = {(p.parent.parent.name, p.name) for p in (root / "subjects").glob("*/photos/*")}
    assert rows == files
    assert {p.name for p in (root / "subjects").iterdir()} == ids
    assert not list(root.rglob("*.part"))
