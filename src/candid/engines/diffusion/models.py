"""Where the diffusion weights are, and what is missing.

Weights come from a local folder (``--models DIR`` or the ``CANDID_MODELS``
environment variable) laid out as::

    DIR/
      sdxl-base/     diffusers layout of stabilityai/stable-diffusion-xl-base-1.0
      ip-adapter/    layout of h94/IP-Adapter (sdxl_models/..., models/image_encoder/...)

or, only when the user opts in (``allow_download=True``, ``--download``), from
the Hugging Face hub through its cache. ``HF_HUB_OFFLINE=1`` is respected:
then only what is already in the cache is used. Nothing here touches the
network unless ``allow_download`` is true and the hub is not offline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from candid.errors import ModelUnavailableError

#: Environment variable naming the local models folder.
ENV_MODELS = "CANDID_MODELS"


@dataclass(frozen=True)
class Adapter:
    """One IP-Adapter variant in the h94/IP-Adapter layout.

    Attributes
    ----------
    name : str
    subfolder : str
        Folder of the adapter weights inside the adapter repository.
    weight : str
        Adapter weight file.
    encoder : str
        Folder of the CLIP image encoder inside the adapter repository.
    licence : str
    """

    name: str
    subfolder: str
    weight: str
    encoder: str
    licence: str


#: IP-Adapters diffusers loads natively with ``pipe.load_ip_adapter``. All use a
#: CLIP image encoder (OpenCLIP, MIT) and Apache-2.0 adapter weights, so they are
#: the commercial-safe path; InsightFace-based adapters (FaceID, InstantID) are
#: not wired in (their face encoders are licensed for non-commercial research).
ADAPTERS: dict[str, Adapter] = {a.name: a for a in (
    Adapter("plus-face", "sdxl_models", "ip-adapter-plus-face_sdxl_vit-h.safetensors", "models/image_encoder",
            "adapter Apache-2.0 (h94/IP-Adapter); image encoder OpenCLIP ViT-H/14, MIT"),
    Adapter("plus", "sdxl_models", "ip-adapter-plus_sdxl_vit-h.safetensors", "models/image_encoder",
            "adapter Apache-2.0 (h94/IP-Adapter); image encoder OpenCLIP ViT-H/14, MIT"),
    Adapter("plain", "sdxl_models", "ip-adapter_sdxl.safetensors", "sdxl_models/image_encoder",
            "adapter Apache-2.0 (h94/IP-Adapter); image encoder OpenCLIP ViT-bigG/14, MIT"),
)}


@dataclass(frozen=True)
class ModelSpec:
    """The weights one diffusion setup needs.

    Attributes
    ----------
    base_dir, adapter_dir : str
        Folder names under the models folder.
    base_repo, adapter_repo : str
        Hub repositories to download from (only on request).
    adapter : Adapter or None
        None runs without an identity adapter (prompt only).
    licence : str
        Licence of the base model.

    Examples
    --------
    >>> spec = ModelSpec()
    >>> spec.base_repo, spec.adapter.weight
    ('stabilityai/stable-diffusion-xl-base-1.0', 'ip-adapter-plus-face_sdxl_vit-h.safetensors')
    """

    base_dir: str = "sdxl-base"
    base_repo: str = "stabilityai/stable-diffusion-xl-base-1.0"
    adapter_dir: str = "ip-adapter"
    adapter_repo: str = "h94/IP-Adapter"
    adapter: Adapter | None = ADAPTERS["plus-face"]
    licence: str = "CreativeML Open RAIL++-M (commercial use allowed with use restrictions)"


def spec_for(adapter: str | None = "plus-face") -> ModelSpec:
    """The default SDXL spec with the named adapter (``"none"``/None for no adapter).

    Examples
    --------
    >>> spec_for("plain").adapter.encoder
    'sdxl_models/image_encoder'
    >>> spec_for("none").adapter is None
    True
    """
    if adapter in (None, "none"):
        return ModelSpec(adapter=None)
    if adapter not in ADAPTERS:
        from candid.errors import CandidError

        raise CandidError(f"unknown identity adapter {adapter!r}", hint=f"adapters: {', '.join(ADAPTERS)}, none")
    return ModelSpec(adapter=ADAPTERS[adapter])


_BASE_COMPONENTS = {  # folder -> weight stem (None: config/tokenizer only)
    "unet": "diffusion_pytorch_model",
    "vae": "diffusion_pytorch_model",
    "text_encoder": "model",
    "text_encoder_2": "model",
}
_WEIGHT_SUFFIXES = (".safetensors", ".fp16.safetensors", ".safetensors.index.json", ".fp16.safetensors.index.json",
                    ".bin", ".fp16.bin")


def _has_weights(folder: Path, stem: str) -> bool:
    return any((folder / f"{stem}{s}").is_file() for s in _WEIGHT_SUFFIXES)


def weight_variant(base: Path) -> str | None:
    """``"fp16"`` when the base folder holds only fp16 weight files, else None.

    Examples
    --------
    >>> weight_variant(Path("/nonexistent")) is None
    True
    """
    unet = Path(base) / "unet"
    full = any((unet / f"diffusion_pytorch_model{s}").is_file()
               for s in (".safetensors", ".safetensors.index.json", ".bin"))
    half = any((unet / f"diffusion_pytorch_model{s}").is_file() for s in (".fp16.safetensors", ".fp16.bin",
                                                                          ".fp16.safetensors.index.json"))
    return "fp16" if half and not full else None


def check_weights(spec: ModelSpec, base: Path, adapter_root: Path | None) -> list[str]:
    """The files ``spec`` needs that are not in ``base`` / ``adapter_root`` (empty: all there).

    Parameters
    ----------
    spec : ModelSpec
    base : Path
        Folder in diffusers layout (``model_index.json``, ``unet/``, ``vae/``...).
    adapter_root : Path or None
        Folder in the h94/IP-Adapter layout (ignored when ``spec.adapter`` is None).

    Returns
    -------
    list of str
        Missing paths, as paths a person can check.

    Examples
    --------
    >>> check_weights(ModelSpec(), Path("/nonexistent/sdxl-base"), Path("/nonexistent/ip-adapter"))
    ['/nonexistent/sdxl-base/ (the whole folder)', '/nonexistent/ip-adapter/ (the whole folder)']
    """
    base = Path(base)
    missing: list[str] = []
    if not base.is_dir():
        missing.append(f"{base}/ (the whole folder)")
    else:
        missing += _missing_base_files(base)
    if spec.adapter is not None:
        root = Path(adapter_root) if adapter_root is not None else Path("ip-adapter")
        a = spec.adapter
        if not root.is_dir():
            return missing + [f"{root}/ (the whole folder)"]
        if not (root / a.subfolder / a.weight).is_file():
            missing.append(str(root / a.subfolder / a.weight))
        enc = root / a.encoder
        if not (enc / "config.json").is_file():
            missing.append(str(enc / "config.json"))
        if not _has_weights(enc, "model"):
            missing.append(str(enc / "model.safetensors"))
    return missing


def _missing_base_files(base: Path) -> list[str]:
    missing: list[str] = []
    for rel in ("model_index.json", "scheduler/scheduler_config.json"):
        if not (base / rel).is_file():
            missing.append(str(base / rel))
    for tok in ("tokenizer", "tokenizer_2"):  # slow (vocab + merges, as on the hub) or fast (tokenizer.json) files
        if not (base / tok / "tokenizer.json").is_file():
            missing += [str(base / tok / f) for f in ("vocab.json", "merges.txt") if not (base / tok / f).is_file()]
    for folder, stem in _BASE_COMPONENTS.items():
        if not (base / folder / "config.json").is_file():
            missing.append(str(base / folder / "config.json"))
        if not _has_weights(base / folder, stem):
            missing.append(str(base / folder / f"{stem}[.fp16].safetensors"))
    return missing


def download_commands(spec: ModelSpec, root: str | Path = "$CANDID_MODELS") -> list[str]:
    """Shell commands that fetch ``spec``'s weights into ``root`` in the layout :func:`resolve_models` expects.

    Examples
    --------
    >>> download_commands(ModelSpec(), "/m")[0].split()[:3]
    ['huggingface-cli', 'download', 'stabilityai/stable-diffusion-xl-base-1.0']
    """
    cmds = [f'huggingface-cli download {spec.base_repo} --local-dir {root}/{spec.base_dir} '
            f'--include "*.json" "*.txt" "*/*.fp16.safetensors"']
    if spec.adapter is not None:
        a = spec.adapter
        cmds.append(f'huggingface-cli download {spec.adapter_repo} --local-dir {root}/{spec.adapter_dir} '
                    f'--include "{a.subfolder}/{a.weight}" "{a.encoder}/config.json" "{a.encoder}/model.safetensors"')
    return cmds


@dataclass(frozen=True)
class ResolvedModels:
    """Folders that hold every file a :class:`ModelSpec` needs.

    Attributes
    ----------
    spec : ModelSpec
    base : Path
    adapter_root : Path or None
    variant : str or None
        ``"fp16"`` when only fp16 weight files are present.
    origin : str
        ``"folder"`` or ``"hub-cache"``, for the log.
    """

    spec: ModelSpec
    base: Path
    adapter_root: Path | None
    variant: str | None
    origin: str


def hub_offline() -> bool:
    """Whether ``HF_HUB_OFFLINE`` asks for no network access."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _missing_error(spec: ModelSpec, missing: list[str], where: str, root: str) -> ModelUnavailableError:
    shown = missing[:12] + ([f"... and {len(missing) - 12} more"] if len(missing) > 12 else [])
    hint = ("fetch them (about 7 GB for SDXL in fp16 and 1-3 GB for the adapter) with:\n    "
            + "\n    ".join(download_commands(spec, root))
            + "\n  then pass --models DIR or set CANDID_MODELS=DIR; or let candid download them from the "
              "Hugging Face hub with --download. See docs/DIFFUSION.md.")
    return ModelUnavailableError(f"diffusion weights missing {where}:\n    " + "\n    ".join(shown), hint=hint)


def resolve_models(spec: ModelSpec | None = None, models: str | Path | None = None, *,
                   allow_download: bool = False) -> ResolvedModels:
    """Find the weights for ``spec``: a local folder, else the hub cache, else (on request) the hub.

    Parameters
    ----------
    spec : ModelSpec, optional
        Default: SDXL with the plus-face adapter.
    models : path, optional
        The models folder; default ``$CANDID_MODELS``.
    allow_download : bool
        Download missing weights from the hub (ignored when ``HF_HUB_OFFLINE=1``).
        Without it, and without a models folder, only the local hub cache is used.

    Returns
    -------
    ResolvedModels

    Raises
    ------
    ModelUnavailableError
        Naming every missing file and the commands that fetch them.

    Examples
    --------
    >>> resolve_models(models="/nonexistent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    candid.errors.ModelUnavailableError: diffusion weights missing in /nonexistent:
    ...
    """
    spec = spec or ModelSpec()
    root = models if models is not None else os.environ.get(ENV_MODELS) or None
    if root is not None:
        root = Path(root).expanduser()
        base, adapter_root = root / spec.base_dir, root / spec.adapter_dir
        missing = check_weights(spec, base, adapter_root)
        if missing:
            raise _missing_error(spec, missing, f"in {root}", str(root))
        return ResolvedModels(spec, base, adapter_root if spec.adapter else None, weight_variant(base), "folder")
    return _from_hub(spec, allow_download=allow_download)


def _from_hub(spec: ModelSpec, *, allow_download: bool) -> ResolvedModels:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise ModelUnavailableError("the diffusion engine needs its optional dependencies",
                                    hint="pip install 'candid[diffusion]'") from None
    local_only = hub_offline() or not allow_download
    paths = []
    repos = [(spec.base_repo, ["*.json", "*.txt", "*/*.fp16.safetensors"])]
    if spec.adapter is not None:
        a = spec.adapter
        repos.append((spec.adapter_repo, [f"{a.subfolder}/{a.weight}", f"{a.encoder}/config.json",
                                          f"{a.encoder}/model.safetensors"]))
    for repo, patterns in repos:
        try:
            paths.append(Path(snapshot_download(repo, allow_patterns=patterns, local_files_only=local_only)))
        except Exception as exc:  # LocalEntryNotFoundError, OfflineModeIsEnabled, HTTP errors
            why = "not in the local hub cache" if local_only else f"download failed ({type(exc).__name__})"
            raise _missing_error(spec, [f"{repo} ({why})"], "(no --models folder, no CANDID_MODELS)",
                                 "$CANDID_MODELS") from None
    base, adapter_root = paths[0], (paths[1] if len(paths) > 1 else None)
    missing = check_weights(spec, base, adapter_root)
    if missing:
        raise _missing_error(spec, missing, "in the hub cache", "$CANDID_MODELS")
    return ResolvedModels(spec, base, adapter_root, weight_variant(base), "hub-cache")
