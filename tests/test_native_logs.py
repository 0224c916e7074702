"""MediaPipe's C++ setup lines do not reach the user's terminal; real errors still do."""

from __future__ import annotations

import os
import subprocess
import sys

import cv2
import pytest

from candid.face.examples import astronaut

NOISE = ("XNNPACK", "inference_feedback_manager", "absl::InitializeLog", "GetPrototype")


def _cli(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "candid", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "100", **env})


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    path = tmp_path_factory.mktemp("native") / "astronaut.png"
    cv2.imwrite(str(path), cv2.cvtColor((astronaut() * 255).round().astype("uint8"), cv2.COLOR_RGB2BGR))
    return path


def test_cli_run_shows_no_mediapipe_setup_lines(photo):
    done = _cli(["analyze", str(photo)])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "face 1 of 1" in done.stdout
    assert not [word for word in NOISE if word in done.stderr], done.stderr[-2000:]


def test_the_lines_are_there_to_be_hidden(photo):
    # CANDID_NATIVE_LOGS=1 shows every native line: the test above would see them
    done = _cli(["analyze", str(photo)], CANDID_NATIVE_LOGS="1")
    assert done.returncode == 0 and "inference_feedback_manager" in done.stderr


_FILTER_SCRIPT = r"""
import os, sys
from candid.face._models import native_log_filter
print("before", file=sys.stderr, flush=True)
with native_log_filter():
    os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
    os.write(2, b"W0000 00:00:1796051642.198115    2275 inference_feedback_manager.cc:114] Feedback manager\n")
    os.write(2, b"E0000 00:00:1796051642.2    2275 graph.cc:9] a real error\n")
    with native_log_filter():  # nested: one capture
        print("python says", file=sys.stderr)
    os.write(2, b"I0000 00:00:1796051642.3    2275 x.cc:1] info\n")
print("after", file=sys.stderr, flush=True)
"""


def test_errors_and_other_output_stay_visible_in_order():
    done = subprocess.run([sys.executable, "-c", _FILTER_SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == ["before", "E0000 00:00:1796051642.2    2275 graph.cc:9] a real error",
                                        "python says", "after"]
