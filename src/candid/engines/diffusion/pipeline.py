"""Build the diffusers pipeline, load the identity adapter, generate seeded candidates.

torch and diffusers are imported inside the functions, so importing this
module (and candid) never imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from candid.engines.diffusion.models import ResolvedModels
from candid.errors import CandidError, ModelUnavailableError

OFFLOAD = ("none", "model", "sequential")
DTYPES = ("auto", "fp32", "fp16", "bf16")


def require_torch():
    """Import torch and diffusers, or raise a :class:`ModelUnavailableError` saying how to install them.

    Returns
    -------
    (module, module)
        ``torch`` and ``diffusers``.
    """
    try:
        import diffusers
        import torch
    except ImportError as exc:
        raise ModelUnavailableError(f"the diffusion engine needs {exc.name}, which is not installed",
                                    hint="pip install 'candid[diffusion]' (CPU: torch==2.13.0; for a GPU "
                                         "install the CUDA build of torch first, see docs/DIFFUSION.md)") from None
    return torch, diffusers


def pick_device(device: str = "auto") -> str:
    """``"cuda"`` when a CUDA GPU is there, else ``"mps"`` on Apple silicon, else ``"cpu"``."""
    torch, _ = require_torch()
    if device != "auto":
        return device
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def pick_dtype(dtype: str, device: str):
    """The torch dtype for ``dtype`` (``"auto"``: fp16 on a GPU, fp32 on the CPU)."""
    torch, _ = require_torch()
    if dtype not in DTYPES:
        raise CandidError(f"unknown dtype {dtype!r}", hint=f"dtypes: {', '.join(DTYPES)}")
    if dtype == "auto":
        dtype = "fp32" if device == "cpu" else "fp16"
    return {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[dtype]


@dataclass
class LoadedPipeline:
    """A ready diffusers pipeline and how it was set up.

    Attributes
    ----------
    pipe : diffusers pipeline
    img2img : bool
    device : str
    dtype : str
    adapter : str or None
        Name of the loaded identity adapter.
    settings : dict
        Memory options, for the log.
    """

    pipe: Any
    img2img: bool
    device: str
    dtype: str
    adapter: str | None
    settings: dict = field(default_factory=dict)


def load_pipeline(models: ResolvedModels, *, img2img: bool = False, device: str = "auto", dtype: str = "auto",
                  offload: str = "none", vae_tiling: bool = False, adapter_scale: float = 0.6) -> LoadedPipeline:
    """Load SDXL (text-to-image or img2img) and its IP-Adapter from local folders only.

    Parameters
    ----------
    models : ResolvedModels
        From :func:`candid.engines.diffusion.models.resolve_models` (which
        checked that every file is there).
    img2img : bool
        Load the img2img pipeline (restyling a real photo).
    device : str
        ``"auto"``, ``"cuda"``, ``"cpu"``, ``"mps"``...
    dtype : {"auto", "fp32", "fp16", "bf16"}
        Half precision roughly halves VRAM; ``"auto"`` is fp16 on a GPU.
    offload : {"none", "model", "sequential"}
        ``"model"``: whole sub-models move to the GPU when used (about
        half the VRAM, a little slower); ``"sequential"``: layer by layer (a few
        GB of VRAM, several times slower). Both need accelerate and a GPU.
    vae_tiling : bool
        Decode the image in tiles (large sizes on small GPUs).
    adapter_scale : float
        IP-Adapter strength in [0, 1]; 0.5-0.7 keeps the likeness without
        copying the reference photo's pose and light.

    Returns
    -------
    LoadedPipeline

    Examples
    --------
    >>> lp = load_pipeline(resolve_models(models="/models"), dtype="fp16")  # doctest: +SKIP
    """
    torch, diffusers = require_torch()
    if offload not in OFFLOAD:
        raise CandidError(f"unknown offload {offload!r}", hint=f"offload: {', '.join(OFFLOAD)}")
    if not 0.0 <= adapter_scale <= 1.0:
        raise CandidError(f"adapter scale must be in [0, 1], got {adapter_scale}")
    dev = pick_device(device)
    dt = pick_dtype(dtype, dev)
    if offload != "none" and dev != "cuda":
        raise CandidError(f"--offload {offload} needs a CUDA GPU (device here: {dev})")
    cls = diffusers.StableDiffusionXLImg2ImgPipeline if img2img else diffusers.StableDiffusionXLPipeline
    kwargs: dict[str, Any] = {"dtype": dt, "local_files_only": True}
    if models.variant:
        kwargs["variant"] = models.variant
    try:
        pipe = cls.from_pretrained(str(models.base), **kwargs)
    except (OSError, ValueError, EnvironmentError) as exc:
        raise ModelUnavailableError(f"could not load the base model from {models.base}: {exc}",
                                    hint="check the folder against docs/DIFFUSION.md (diffusers layout)") from None
    adapter_name = None
    a = models.spec.adapter
    if a is not None:
        try:
            pipe.load_ip_adapter(str(models.adapter_root), subfolder=a.subfolder, weight_name=a.weight,
                                 image_encoder_folder=a.encoder, local_files_only=True)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelUnavailableError(f"could not load the IP-Adapter {a.weight} from {models.adapter_root}: {exc}",
                                        hint="the adapter must match the base model (SDXL) and its image encoder")
        pipe.image_encoder.to(dtype=dt)
        pipe.set_ip_adapter_scale(adapter_scale)
        adapter_name = a.name
    if offload == "model":
        pipe.enable_model_cpu_offload()
    elif offload == "sequential":
        pipe.enable_sequential_cpu_offload()
    else:
        pipe.to(dev)
    if vae_tiling:
        pipe.vae.enable_tiling()
    pipe.set_progress_bar_config(disable=True)
    dtype_name = {torch.float32: "fp32", torch.float16: "fp16", torch.bfloat16: "bf16"}[dt]
    return LoadedPipeline(pipe, img2img, dev, dtype_name, adapter_name,
                          {"device": dev, "dtype": dtype_name, "offload": offload, "vae_tiling": vae_tiling,
                           "adapter_scale": adapter_scale, "variant": models.variant, "origin": models.origin})


def face_crop(pixels: np.ndarray, landmarks: np.ndarray | None, margin: float = 0.6) -> np.ndarray:
    """A square crop around the face (what face IP-Adapters were trained on); the whole image without landmarks.

    Examples
    --------
    >>> img = np.zeros((100, 80, 3), np.float32)
    >>> lm = np.array([[30, 40], [50, 60]], np.float32)
    >>> face_crop(img, lm).shape
    (44, 44, 3)
    """
    if landmarks is None or len(landmarks) == 0:
        return pixels
    lm = np.asarray(landmarks, np.float64)
    (x0, y0), (x1, y1) = lm.min(0), lm.max(0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = max(x1 - x0, y1 - y0) * (0.5 + margin)
    H, W = pixels.shape[:2]
    a, b = int(max(0, round(cy - half))), int(min(H, round(cy + half)))
    c, d = int(max(0, round(cx - half))), int(min(W, round(cx + half)))
    return pixels[a:b, c:d]


def _to_pil(pixels: np.ndarray):
    from PIL import Image

    return Image.fromarray((np.clip(pixels, 0, 1) * 255 + 0.5).astype(np.uint8))


def reference_embeds(lp: LoadedPipeline, references: list[np.ndarray]):
    """Average the adapter's image embeddings of several reference photos (multi-reference identity).

    Parameters
    ----------
    lp : LoadedPipeline
        With an IP-Adapter loaded.
    references : list of ndarray
        ``(H, W, 3)`` float32 sRGB face crops (see :func:`face_crop`).

    Returns
    -------
    torch.Tensor
        ``(2, 1, ...)``: the unconditional then the averaged conditional
        embedding, in the form ``ip_adapter_image_embeds`` takes.
    """
    torch, _ = require_torch()
    from diffusers.models.embeddings import ImageProjection

    if lp.adapter is None:
        raise CandidError("no identity adapter loaded")
    if not references:
        raise CandidError("no reference photos for the identity adapter")
    pipe = lp.pipe
    proj = pipe.unet.encoder_hid_proj.image_projection_layers[0]
    hidden = not isinstance(proj, ImageProjection)  # plus / plus-face use the penultimate hidden states
    device = pipe._execution_device if hasattr(pipe, "_execution_device") else lp.device
    with torch.no_grad():
        cond, uncond = pipe.encode_image([_to_pil(r) for r in references], device, 1, hidden)
    cond = cond.mean(dim=0, keepdim=True).unsqueeze(1)
    uncond = uncond.mean(dim=0, keepdim=True).unsqueeze(1)
    return torch.cat([uncond, cond], dim=0)


@dataclass(frozen=True)
class Candidate:
    """One generated image.

    Attributes
    ----------
    seed : int
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].
    """

    seed: int
    pixels: np.ndarray = field(repr=False)


def generate(lp: LoadedPipeline, *, prompt: str, negative: str, n: int = 4, seed: int = 0, steps: int = 30,
             guidance: float = 4.5, size: tuple[int, int] = (896, 1152), embeds=None, image: np.ndarray | None = None,
             strength: float = 0.3) -> list[Candidate]:
    """Generate ``n`` candidates with seeds ``seed, seed + 1, ...`` (one at a time, to bound memory).

    Parameters
    ----------
    lp : LoadedPipeline
    prompt, negative : str
    n : int
        Number of candidates (best-of-N).
    seed : int
        Candidate ``i`` uses ``seed + i`` on a CPU ``torch.Generator`` (the same
        noise on any device).
    steps : int
    guidance : float
        Classifier-free guidance scale; 4-5 for SDXL keeps skin from going plastic.
    size : (int, int)
        ``(width, height)``, multiples of 8 (text-to-image only).
    embeds : torch.Tensor, optional
        From :func:`reference_embeds`.
    image : ndarray, optional
        The photo to restyle (img2img pipelines).
    strength : float
        img2img strength in (0, 1]; low keeps the person.

    Returns
    -------
    list of Candidate
    """
    torch, _ = require_torch()
    if n < 1 or steps < 1:
        raise CandidError("candidates and steps must be at least 1")
    w, h = int(size[0]), int(size[1])
    if w % 8 or h % 8 or w < 8 or h < 8:
        raise CandidError(f"size must be multiples of 8, got {w}x{h}")
    if lp.img2img and image is None:
        raise CandidError("the img2img pipeline needs a source image")
    if lp.img2img and not 0.0 < strength <= 1.0:
        raise CandidError(f"strength must be in (0, 1], got {strength}")
    kwargs: dict[str, Any] = {"prompt": prompt, "negative_prompt": negative, "num_inference_steps": int(steps),
                              "guidance_scale": float(guidance), "output_type": "np"}
    if embeds is not None:
        kwargs["ip_adapter_image_embeds"] = [embeds if guidance > 1 else embeds[1:]]
    elif lp.adapter is not None:
        raise CandidError("an identity adapter is loaded: pass the reference embeddings")
    if lp.img2img:
        kwargs["image"] = _to_pil(image)
        kwargs["strength"] = float(strength)
    else:
        kwargs["width"], kwargs["height"] = w, h
    out = []
    for i in range(n):
        g = torch.Generator(device="cpu").manual_seed(int(seed) + i)
        with torch.no_grad():
            result = lp.pipe(generator=g, **kwargs)
        px = np.asarray(result.images[0], np.float32)
        out.append(Candidate(int(seed) + i, np.clip(px, 0.0, 1.0).astype(np.float32)))
    return out
