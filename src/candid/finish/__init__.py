"""Finishing to 8K and print sizes with detail that is real, not invented.

Upscalers invent plausible texture and smooth faces. ``candid.finish`` gets to
big sizes with high-quality resampling and halo-free sharpening
(``classical``), with fine facial detail taken from the subject's own reference
photos (``detail-transfer``), and with physically modelled sensor noise so
flats are not dead smooth (never more than the source's own noise); small
sources first go through a learned 2x/4x enlarger (the waifu2x photo model on
the CPU, made consistent with the source), chosen by measurement on real
portraits. It renders in tiles with bounded memory and streams the file
through libvips. A Real-ESRGAN baseline (optional) exists for comparison.

Examples
--------
>>> from candid.finish import target_size
>>> target_size(512, 512, "8k")
(7680, 4320)
"""

from candid.finish._detail import DetailModel, prepare_detail, similarity_fit, transfer_detail
from candid.finish._learned import learned_available, learned_upscale_x4
from candid.finish._ops import add_sensor_noise, noise_params, sharpen_clamped
from candid.finish._pipeline import (
    BACKENDS,
    KERNELS,
    SHARPEN,
    FinishResult,
    finish_to_file,
    honest_limit_note,
    learned_passes,
    resolve_backend,
    run_tiles,
    tile_grid,
    upscale,
    upscale_report,
)
from candid.finish._waifu2x import back_project, learned_enlarge, waifu2x_available, waifu2x_x2
from candid.finish._size import FITS, FitPlan, parse_target, plan_fit, target_size
from candid.finish.options import FinishOptions

__all__ = [
    "BACKENDS", "FITS", "KERNELS", "SHARPEN", "DetailModel", "FinishOptions", "FinishResult", "FitPlan", "add_sensor_noise",
    "back_project", "finish_to_file", "honest_limit_note", "learned_available", "learned_enlarge",
    "learned_passes", "resolve_backend", "waifu2x_available", "waifu2x_x2", "learned_upscale_x4", "noise_params", "parse_target", "plan_fit",
    "prepare_detail", "run_tiles", "sharpen_clamped", "similarity_fit", "target_size", "tile_grid",
    "transfer_detail", "upscale", "upscale_report",
]
