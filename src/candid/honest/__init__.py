"""The honest guard: compare any portrait with the subject's real photos and bring it back to them.

No enlarged eyes, slimmed nose, filled lips, perfect symmetry, poreless skin or
dead eyes, unless the user asks to keep them. Everything here is classical
image processing (landmark warps, band-pass detail, inpainting); no trained
model changes pixels. See ``docs/HONEST.md``.
"""

from candid.honest.audit import AUDIT_FEATURES, FeatureFinding, FlatteryAudit, audit, audit_values, measure
from candid.honest.catchlights import Catchlight, CatchlightReport, detect_catchlights, fix_catchlights
from candid.honest.guard import KEEPABLE, HonestResult, KeepError, honest_guard, parse_keep, subject_free_check
from candid.honest.quirks import check_quirks
from candid.honest.texture import restore_texture
from candid.honest.undo import restore_tone, target_landmarks, undo_geometry
from candid.honest.warp import warp_face

__all__ = [
    "AUDIT_FEATURES", "KEEPABLE", "Catchlight", "CatchlightReport", "FeatureFinding", "FlatteryAudit",
    "HonestResult", "KeepError", "audit", "audit_values", "check_quirks", "detect_catchlights",
    "fix_catchlights", "honest_guard", "measure", "parse_keep", "restore_texture", "restore_tone",
    "subject_free_check", "target_landmarks", "undo_geometry", "warp_face",
]
