"""The restore engine: faded, scratched prints of loved ones, restored faithfully.

Pure functions in the style of scikit-image, each usable alone:

- :func:`detect_print` / :func:`rectify_print`: find a photographed print and straighten it;
- :func:`remove_halftone`: notch out a printing screen;
- :func:`correct_fade`: per-channel curves and white point, sepia/B&W kept;
- :func:`damage_mask` / :func:`inpaint`: find and fill dust, scratches and creases
  (:func:`exemplar_fill`: the texture of the best match nearby, within face regions);
- :func:`denoise_keep_grain`: less noise, same grain structure;
- :func:`tint`: the hand-coloured look (automatic colourisation is not available);
- :func:`restore`: all of it; ``engine.restore`` is the recipe stage.

Nothing here invents a face: every step only removes what the print's own
pixels show to be damage.
"""

from candid.engines.restore.damage import KINDS, damage_mask
from candid.engines.restore.denoise import denoise_keep_grain
from candid.engines.restore.exemplar import exemplar_fill, face_region_labels
from candid.engines.restore.geometry import detect_print, rectify_print
from candid.engines.restore.halftone import find_halftone, remove_halftone
from candid.engines.restore.inpaint import inpaint
from candid.engines.restore.pipeline import Restoration, restore
from candid.engines.restore.tone import (PALETTES, analyze_tone, colourisation_available, colourise, correct_fade,
                                         tint)

__all__ = ["KINDS", "PALETTES", "Restoration", "analyze_tone", "colourisation_available", "colourise",
           "correct_fade", "damage_mask", "denoise_keep_grain", "detect_print", "exemplar_fill", "face_region_labels",
           "find_halftone", "inpaint",
           "rectify_print", "remove_halftone", "restore", "tint"]
