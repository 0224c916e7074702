"""Diffusion engine benchmark: what candid adds around the model, and (with weights and a GPU) the model itself.

1. candid's overhead per candidate at SDXL's output size (896x1152): face
   analysis + identity distance + the inspector score used by best-of-N, and
   the honest guard on the chosen image. Runs anywhere (astronaut photo as the
   "candidate"), on the CPU.
2. The whole path on the tiny random-weight models the tests build (load,
   multi-reference embedding, N candidates, selection, guard): checks the
   plumbing and its fixed costs, says nothing about image quality.
3. Real SDXL + IP-Adapter, only if ``CANDID_MODELS`` (or ``--models``) holds the
   weights: seconds per image and peak VRAM for each memory option. Skipped
   with a message otherwise (this machine has no GPU and no model hub).

Writes bench/results/diffusion.json and prints a Markdown table.

Usage: .venv/bin/python bench/bench_diffusion.py [--models DIR] [--candidates 4]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from skimage import data
from skimage.transform import resize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def overhead(n: int) -> dict:
    from candid.engines.diffusion.pipeline import Candidate
    from candid.engines.diffusion.select import score_candidates
    from candid.face import analyze_face
    from candid.honest.stage import honest_stage

    astro = data.astronaut().astype(np.float32) / 255
    big = resize(astro, (1152, 1152), anti_aliasing=True).astype(np.float32)[:, 128:1024]  # 896x1152
    refs = analyze_face(astro).embedding[None]
    cands = [Candidate(i, np.ascontiguousarray(big if i % 2 == 0 else big[:, ::-1])) for i in range(n)]
    t = time.perf_counter()
    ranked = score_candidates(cands, refs, realism=False)
    t_id = (time.perf_counter() - t) / n
    t = time.perf_counter()
    ranked = score_candidates(cands, refs, realism=True)
    t_all = (time.perf_counter() - t) / n
    from candid.portrait import Operation, Portrait

    p = Portrait(np.zeros((8, 8, 3), np.float32)).evolve(ranked[0].pixels, Operation("engine.diffusion"),
                                                          face=ranked[0].face)
    t = time.perf_counter()
    honest_stage(p)
    t_guard = time.perf_counter() - t
    return {"size": [896, 1152], "candidates": n, "identity_s_per_candidate": round(t_id, 2),
            "identity_and_inspector_s_per_candidate": round(t_all, 2), "honest_guard_subject_free_s": round(t_guard, 2)}


def tiny_path(n: int) -> dict:
    import test_diffusion as T
    import torch

    torch.set_num_threads(1)  # as in the tests: torch's OpenMP threads next to dlib/OpenCV on 2 cores spin

    from candid.engines.diffusion.pipeline import generate, load_pipeline, reference_embeds
    from candid.engines.diffusion.models import resolve_models

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        root = T.build_tiny_models(Path(tmp))
        t_build = time.perf_counter() - t
        t = time.perf_counter()
        lp = load_pipeline(resolve_models(T.TINY_SPEC, root))
        t_load = time.perf_counter() - t
        refs = [np.random.default_rng(i).random((224, 224, 3)).astype(np.float32) for i in range(4)]
        t = time.perf_counter()
        emb = reference_embeds(lp, refs)
        t_emb = time.perf_counter() - t
        generate(lp, prompt="warm-up", negative="", n=1, steps=1, size=(64, 64), embeds=emb)  # lazy imports
        t = time.perf_counter()
        generate(lp, prompt="portrait", negative="plastic skin", n=n, steps=4, size=(64, 64), embeds=emb)
        t_gen = (time.perf_counter() - t) / n
    return {"build_s": round(t_build, 2), "load_s": round(t_load, 2), "embed_4_refs_s": round(t_emb, 3),
            "generate_s_per_candidate_64px_4_steps": round(t_gen, 3)}


def real(models: str | None, n: int) -> dict:
    from candid.engines.diffusion.models import resolve_models
    from candid.errors import ModelUnavailableError

    try:
        import torch
    except ImportError:
        return {"skipped": "torch not installed"}
    if not torch.cuda.is_available():
        return {"skipped": "no CUDA GPU here; real SDXL was not run"}
    try:
        resolved = resolve_models(models=models)
    except ModelUnavailableError as exc:
        return {"skipped": f"no weights: {exc.message.splitlines()[0]}"}
    from candid.engines.diffusion.pipeline import generate, load_pipeline, reference_embeds

    rows = []
    for opts in ({"dtype": "fp16"}, {"dtype": "fp16", "vae_tiling": True}, {"dtype": "fp16", "offload": "model"},
                 {"dtype": "fp16", "offload": "sequential"}):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        lp = load_pipeline(resolved, **opts)
        grey = np.full((224, 224, 3), 0.5, np.float32)
        emb = reference_embeds(lp, [grey]) if lp.adapter else None
        t = time.perf_counter()
        generate(lp, prompt="portrait photograph", negative="plastic skin", n=n, steps=30, embeds=emb)
        rows.append({**opts, "s_per_image": round((time.perf_counter() - t) / n, 1),
                     "peak_vram_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2)})
        del lp
    return {"gpu": torch.cuda.get_device_name(0), "rows": rows}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=None)
    ap.add_argument("--candidates", type=int, default=4)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    result = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "overhead": overhead(args.candidates),
              "tiny": tiny_path(args.candidates), "real": real(args.models, args.candidates)}
    out = ROOT / "bench" / "results" / "diffusion.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    o, t = result["overhead"], result["tiny"]
    print("| what | time |\n|---|---|")
    print(f"| best-of-N identity per candidate, 896x1152 | {o['identity_s_per_candidate']} s |")
    both = o["identity_and_inspector_s_per_candidate"]
    print(f"| best-of-N identity + inspector per candidate, 896x1152 | {both} s |")
    print(f"| honest guard (no subject), 896x1152 | {o['honest_guard_subject_free_s']} s |")
    print(f"| tiny model: load | {t['load_s']} s |")
    print(f"| tiny model: 4-reference embedding | {t['embed_4_refs_s']} s |")
    print(f"| tiny model: one candidate, 64 px, 4 steps | {t['generate_s_per_candidate_64px_4_steps']} s |")
    print(f"real SDXL: {json.dumps(result['real'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
