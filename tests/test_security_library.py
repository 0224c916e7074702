"""A subject's data leaves the library completely when they are deleted.

Enrol through the CLI (with a consent record; without one it is refused),
add a derived cache file, delete with ``candid subjects delete``, then grep
every byte under the library folder for anything of theirs: id, name, the
consenting person's name, original file names, file and pixel hashes, many
slices of the photo bytes, the full identity embeddings and landmarks.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from candid.cli import main
from candid.subjects import Library, find_traces, validate_name
from candid.errors import SubjectError

NAME = "Zelda Quintessa Marlowe"
GIVER = "Ottoline Marlowe-Fairweather"


def _all_bytes(root):
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


def test_enroll_refused_without_consent_then_delete_leaves_no_trace(tmp_path, photo_dir):
    lib_dir = tmp_path / "lib"
    photos = []
    for i, src in enumerate(["original.jpg", "mirror.jpg"]):
        dst = tmp_path / f"zq-private-holiday-{i}-8812.{src.rsplit('.', 1)[1]}"
        shutil.copyfile(photo_dir / src, dst)
        photos.append(dst)
    keeper = tmp_path / "keeper-photo.png"
    shutil.copyfile(photo_dir / "darker.png", keeper)

    # no consent: refused, nothing about them written
    assert main(["enroll", NAME, *map(str, photos), "--library", str(lib_dir)]) != 0
    if lib_dir.exists():
        assert NAME.encode() not in _all_bytes(lib_dir)

    assert main(["enroll", NAME, *map(str, photos), "--consent", "deceased-relative", "--consent-by", GIVER,
                 "--relation", "granddaughter", "--library", str(lib_dir)]) == 0
    assert main(["enroll", "Keeper Person", str(keeper), "--consent", "self", "--library", str(lib_dir)]) == 0

    lib = Library(lib_dir)
    profile = lib.profile(NAME)
    assert profile.consent.given_by == GIVER
    # a derived cache, as later stages make them
    derived = lib.subject_dir(profile.id) / "derived" / "quirk-map.npy"
    derived.parent.mkdir(parents=True, exist_ok=True)
    np.save(derived, profile.embeddings)

    photo_slices = []
    for p in profile.photos:
        data = lib.photo_path(profile, p).read_bytes()
        photo_slices += [data[i : i + 48] for i in range(0, len(data) - 48, max(1, len(data) // 25))]
    needles = [profile.id, NAME, GIVER, *(p.name for p in photos),
               *(p.sha256 for p in profile.photos), *(p.pixel_sha256 for p in profile.photos),
               *(p.embedding.astype(np.float32).tobytes() for p in profile.photos),
               *(p.landmarks.astype(np.float32).tobytes()[:64] for p in profile.photos),
               *photo_slices]
    before = _all_bytes(lib_dir)
    present = [n for n in needles if (n.encode() if isinstance(n, str) else n) in before]
    assert len(present) >= len(needles) - 2  # the needles are real (a few may be stored transformed)

    assert main(["subjects", "delete", NAME, "--yes", "--library", str(lib_dir)]) == 0

    after = _all_bytes(lib_dir)
    leaks = [n for n in needles if (n.encode() if isinstance(n, str) else n) in after]
    assert leaks == []
    assert find_traces(lib_dir, needles) == []
    names = [p.name for p in lib_dir.rglob("*")]
    assert not any(profile.id in n or "zq-private" in n for n in names)
    assert not any(n.endswith(("-journal", "-wal", "-shm")) for n in names)
    assert [s.name for s in lib.subjects()] == ["Keeper Person"]
    with pytest.raises(SubjectError):
        lib.profile(NAME)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "..", "a/b", "a\\b", "/abs", "x\x00y", "", " ", "-rf",
                                 "name\nnewline", "a" * 65, ".hidden", "C:\\Windows"])
def test_subject_names_cannot_traverse_paths(bad):
    with pytest.raises(SubjectError):
        validate_name(bad)
