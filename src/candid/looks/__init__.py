"""Analog and glitch looks that hold up at 8K.

Film stocks built from characteristic curves, grain in film units, halation,
bloom, vignetting, light leaks, dust, instant-film frames, double exposure and
deliberate glitches. Every function takes and returns float32 ``(H, W, 3)``
sRGB in [0, 1], never modifies its input, and takes a ``seed`` for every random
choice. Sizes are in film or relative units, converted to pixels from the image
size, so a look means the same at 1 MP and at 33 MP.
"""

from candid.looks.film_formats import FILM_FORMATS, px_per_mm
from candid.looks.options import GlitchOptions, LookOptions
from candid.looks.film import (
    Stock,
    UnknownStockError,
    characteristic_curve,
    film_density,
    film_stock,
    get_stock,
    list_stocks,
)
from candid.looks.glitch import channel_shift, glitch, jpeg_blocks, pixel_sort, scanlines
from candid.looks.grainfield import grain
from candid.looks.instant import UnknownFrameError, double_exposure, instant_frame, list_frames
from candid.looks.look import apply_look
from candid.looks.optics import (
    bloom,
    chromatic_aberration,
    dust_and_scratches,
    gate_weave,
    halation,
    light_leak,
    softness,
    vignette,
)

__all__ = [
    "FILM_FORMATS", "GlitchOptions", "LookOptions", "Stock", "UnknownFrameError", "UnknownStockError", "apply_look", "bloom", "channel_shift",
    "characteristic_curve", "chromatic_aberration", "double_exposure", "dust_and_scratches", "film_density",
    "film_stock", "gate_weave", "get_stock", "glitch", "grain", "halation", "instant_frame", "jpeg_blocks",
    "light_leak", "list_frames", "list_stocks", "pixel_sort", "px_per_mm", "scanlines", "softness", "vignette",
]
