"""The pixel peeper: what gives an image away at 100 %, explained and shown.

Each tell lives in its own module under :mod:`candid.inspect.tells` and
returns a :class:`TellResult` (score, confidence with a reason, heatmap,
crops). :func:`inspect_image` runs them all and returns an
:class:`InspectionReport`; :func:`render_html` turns that into a
self-contained page.

Tell scores are heuristics with stated priors; the overall score is a small
logistic combination of them fitted with cross-validation on the development
set (:mod:`candid.inspect.combine`). They point at places worth a close look.
"""

from candid.inspect._types import TellResult
from candid.inspect import combine  # the module (calibrated combination); core.combine is the plain mean
from candid.inspect.core import InspectionReport, good_from_afar, inspect_image
from candid.inspect.flattery import FlatteryItem, FlatteryReport, flattery_report
from candid.inspect.report import overlay, render_html
from candid.inspect.tells import TELLS

__all__ = ["TELLS", "FlatteryItem", "FlatteryReport", "InspectionReport", "TellResult", "combine",
           "flattery_report", "good_from_afar", "inspect_image", "overlay", "render_html"]
