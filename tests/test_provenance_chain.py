"""Issue 23: labels stay true through chains of commands; no traceback for odd inputs or output paths."""

from __future__ import annotations

import numpy as np
import pytest

from candid.cli import main
from candid.errors import BadImageError
from candid.imageio import read_image, write_image
from candid.portrait import Operation, Portrait
from candid.provenance import (
    COMPOSITE_WITH_TRAINED, TRAINED_ALGORITHMIC_MEDIA, dev_signer, label_and_write, read_c2pa, read_portrait,
    read_source, verify,
)
from candid.provenance.source import SOURCE_STAGE, ai_of

FORGED_XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
              b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
              b'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"><Iptc4xmpExt:DigitalSourceType>'
              b'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture</Iptc4xmpExt:DigitalSourceType>'
              b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


@pytest.fixture(scope="module")
def small(astronaut) -> np.ndarray:
    import cv2

    return cv2.resize(astronaut, (384, 384), interpolation=cv2.INTER_AREA)


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    return dev_signer(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def ai_file(tmp_path_factory, small, signer):
    """What `candid make` writes: an AI-edited, signed, watermarked portrait."""
    p = Portrait(small).evolve(None, Operation("engines.studio", ai="edited"))
    return label_and_write(p, tmp_path_factory.mktemp("made") / "ai.jpg", signer=signer)


def dst(path) -> str | None:
    return verify(path, watermark=False).xmp.digital_source_type


def test_ai_levels_and_source_entry(ai_file):
    assert ai_of(TRAINED_ALGORITHMIC_MEDIA) == "generated" and ai_of("digitalCapture") == "none"
    src = read_source(ai_file, read_image(ai_file).pixels)
    assert src.ai == "edited" and src.c2pa == "valid" and src.watermark_id and not src.notes
    p = read_portrait(ai_file)
    assert p.log[0].stage == SOURCE_STAGE and p.log[0].ai == "edited" and p.log[0].params["file"] == "ai.jpg"
    assert str(ai_file.parent) not in str(p.log[0].params)  # a file name, never a path, reaches metadata


def test_look_finish_restore_honest_keep_the_ai_label(tmp_path, ai_file):
    """The laundering chain of the issue: every command's output of an AI image verifies as AI."""
    outs = {"look": tmp_path / "look.jpg", "finish": tmp_path / "fin.jpg"}
    assert main(["look", str(ai_file), "-o", str(outs["look"]), "--no-grain"]) == 0
    assert main(["finish", str(ai_file), "--size", "400x400", "--backend", "classical", "--no-noise",
                 "--out", str(outs["finish"])]) == 0
    for name, path in outs.items():
        v = verify(path)
        assert v.xmp.digital_source_type == COMPOSITE_WITH_TRAINED, name
        assert v.c2pa.status == "valid" and v.c2pa.digital_source_type == COMPOSITE_WITH_TRAINED, name
        assert v.watermark_id and v.watermark_id == v.xmp.watermark_id, name  # finish too writes one now
        assert [s["file"] for s in v.sources] == ["ai.jpg"] and v.sources[0]["ai"] == "edited", name
        assert not v.warnings, name
    # the C2PA manifest names the input as its parent ingredient
    import json

    import c2pa

    with open(outs["look"], "rb") as fh:
        store = json.loads(c2pa.Reader("image/jpeg", fh).json())
    ingredients = store["manifests"][store["active_manifest"]]["ingredients"]
    assert [(i["title"], i["relationship"]) for i in ingredients] == [("ai.jpg", "parentOf")]


def test_generated_stays_generated_and_edits_never_weaken(tmp_path, small, signer):
    gen = label_and_write(Portrait(small).evolve(None, Operation("engines.diffusion", ai="generated")),
                          tmp_path / "gen.png", signer=signer)
    p = read_portrait(gen).evolve(None, Operation("looks.grain"))
    out = label_and_write(p, tmp_path / "again.png", signer=signer, ingredients=[gen])
    assert dst(out) == TRAINED_ALGORITHMIC_MEDIA
    # a classical chain from a plain photo stays "no AI"
    plain = write_image(tmp_path / "photo.png", small)
    q = read_portrait(plain).evolve(None, Operation("looks.grain"))
    assert dst(label_and_write(q, tmp_path / "q.png")).endswith("algorithmicallyEnhanced")


def test_forged_xmp_is_flagged_and_not_laundered(tmp_path, ai_file):
    forged = write_image(tmp_path / "forged.jpg", read_image(ai_file).pixels, xmp=FORGED_XMP)  # C2PA gone
    v = verify(forged)
    assert v.watermark_id and v.c2pa.status == "absent"
    assert any("digitalCapture" in w for w in v.warnings) and any("C2PA" in w for w in v.warnings)
    src = read_source(forged, read_image(forged).pixels)
    assert src.ai == "edited" and src.notes
    out = tmp_path / "relooked.jpg"
    assert main(["look", str(forged), "-o", str(out), "--no-grain"]) == 0
    assert dst(out) == COMPOSITE_WITH_TRAINED
    # stripped of everything but the pixels: the watermark alone still carries the label forward
    bare = write_image(tmp_path / "bare.png", read_image(ai_file).pixels)
    assert read_source(bare, read_image(bare).pixels).ai == "edited"


def test_verify_warns_when_xmp_and_c2pa_disagree(tmp_path, small, signer):
    from candid.provenance import sign_c2pa

    log = [Operation("engines.studio", ai="edited")]
    path = write_image(tmp_path / "x.jpg", small, xmp=FORGED_XMP)
    sign_c2pa(path, path, log, signer)
    v = verify(path, watermark=False)
    assert v.c2pa.status == "valid" and any("signed C2PA manifest says" in w for w in v.warnings)


def test_watermark_id_ignores_the_wall_clock(small):
    from candid.provenance.label import _log_fingerprint

    a = [Operation("looks.grain", params={"iso": 400}, at="2026-01-01T00:00:00+00:00")]
    b = [Operation("looks.grain", params={"iso": 400}, at="2030-05-05T05:05:05+00:00")]
    c = [Operation("looks.grain", params={"iso": 800}, at="2026-01-01T00:00:00+00:00")]
    assert _log_fingerprint(a) == _log_fingerprint(b) != _log_fingerprint(c)


# --- output paths ----------------------------------------------------------------------------------------------


def test_output_over_the_input_is_refused(tmp_path, small, capsys):
    src = write_image(tmp_path / "in.jpg", small)
    before = src.read_bytes()
    assert main(["look", str(src), "-o", str(src)]) == 2
    assert main(["finish", str(src), "--size", "400x400", "--out", str(src)]) == 2
    assert main(["look", str(src), "-o", str(tmp_path / "." / "in.jpg")]) == 2
    assert src.read_bytes() == before
    err = capsys.readouterr().err
    assert "is the input file" in err and "Traceback" not in err


def test_output_folder_and_missing_folder(tmp_path, small, capsys):
    src = write_image(tmp_path / "in.png", small)
    assert main(["look", str(src), "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    deep = tmp_path / "new" / "dir" / "x.jpg"
    assert main(["look", str(src), "-o", str(deep), "--no-grain"]) == 0 and deep.is_file()
    assert not [p for p in tmp_path.rglob(".*") if p.name.startswith((".candid-", ".x.jpg"))]


# --- inputs that used to crash ---------------------------------------------------------------------------------


def test_greyscale_jpeg_finishes(tmp_path, small):
    import cv2

    grey = tmp_path / "grey.jpg"
    cv2.imwrite(str(grey), cv2.cvtColor((small * 255).astype(np.uint8), cv2.COLOR_RGB2GRAY))
    out = tmp_path / "grey-big.jpg"
    assert main(["finish", str(grey), "--size", "400x400", "--backend", "classical", "--out", str(out)]) == 0
    assert read_image(out).pixels.shape == (400, 400, 3)


@pytest.mark.parametrize("kind", ["jpg", "png"])
def test_truncated_input_is_one_error_naming_the_file(tmp_path, small, kind, capsys):
    full = write_image(tmp_path / f"full.{kind}", small)
    cut = tmp_path / f"cut.{kind}"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    for cmd in (["finish", str(cut), "--size", "400x400", "--out", str(tmp_path / "o.jpg")],
                ["look", str(cut), "-o", str(tmp_path / "o.jpg")], ["inspect", str(cut)]):
        assert main(cmd) == 3, cmd
        err = capsys.readouterr().err
        assert f"cut.{kind}" in err and "Traceback" not in err, cmd
    assert not (tmp_path / "o.jpg").exists()


def test_one_pixel_images_are_refused_clearly(tmp_path, capsys):
    dot = write_image(tmp_path / "dot.png", np.full((1, 1, 3), 0.5, np.float32))
    for cmd in (["inspect", str(dot)], ["look", str(dot), "-o", str(tmp_path / "d.png")],
                ["finish", str(dot), "--size", "64x64", "--out", str(tmp_path / "d.jpg")]):
        assert main(cmd) == 3, cmd
        err = capsys.readouterr().err
        assert "dot.png" in err and "too small" in err and "Traceback" not in err


def test_libvips_error_text_does_not_leak_to_the_next_file(tmp_path, small):
    import pyvips

    full = write_image(tmp_path / "a.png", small)
    cut = tmp_path / "b.png"
    cut.write_bytes(full.read_bytes()[:200])
    # a stale message left in libvips' global error buffer by an earlier call that did not raise
    pyvips.vips_lib.vips_foreign_find_load(str(tmp_path / "nonexistent-first.png").encode())
    with pytest.raises(BadImageError) as info:
        read_image(cut)
    assert "b.png" in str(info.value) and "nonexistent-first" not in str(info.value)
