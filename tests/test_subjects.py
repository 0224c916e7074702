import numpy as np
import pytest

from candid.errors import BadImageError, ConsentError, FaceError, SubjectError
from candid.imageio import write_image
from candid.subjects import Library, find_traces, make_consent, validate_name
from candid.subjects.quirks import find_quirks


def _consent(name="Eileen Collins"):
    return make_consent("self", None, None, None, name)


def _snapshot(root):
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def library(tmp_path_factory, photo_dir):
    lib = Library(tmp_path_factory.mktemp("lib"))
    lib.enroll("Eileen Collins", [photo_dir / "original.jpg", photo_dir / "crop.jpg", photo_dir / "darker.png"],
               consent=_consent())
    return lib


def test_enroll_builds_profile(library):
    profile = library.profile("Eileen Collins")
    assert len(profile.photos) == 3 and profile.consent.kind == "self"
    assert profile.embedding_spread < 0.2
    assert set(profile.geometry) >= {"eye_width", "nose_width", "mouth_width", "asymmetry", "smile_tilt"}
    assert profile.geometry["eye_width"].n == 3 and profile.geometry["eye_width"].std < 0.05
    assert "skin.fine" in profile.texture
    for photo in profile.photos:
        assert library.photo_path(profile, photo).is_file()
        assert profile.name not in photo.stored_name
    assert [s.name for s in library.subjects()] == ["Eileen Collins"]


def test_adding_photos_and_identity(library, photo_dir, astronaut):
    before = len(library.profile("Eileen Collins").photos)
    library.enroll("Eileen Collins", [photo_dir / "tilted.png"], consent=None)
    profile = library.profile("Eileen Collins")
    assert len(profile.photos) == before + 1
    from candid.face import analyze_face

    assert profile.identity_distance(analyze_face(astronaut).embedding) < 0.4


@pytest.mark.parametrize("files,error,words", [
    (["original.jpg"], SubjectError, "duplicate"),
    (["someone-else.png"], SubjectError, "different person"),
    (["soft.jpg", "soft.jpg"], SubjectError, "duplicate"),
])
def test_refusals_leave_library_unchanged(library, photo_dir, files, error, words):
    before = _snapshot(library.root)
    with pytest.raises(error, match=words):
        library.enroll("Eileen Collins", [photo_dir / f for f in files], consent=None)
    assert _snapshot(library.root) == before


def test_bad_photo_anywhere_means_nothing_is_added(tmp_path, photo_dir):
    lib = Library(tmp_path / "lib")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0garbage")
    with pytest.raises(BadImageError.__mro__[1], match="broken.jpg"):
        lib.enroll("Someone", [photo_dir / "original.jpg", tmp_path / "broken.jpg"], consent=_consent("Someone"))
    assert lib.subjects() == []
    assert not (tmp_path / "lib" / "subjects").exists() or not any((tmp_path / "lib" / "subjects").iterdir())


def test_face_problems_are_listed(tmp_path, astronaut):
    from skimage import data

    write_image(tmp_path / "coffee.jpg", data.coffee().astype(np.float32) / 255)
    write_image(tmp_path / "two.jpg", np.concatenate([astronaut, astronaut[:, ::-1]], axis=1))
    lib = Library(tmp_path / "lib")
    with pytest.raises(FaceError) as info:
        lib.enroll("Someone", [tmp_path / "coffee.jpg", tmp_path / "two.jpg"], consent=_consent("Someone"))
    assert "coffee.jpg: no face found" in info.value.message and "two.jpg: 2 faces" in info.value.message
    assert lib.subjects() == []


def test_consent_is_required_and_checked():
    with pytest.raises(ConsentError, match="no consent"):
        make_consent(None, None, None, None, "Ada")
    with pytest.raises(ConsentError, match="unknown consent"):
        make_consent("whatever", None, None, None, "Ada")
    with pytest.raises(ConsentError, match="relation"):
        make_consent("deceased-relative", "Bob", None, None, "Ada")
    rec = make_consent("deceased-relative", "Bob", "grandson", None, "Ada")
    assert rec.given_by == "Bob" and rec.relation == "grandson"


def test_enroll_without_consent_is_refused(tmp_path, photo_dir):
    lib = Library(tmp_path / "lib")
    with pytest.raises(ConsentError):
        lib.enroll("Nobody Asked", [photo_dir / "original.jpg"], consent=None)
    assert lib.subjects() == []


@pytest.mark.parametrize("bad", ["../../etc", "a/b", "", " ", "x" * 80, "..", "\x00name", "-dash"])
def test_names_cannot_escape(bad):
    with pytest.raises(SubjectError, match="invalid subject name"):
        validate_name(bad)


def test_unknown_subject(library):
    with pytest.raises(SubjectError, match="unknown subject 'Nobody'") as info:
        library.profile("Nobody")
    assert "Eileen Collins" in info.value.hint


def test_delete_leaves_no_trace(tmp_path, photo_dir):
    lib = Library(tmp_path / "lib")
    lib.enroll("Temporary Person", [photo_dir / "original.jpg", photo_dir / "mirror.jpg"],
               consent=_consent("Temporary Person"))
    lib.enroll("Keeper", [photo_dir / "darker.png"], consent=_consent("Keeper"))
    profile = lib.profile("Temporary Person")
    photo_bytes = [lib.photo_path(profile, p).read_bytes()[1000:1064] for p in profile.photos]
    report = lib.delete("Temporary Person")
    assert report.leftovers == [] and report.photos_removed == 2 and report.files_removed == 2
    needles = [profile.id, "Temporary Person", *(p.sha256 for p in profile.photos), *photo_bytes,
               *(p.embedding.tobytes()[:64] for p in profile.photos)]
    assert find_traces(lib.root, needles) == []
    assert [s.name for s in lib.subjects()] == ["Keeper"]
    with pytest.raises(SubjectError):
        lib.profile("Temporary Person")


def test_quirks_need_support():
    mole = np.array([[170.0, 150.0, 2.0]])
    none = np.zeros((0, 3))
    grey = [np.zeros(3)] * 3
    seen_twice = find_quirks([mole, mole + 1, none], grey, [0.0] * 3)
    assert [q.kind for q in seen_twice] == ["mark"] and "left cheek" in seen_twice[0].description
    assert find_quirks([mole, none, none], grey, [0.0] * 3) == []
    crooked = find_quirks([none] * 3, grey, [0.06, 0.05, 0.07])
    assert crooked[0].kind == "crooked-smile" and "right" in crooked[0].description
    streak = find_quirks([none] * 2, [np.array([0.6, 0.05, 0.0])] * 2, [0.0] * 2)
    assert streak[0].kind == "grey-streak"


def test_a_mole_is_found_in_the_canonical_frame(astronaut):
    import cv2

    from candid.face import analyze_face
    from candid.subjects.quirks import canonical_face, canonical_transform, find_marks

    face = analyze_face(astronaut)
    x, y = (face.landmarks[3] + face.landmarks[31]) / 2  # on the subject's right cheek
    marked = astronaut.copy()
    cv2.circle(marked, (int(x), int(y)), 2, (0.25, 0.15, 0.1), -1)
    expected = canonical_transform(face.landmarks) @ np.array([x, y, 1.0])
    canon, search, _ = canonical_face(marked, face.landmarks)
    marks = find_marks(canon, search)
    assert np.min(np.hypot(*(marks[:, :2] - expected).T)) < 4
    found = find_quirks([marks, marks], [np.zeros(3)] * 2, [0.0] * 2)
    assert any("right cheek" in q.description for q in found)


def test_library_is_private_to_its_owner(library):
    import stat

    profile = library.profile("Eileen Collins")
    for folder in (library.root, library.subject_dir(profile.id), library.subject_dir(profile.id) / "photos"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
