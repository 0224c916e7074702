"""C2PA manifests: sign an output with its stage log, and read one back.

Uses ``c2pa-python`` (the Content Authenticity Initiative's Rust SDK). No
timestamp authority is contacted unless a ``tsa_url`` is given, so signing
works offline; a manifest without a trusted timestamp is valid only while the
signing certificate is.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from candid.errors import CandidError, ModelUnavailableError

MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".tif": "image/tiff",
        ".tiff": "image/tiff", ".webp": "image/webp", ".avif": "image/avif"}
CANDID_LOG_LABEL = "org.candid.log"

#: Stage-name prefixes mapped to the closest standard C2PA action.
_ACTIONS = {
    "looks.": "c2pa.filtered", "finish.": "c2pa.resized", "honest.": "c2pa.edited",
    "engines.": "c2pa.edited", "color": "c2pa.color_adjustments", "crop": "c2pa.cropped",
}


def _c2pa():
    try:
        import c2pa
    except ImportError as exc:  # pragma: no cover - dependency
        raise ModelUnavailableError("C2PA signing needs the 'c2pa-python' package",
                                    hint="pip install c2pa-python") from exc
    return c2pa


@dataclass
class Signer:
    """A C2PA signing identity: PEM chain (signer first) and private key.

    Create with :func:`dev_signer` or :func:`load_signer`. A fresh native signer
    is built for every signature (the SDK consumes it).
    """

    chain: bytes
    key: bytes
    alg: str = "es256"
    tsa_url: str | None = None
    name: str = ""

    def native(self):
        c2pa = _c2pa()
        alg = getattr(c2pa.C2paSigningAlg, self.alg.upper())
        try:
            return c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg, self.chain, self.key, self.tsa_url))
        except c2pa.C2paError as exc:
            raise CandidError(f"cannot use this signing certificate/key ({exc})",
                              hint="C2PA needs a PEM chain (signer first) and its PKCS#8 key") from None


def load_signer(chain: str | os.PathLike, key: str | os.PathLike, *, alg: str = "es256",
                tsa_url: str | None = None) -> Signer:
    """A signer from your own PEM certificate chain and private key.

    Examples
    --------
    >>> s = load_signer("me-chain.pem", "me.key")  # doctest: +SKIP
    """
    from candid.provenance.certs import check_certificate_files

    chain_b, key_b = check_certificate_files(chain, key)
    if alg.lower() not in ("es256", "es384", "es512", "ps256", "ps384", "ps512", "ed25519"):
        raise CandidError(f"unknown signing algorithm {alg!r}")
    return Signer(chain_b, key_b, alg.lower(), tsa_url, name=Path(chain).name)


def dev_signer(folder: str | os.PathLike | None = None) -> Signer:
    """A signer with locally generated development certificates (made once, then reused).

    Parameters
    ----------
    folder : path, optional
        Where the certificates live; default is candid's user data dir.

    Examples
    --------
    >>> import tempfile
    >>> dev_signer(tempfile.mkdtemp()).alg
    'es256'
    """
    from candid.provenance.certs import make_dev_certificates

    paths = make_dev_certificates(folder)
    return load_signer(paths.chain, paths.key)


def _log_dicts(log: Iterable) -> list[dict]:
    from candid.provenance.xmp import _log_dicts as impl

    return impl(log)


def manifest_definition(log: Iterable, *, title: str, watermark_id: str | None = None) -> dict:
    """The C2PA manifest definition (JSON-able dict) candid signs for a log.

    The first action is ``c2pa.created`` with the IPTC digital source type of
    the whole log; each stage follows as an action (``c2pa.edited``,
    ``c2pa.filtered``, ...) whose parameters name the stage, its settings and
    whether it used AI. The full log is also an ``org.candid.log`` assertion.

    Examples
    --------
    >>> from candid.portrait import Operation
    >>> m = manifest_definition([Operation("looks.grain")], title="x.jpg")
    >>> [a["action"] for a in m["assertions"][0]["data"]["actions"]]
    ['c2pa.created', 'c2pa.filtered']
    """
    import candid
    from candid.provenance.source_type import digital_source_type

    log = _log_dicts(log)
    dst = digital_source_type(log)
    agent = {"name": "candid", "version": candid.__version__}
    actions: list[dict[str, Any]] = [{"action": "c2pa.created", "digitalSourceType": dst, "softwareAgent": agent,
                                      "description": "made with candid"}]
    for op in log:
        stage = str(op.get("stage", "?"))
        if stage == "provenance.source":
            # an input's labels: they count in the digital source type above and
            # live in the org.candid.log assertion (and the ingredients), not as actions
            continue
        kind = next((a for p, a in _ACTIONS.items() if stage.startswith(p)), "c2pa.edited")
        action: dict[str, Any] = {
            "action": kind, "softwareAgent": agent,
            "description": "; ".join([stage, *map(str, op.get("notes", []))])[:1000],
            "parameters": {"org.candid.stage": stage, "org.candid.ai": op.get("ai", "none"),
                           "org.candid.params": op.get("params", {})},
        }
        if op.get("ai") in ("edited", "generated"):
            from candid.provenance.source_type import COMPOSITE_WITH_TRAINED, TRAINED_ALGORITHMIC_MEDIA

            action["digitalSourceType"] = (TRAINED_ALGORITHMIC_MEDIA if op["ai"] == "generated"
                                           else COMPOSITE_WITH_TRAINED)
        actions.append(action)
    data: dict[str, Any] = {"log": log}
    if watermark_id:
        data["watermark_id"] = watermark_id
    return {
        "claim_generator_info": [agent],
        "title": title,
        "assertions": [
            {"label": "c2pa.actions.v2", "data": {"actions": actions}},
            {"label": CANDID_LOG_LABEL, "data": data},
        ],
    }


def _context():
    c2pa = _c2pa()
    # No claim thumbnail: outputs carry no thumbnails of any kind. No network:
    # remote manifests and OCSP are not fetched.
    settings = {"builder": {"thumbnail": {"enabled": False}},
                "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    try:
        return c2pa.Context(settings=c2pa.Settings.from_dict(settings))
    except Exception:  # older/newer SDK without these keys: defaults still work offline
        return None


def sign_c2pa(path_in: str | os.PathLike, path_out: str | os.PathLike, log: Iterable, signer: Signer,
              *, watermark_id: str | None = None, ingredients=(), title: str | None = None) -> Path:
    """Embed a signed C2PA manifest for ``log`` into a copy of ``path_in`` at ``path_out`` (atomically).

    Parameters
    ----------
    path_in, path_out : path
        Source image and where to write the signed image (may be the same).
    log : iterable of Operation
    signer : Signer
        From :func:`dev_signer` or :func:`load_signer`.
    watermark_id : str, optional
        Recorded in the ``org.candid.log`` assertion.
    ingredients : sequence of path, optional
        Input files, added as ``parentOf`` ingredients (title = file name; an
        input's own C2PA manifest travels inside the ingredient). An input
        the SDK cannot take is skipped; the ``provenance.source`` entries of
        the log still name it.
    title : str, optional
        The manifest's title (default: the output's file name).

    Returns
    -------
    Path

    Examples
    --------
    >>> sign_c2pa("a.jpg", "a.jpg", portrait.log, dev_signer())  # doctest: +SKIP
    """
    c2pa = _c2pa()
    path_in, path_out = Path(path_in), Path(path_out)
    mime = MIME.get(path_out.suffix.lower())
    if mime is None:
        raise CandidError(f"{path_out}: cannot embed C2PA in '{path_out.suffix}' files")
    manifest = manifest_definition(log, title=title or path_out.name, watermark_id=watermark_id)
    ctx = _context()
    from candid.files import atomic_path

    try:
        with atomic_path(path_out, suffix=f".c2pa{path_out.suffix}") as tmp, \
                open(tmp, "w+b") as dst, open(path_in, "rb") as src:
            builder = c2pa.Builder(json.dumps(manifest), ctx) if ctx is not None else c2pa.Builder(json.dumps(manifest))
            with builder:
                for ing in ingredients or ():
                    _add_ingredient(builder, Path(ing))
                builder.sign(signer.native(), mime, src, dst)
    except c2pa.C2paError as exc:
        raise CandidError(f"{path_out}: C2PA signing failed ({exc})") from None
    return path_out


def _add_ingredient(builder, path: Path) -> None:
    from candid.imageio import sniff_format

    try:
        with open(path, "rb") as fh:
            fmt = sniff_format(fh.read(64))
            fh.seek(0)
            mime = {"jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff", "webp": "image/webp",
                    "avif": "image/avif", "heif": "image/heif", "gif": "image/gif"}.get(fmt or "")
            if mime is None:
                return
            builder.add_ingredient({"title": path.name, "relationship": "parentOf"}, mime, fh)
    except Exception:  # noqa: BLE001 - a hostile or odd input must not stop labelling the output
        return


@dataclass
class C2paInfo:
    """What :func:`read_c2pa` found.

    Attributes
    ----------
    status : {"absent", "valid", "trusted", "invalid", "error"}
        ``valid``: signature and hashes check out, signer not on a trust list
        (e.g. candid's development certificate); ``trusted``: also chains to a
        trust anchor the SDK knows; ``invalid``: the file was changed after
        signing or the manifest is broken.
    """

    status: str
    signer: str | None = None
    issuer: str | None = None
    digital_source_type: str | None = None
    actions: list[dict] = field(default_factory=list)
    log: list | None = None
    watermark_id: str | None = None
    failures: list[str] = field(default_factory=list)
    detail: str | None = None


def read_c2pa(path: str | os.PathLike) -> C2paInfo:
    """Read and validate the C2PA manifest of a file.

    Never raises for a bad or missing manifest: that is reported in ``status``.

    Examples
    --------
    >>> read_c2pa("portrait.jpg").status  # doctest: +SKIP
    'valid'
    """
    c2pa = _c2pa()
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            ctx = _context()
            mime = MIME.get(path.suffix.lower())
            from candid.imageio import sniff_format

            head = fh.read(64)
            fh.seek(0)
            fmt = sniff_format(head)
            mime = {"jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff", "webp": "image/webp",
                    "avif": "image/avif", "heif": "image/heif", "gif": "image/gif"}.get(fmt or "", mime)
            if mime is None:
                return C2paInfo("absent", detail="not a format that carries C2PA")
            reader = (c2pa.Reader.try_create(mime, fh, None, ctx) if ctx is not None
                      else c2pa.Reader.try_create(mime, fh))
            if reader is None:
                return C2paInfo("absent")
            with reader:
                state = reader.get_validation_state()
                manifest = reader.get_active_manifest() or {}
                results = reader.get_validation_results() or {}
    except c2pa.C2paError as exc:
        text = str(exc)
        if "ManifestNotFound" in text or "JumbfNotFound" in text or "no JUMBF" in text:
            return C2paInfo("absent")
        return C2paInfo("invalid", detail=text[:300])
    except OSError as exc:
        raise CandidError(f"{path}: cannot read ({exc.strerror})") from None
    failures = [f"{f.get('code')}: {f.get('explanation', '')}"
                for f in (results.get("activeManifest") or {}).get("failure", [])]
    sig = manifest.get("signature_info") or {}
    info = C2paInfo(status={"Trusted": "trusted", "Valid": "valid"}.get(str(state), "invalid"),
                    signer=sig.get("common_name"), issuer=sig.get("issuer"), failures=failures)
    for assertion in manifest.get("assertions", []):
        label = assertion.get("label", "")
        data = assertion.get("data") or {}
        if label.startswith("c2pa.actions"):
            info.actions = list(data.get("actions", []))
            for a in info.actions:
                if a.get("action") == "c2pa.created" and a.get("digitalSourceType"):
                    info.digital_source_type = a["digitalSourceType"]
        elif label == CANDID_LOG_LABEL:
            info.log = data.get("log")
            info.watermark_id = data.get("watermark_id")
    return info
