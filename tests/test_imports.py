"""Start-up cost: what `candid --help` imports, and mediapipe without matplotlib.pyplot (issue 25).

Each check runs in a fresh interpreter (``sys.modules`` of the test process is
shared by every test file, so it cannot tell what a command imported).
"""

import json
import subprocess
import sys

import pytest

#: Libraries that cost 0.1-2 s to import and that no command's help needs.
HEAVY = ("mediapipe", "torch", "scipy", "skimage", "pymatting", "matplotlib", "sklearn", "dlib")

_HELP_SCRIPT = """
import contextlib, io, json, sys
import typer.main
{before}
from candid.cli import app, main

group = typer.main.get_command(app)  # the whole app built: every command's options and help
argvs = [[]]
for name, command in group.commands.items():
    argvs.append([name])
    argvs += [[name, sub] for sub in getattr(command, "commands", {{}})]
with contextlib.redirect_stdout(io.StringIO()) as text:
    codes = [main(argv + ["--help"]) for argv in argvs]
print(json.dumps({{"argvs": argvs, "codes": codes, "help": text.getvalue(),
                  "loaded": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def helps():
    return _run(_HELP_SCRIPT.format(before="", heavy=HEAVY))


def test_every_help_page_is_shown(helps):
    names = {a[0] for a in helps["argvs"] if a}
    assert {"make", "inspect", "restore", "look", "finish", "batch", "subjects", "serve"} <= names
    assert all(code == 0 for code in helps["codes"])
    assert helps["help"].count("Usage: ") == len(helps["argvs"])
    assert "--catchlights" in helps["help"]  # make's options come from StudioOptions


def test_help_imports_no_heavy_library(helps):
    assert helps["loaded"] == []


def test_command_table_matches_the_modules():
    # candid --help lists commands from COMMANDS without importing them: the table must say what they say
    code = """
import importlib, inspect, json
import typer, typer.main
from candid.cli import COMMANDS, COMMAND_MODULES

found, groups = {}, []
for module in COMMAND_MODULES:
    part = typer.Typer()
    importlib.import_module(module).register(part)
    for name, command in typer.main.get_group(part).commands.items():
        text = inspect.cleandoc(command.short_help or command.help or "").split("\\n\\n")[0].replace("\\n", " ")
        found[name] = [module, text.strip()]
        if hasattr(command, "commands"):
            groups.append(name)
order = [n for n in found if n not in groups] + groups  # how Typer lists them: commands, then groups
print(json.dumps({"table": {k: list(v) for k, v in COMMANDS.items()}, "found": found, "order": order}))
"""
    got = _run(code)
    assert got["table"] == got["found"]
    assert list(got["table"]) == got["order"]  # the order candid --help showed when it imported them all


def test_top_help_imports_no_command_module():
    code = """
import contextlib, io, json, sys
from candid.cli import main
with contextlib.redirect_stdout(io.StringIO()) as text:
    codes = [main(["--help"]), main([])]
print(json.dumps({"codes": codes, "help": text.getvalue(),
                  "modules": sorted(m for m in sys.modules if m.startswith("candid.cli."))}))
"""
    got = _run(code)
    assert got["codes"] == [0, 2]
    assert got["modules"] == ["candid.cli._common"]
    assert "Look at IMAGE like a pixel peeper" in got["help"] and "enrolled subjects" in got["help"]


_MAKE_HELP_SCRIPT = """
import contextlib, io, json, sys
{before}
from candid.cli import main
with contextlib.redirect_stdout(io.StringIO()) as text:
    code = main(["make", "--help"])
print(json.dumps({{"code": code, "help": text.getvalue(),
                  "loaded": [m for m in ("numpy", "cv2", *{heavy!r}) if m in sys.modules],
                  "candid": sorted(m for m in sys.modules if m.startswith("candid"))}}))
"""


def test_make_help_imports_no_engine():
    # candid make --help needs only the options' help words (candid.studio_help), not the studio package
    # (its __init__ imports the engine: numpy, OpenCV; 3.2x the numpy+cv2 floor) nor the options model
    got = _run(_MAKE_HELP_SCRIPT.format(before="", heavy=HEAVY))
    assert got["code"] == 0 and "--catchlights" in got["help"] and "Relighting strength." in got["help"]
    assert got["loaded"] == []
    assert got["candid"] == ["candid", "candid.cli", "candid.cli._common", "candid.cli.make", "candid.errors",
                             "candid.studio_help"]
    seen = _run(_MAKE_HELP_SCRIPT.format(before="import candid.engines.studio.options", heavy=HEAVY))
    assert seen["loaded"][:2] == ["numpy", "cv2"]  # what the model's import pays: it would be seen


def test_heavy_import_would_be_seen():
    # the check above can fail: a top-level import of scipy anywhere on the way is reported
    got = _run(_HELP_SCRIPT.format(before="import scipy.ndimage", heavy=HEAVY))
    assert got["loaded"] == ["scipy"]


_MEDIAPIPE_SCRIPT = """
import hashlib, json, sys
import numpy as np
from skimage import data
{before}
from candid.face._models import load_mediapipe
from candid.face.mesh import face_mesh, mp_detect
from candid.face.person import person_probability

mp = load_mediapipe()
pyplot = type(sys.modules.get("matplotlib.pyplot")).__name__
executed = "matplotlib.figure" in sys.modules
tasks = "mediapipe.tasks.python.vision" in sys.modules
img8 = data.astronaut()
dets = mp_detect(img8)
box = dets[0].box
mesh = face_mesh(img8, box)
prob = person_probability(img8.astype(np.float32) / 255, work_side=256)
digest = hashlib.sha256()
for a in (np.asarray(box, np.float64), np.asarray(dets[0].keypoints, np.float64), mesh, prob):
    digest.update(np.ascontiguousarray(a).tobytes())
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
figure = type(plt.figure()).__name__  # whoever uses pyplot later gets the real module
base = mp.tasks.BaseOptions.__name__  # and the tasks API
print(json.dumps({{"pyplot": pyplot, "executed": executed, "tasks": tasks, "digest": digest.hexdigest(),
                  "mesh": list(mesh.shape), "figure": figure, "base": base}}))
"""


@pytest.fixture(scope="module")
def mediapipe_runs():
    lazy = _run(_MEDIAPIPE_SCRIPT.format(before=""))
    eager = _run(_MEDIAPIPE_SCRIPT.format(before="import mediapipe  # the plain import: pyplot executed"))
    return lazy, eager


def test_mediapipe_loads_without_executing_pyplot(mediapipe_runs):
    lazy, eager = mediapipe_runs
    assert lazy["pyplot"] == "_LazyModule" and not lazy["executed"] and not lazy["tasks"]
    assert eager["pyplot"] == "module" and eager["executed"] and eager["tasks"]  # what candid avoided


def test_mediapipe_results_bit_identical(mediapipe_runs):
    lazy, eager = mediapipe_runs
    assert lazy["mesh"] == [478, 3]
    assert lazy["digest"] == eager["digest"]


def test_pyplot_and_tasks_still_usable_after(mediapipe_runs):
    assert [run["figure"] for run in mediapipe_runs] == ["Figure", "Figure"]
    assert [run["base"] for run in mediapipe_runs] == ["BaseOptions", "BaseOptions"]
