"""`candid finish` on the command line: output, user errors, nothing left half-written."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from candid.cli import main
from candid.imageio import write_image


@pytest.fixture()
def photo(tmp_path):
    return write_image(tmp_path / "astro.png", data.astronaut()[100:300, 120:300].astype(np.float32) / 255)


def test_finish_writes_file(photo, tmp_path, capsys):
    out = tmp_path / "res" / "big.tif"
    code = main(["finish", str(photo), "--size", "360x400", "--out", str(out), "--bit-depth", "16",
                 "--sharpen", "print", "--iso", "400", "--tile", "128"])
    assert code == 0
    assert out.exists()
    assert "big.tif" in capsys.readouterr().out
    import pyvips

    im = pyvips.Image.new_from_file(str(out))
    assert (im.width, im.height, im.format) == (360, 400, "ushort")


def test_finish_default_name_and_no_noise(photo, tmp_path):
    assert main(["finish", str(photo), "--size", "print:1x1.2@200", "--fit", "pad", "--no-noise"]) == 0
    assert (tmp_path / "astro-print-1x1.2at200.jpg").exists()


@pytest.mark.parametrize("args,message", [
    (["--size", "9k"], "unknown size"),
    (["--backend", "magic"], "unknown backend"),
    (["--fit", "stretch"], "unknown fit"),
    (["--backend", "detail-transfer"], "reference photos"),
    (["--bit-depth", "16"], "16 bits"),
    (["--sharpen", "tv"], "unknown sharpening"),
])
def test_user_errors_exit_nonzero_and_write_nothing(photo, tmp_path, capsys, args, message):
    out = tmp_path / "o.jpg"
    code = main(["finish", str(photo), "--out", str(out), "--size", "300x300", *args][:4] + args
                if args[0] != "--size" else ["finish", str(photo), "--out", str(out), *args])
    assert code != 0
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["astro.png"]


def test_missing_file(tmp_path, capsys):
    code = main(["finish", str(tmp_path / "nope.jpg"), "--size", "4k"])
    assert code != 0
    assert "no such file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_reference_photos(tmp_path, capsys):
    full = write_image(tmp_path / "full.png", data.astronaut().astype(np.float32) / 255)
    out = tmp_path / "o.jpg"
    assert main(["finish", str(full), "--reference", str(full), "--size", "600x600", "--out", str(out)]) == 0
    assert "detail-transfer" in capsys.readouterr().out
    grey = write_image(tmp_path / "grey.png", np.full((200, 200, 3), 0.5, np.float32))
    out2 = tmp_path / "o2.jpg"
    code = main(["finish", str(full), "--reference", str(grey), "--size", "600x600", "--out", str(out2)])
    assert code != 0 and "no face" in capsys.readouterr().err
    assert not out2.exists()


@pytest.mark.parametrize("suffix", [".tif", ".jpg", ".png"])
def test_print_size_writes_dpi_and_follows_the_photo(tmp_path, suffix):
    from PIL import Image

    square = write_image(tmp_path / "sq.png", data.astronaut()[:200, :200].astype(np.float32) / 255)
    out = tmp_path / f"print{suffix}"
    args = ["--bit-depth", "16"] if suffix == ".tif" else []
    assert main(["finish", str(square), "--size", "print:1x1.25@200", "-o", str(out), "--no-noise", *args]) == 0
    with Image.open(out) as im:
        # a square photo on a 1x1.25 inch print: portrait as written, contained (not cropped), 200 dpi in the file
        assert im.size == (200, 200)
        assert tuple(round(v) for v in im.info["dpi"]) == (200, 200)


def test_default_fit_contains_the_whole_photo_and_says_when_detail_is_limited(tmp_path, capsys):
    tall = write_image(tmp_path / "tall.png", data.astronaut()[:140, 200:326].astype(np.float32) / 255)
    out = tmp_path / "o.jpg"
    assert main(["finish", str(tall), "--size", "4k", "-o", str(out), "--no-noise", "--backend", "classical"]) == 0
    import pyvips

    im = pyvips.Image.new_from_file(str(out))
    assert (im.width, im.height) == (2160, 2400)  # 126x140 contained in 2160x3840: nothing cut off
    text = capsys.readouterr().out
    assert "4K from a 140 px photo: enlarged 17.1x; detail at 1:1 is limited" in text.replace("\n", " ")


def test_finish_help_loads_neither_numpy_nor_cv2():
    # candid.finish exports its names lazily: `candid finish --help` needs only the settings model
    import json
    import subprocess
    import sys

    code = ("import sys, io, contextlib, json\n"
            "from candid.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    code = main(['finish', '--help'])\n"
            "print(json.dumps({'code': code, 'usage': 'Usage' in out.getvalue(),\n"
            "                  'heavy': sorted(m for m in ('numpy', 'cv2', 'pyvips') if m in sys.modules)}))\n")
    got = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                    timeout=120).stdout.strip().splitlines()[-1])
    assert got == {"code": 0, "usage": True, "heavy": []}


def test_finish_package_exports_stay_importable():
    import candid.finish as finish

    for name in finish.__all__:
        assert getattr(finish, name) is not None
    assert "upscale" in dir(finish)
    with pytest.raises(AttributeError):
        finish.no_such_name  # noqa: B018
