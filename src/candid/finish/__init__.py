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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name -> the submodule that defines it. Loaded on first use (PEP 562), so importing
#: ``candid.finish.options`` (``candid finish --help``) pulls in neither numpy, cv2 nor pyvips.
_WHERE = {
    "DetailModel": "_detail", "prepare_detail": "_detail", "similarity_fit": "_detail",
    "transfer_detail": "_detail",
    "learned_available": "_learned", "learned_upscale_x4": "_learned",
    "add_sensor_noise": "_ops", "noise_params": "_ops", "sharpen_clamped": "_ops",
    "BACKENDS": "_pipeline", "KERNELS": "_pipeline", "SHARPEN": "_pipeline", "FinishResult": "_pipeline",
    "finish_to_file": "_pipeline", "honest_limit_note": "_pipeline", "learned_passes": "_pipeline",
    "resolve_backend": "_pipeline", "run_tiles": "_pipeline", "tile_grid": "_pipeline", "upscale": "_pipeline",
    "upscale_report": "_pipeline",
    "back_project": "_waifu2x", "clamped_cubic": "_waifu2x", "learned_denoise": "_waifu2x",
    "learned_enlarge": "_waifu2x", "matte_edge_trust": "_waifu2x", "waifu2x_available": "_waifu2x",
    "waifu2x_x2": "_waifu2x",
    "jpeg_damage": "_jpeg", "jpeg_model_params": "_jpeg", "jpeg_model_words": "_jpeg",
    "jpeg_table_quality": "_jpeg", "noise_level": "_jpeg",
    "FITS": "_size", "FitPlan": "_size", "parse_target": "_size", "plan_fit": "_size", "target_size": "_size",
    "FinishOptions": "options",
    "SavedMatte": "_saved_matte", "discard_matte": "_saved_matte", "load_saved_matte": "_saved_matte",
    "save_matte": "_saved_matte", "sidecar_path": "_saved_matte",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'candid.finish' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"candid.finish.{where}"), name)
    globals()[name] = value  # next time a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from candid.finish._detail import DetailModel, prepare_detail, similarity_fit, transfer_detail  # noqa: F401
    from candid.finish._learned import learned_available, learned_upscale_x4  # noqa: F401
    from candid.finish._ops import add_sensor_noise, noise_params, sharpen_clamped  # noqa: F401
    from candid.finish._pipeline import (  # noqa: F401
        BACKENDS, KERNELS, SHARPEN, FinishResult, finish_to_file, honest_limit_note, learned_passes,
        resolve_backend, run_tiles, tile_grid, upscale, upscale_report,
    )
    from candid.finish._jpeg import (  # noqa: F401
        jpeg_damage, jpeg_model_params, jpeg_model_words, jpeg_table_quality, noise_level)
    from candid.finish._size import FITS, FitPlan, parse_target, plan_fit, target_size  # noqa: F401
    from candid.finish._waifu2x import (  # noqa: F401
        back_project, clamped_cubic, learned_denoise, learned_enlarge, matte_edge_trust, waifu2x_available,
        waifu2x_x2,
    )
    from candid.finish._saved_matte import (  # noqa: F401
        SavedMatte, discard_matte, load_saved_matte, save_matte, sidecar_path,
    )
    from candid.finish.options import FinishOptions  # noqa: F401
