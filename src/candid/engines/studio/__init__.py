"""The studio engine: a real photo -> a finished headshot or portrait, on the CPU.

Pure functions, each usable on its own:

- :func:`frame` / :func:`apply_framing`: face-aware crop and straightening;
  :func:`correct_selfie` undoes close-range perspective where landmarks show it.
- :func:`matte`: alpha of the person, seeded by the face, refined at the hair; its rules in :class:`MatteRules`.
- :func:`background`: studio paper, mottled backdrops, gradients, lens blur, images.
- :func:`composite`: foreground over a new background with colour decontamination.
- :func:`relight`: classic portrait light patterns on a face shape from landmarks.

The stage ``engine.studio`` (:func:`candid.engines.studio.stage.studio_stage`)
chains them; :data:`STYLES` holds the per-style defaults.
"""

from candid.engines.studio.background import BACKGROUNDS, background, parse_background
from candid.engines.studio.composite import composite, decontaminate
from candid.engines.studio.frame import ASPECTS, Framing, apply_framing, correct_selfie, frame, parse_aspect, selfie_distortion
from candid.engines.studio.matte import MatteReport, matte, matte_quality
from candid.engines.studio.matte_rules import MatteRules
from candid.engines.studio.relight import PATTERNS, expose, relight, white_balance
from candid.engines.studio.styles import STYLES, Style

__all__ = [
    "ASPECTS", "BACKGROUNDS", "Framing", "MatteReport", "MatteRules", "PATTERNS", "STYLES", "Style", "apply_framing",
    "background", "composite", "correct_selfie", "decontaminate", "expose", "frame", "matte",
    "matte_quality", "parse_aspect", "parse_background", "relight", "selfie_distortion", "white_balance",
]
