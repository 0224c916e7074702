"""The pixel peeper: what gives an image away at 100 %, explained and shown.

Each tell lives in its own module under :mod:`candid.inspector.tells` and
returns a :class:`TellResult` (score, confidence with a reason, heatmap,
crops). :func:`inspect_image` runs them all and returns an
:class:`InspectionReport`; :func:`render_html` turns that into a
self-contained page.

Tell scores are heuristics with stated priors; the overall score is a small
logistic combination of them fitted with cross-validation on the development
set (:mod:`candid.inspector.combine`). They point at places worth a close look.
"""

from candid.inspector._types import TellResult
from candid.inspector import combine  # the module (calibrated combination); core.combine is the plain mean
from candid.inspector.core import InspectionReport, good_from_afar, inspect_image
from candid.inspector.flattery import FlatteryItem, FlatteryReport, flattery_report
from candid.inspector.report import overlay, render_html
from candid.inspector.tells import TELLS

__all__ = ["TELLS", "FlatteryItem", "FlatteryReport", "InspectionReport", "TellResult", "combine",
           "flattery_report", "good_from_afar", "inspect_image", "overlay", "render_html"]
