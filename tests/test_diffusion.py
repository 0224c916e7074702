"""The diffusion engine with tiny random-weight models built here (no network, CPU, seconds).

The tiny SDXL (UNet, two CLIP text encoders, VAE, tokenizers, scheduler) and
a tiny CLIP image encoder with a randomly initialised IP-Adapter are saved to
a temporary folder in the layout :func:`resolve_models` expects, and the whole
path runs from there: load, multi-reference identity embedding, N seeded
candidates, best-of-N, honest guard, labelled output. The images are noise
(random weights); whether real SDXL weights give good likenesses is not
tested here (see docs/DIFFUSION.md).
"""

from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from candid.engines.diffusion.models import Adapter, ModelSpec, check_weights, resolve_models
from candid.engines.diffusion.prompts import STYLES, build_prompt, flattery_words, strip_flattery
from candid.errors import CandidError, ModelUnavailableError
from candid.portrait import Portrait

torch = pytest.importorskip("torch", reason="the diffusion extra is not installed: pip install '.[diffusion]'")
pytest.importorskip("diffusers", reason="the diffusion extra is not installed: pip install '.[diffusion]'")
pytest.importorskip("transformers", reason="the diffusion extra is not installed: pip install '.[diffusion]'")

TINY_ADAPTER = Adapter("tiny", "sdxl_models", "ip-adapter-tiny.safetensors", "models/image_encoder", "test only")
TINY_SPEC = ModelSpec(adapter=TINY_ADAPTER)
#: An IP-Adapter Plus (Resampler on the encoder's hidden states), the kind candid uses by default (plus-face).
TINY_PLUS = Adapter("tiny-plus", "sdxl_models", "ip-adapter-plus-tiny.safetensors", "models/image_encoder", "test")
SIZE = (64, 64)


# -- building the tiny models ---------------------------------------------------------------------------------
def _tokenizer(folder: Path):
    """A character-level CLIP tokenizer (byte alphabet, no merges), as CLIP's files lay it out."""
    from transformers import CLIPTokenizer

    # GPT-2/CLIP byte-to-unicode table: printable bytes map to themselves, the rest to 256+
    bs = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
          + list(range(ord("®"), ord("ÿ") + 1)))
    chars = [chr(b) for b in bs] + [chr(256 + i) for i in range(256 - len(bs))]
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({c + "</w>": i + len(chars) for i, c in enumerate(chars)})
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)  # the highest id, as in CLIP (pooling takes the argmax id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    return CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77)


def build_tiny_models(root: Path) -> Path:
    """Save a tiny SDXL + IP-Adapter to ``root`` (``sdxl-base/``, ``ip-adapter/``) and return ``root``."""
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel
    from safetensors.torch import save_file
    from transformers import (CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPVisionConfig,
                              CLIPVisionModelWithProjection)

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=32, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4), use_linear_projection=True, addition_embed_type="text_time",
        addition_time_embed_dim=8, transformer_layers_per_block=(1, 1), projection_class_embeddings_input_dim=80,
        cross_attention_dim=64, norm_num_groups=1)
    vae = AutoencoderKL(block_out_channels=[16, 16, 32], in_channels=3, out_channels=3, norm_num_groups=8,
                        down_block_types=["DownEncoderBlock2D"] * 3, up_block_types=["UpDecoderBlock2D"] * 3,
                        latent_channels=4, sample_size=64, layers_per_block=1)
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, steps_offset=1,
                                       beta_schedule="scaled_linear", timestep_spacing="leading")
    cfg = CLIPTextConfig(bos_token_id=0, eos_token_id=2, hidden_size=32, intermediate_size=37, layer_norm_eps=1e-05,
                         num_attention_heads=4, num_hidden_layers=2, pad_token_id=1, vocab_size=1000,
                         hidden_act="gelu", projection_dim=32)
    tmp_tok = root / "_tok"
    pipe = StableDiffusionXLPipeline(vae=vae, text_encoder=CLIPTextModel(cfg),
                                     text_encoder_2=CLIPTextModelWithProjection(cfg),
                                     tokenizer=_tokenizer(tmp_tok), tokenizer_2=_tokenizer(tmp_tok), unet=unet,
                                     scheduler=scheduler)
    pipe.save_pretrained(root / "sdxl-base")
    # the IP-Adapter: CLIP image encoder + image projection + per-cross-attention K/V, random weights
    adapter = root / "ip-adapter"
    enc_cfg = CLIPVisionConfig(hidden_size=32, projection_dim=32, num_hidden_layers=2, num_attention_heads=4,
                               image_size=224, patch_size=32, intermediate_size=37)
    CLIPVisionModelWithProjection(enc_cfg).save_pretrained(adapter / TINY_ADAPTER.encoder)
    tokens, cross = 4, unet.config.cross_attention_dim
    sd = {"image_proj.proj.weight": torch.randn(tokens * cross, enc_cfg.projection_dim) * 0.02,
          "image_proj.proj.bias": torch.zeros(tokens * cross),
          "image_proj.norm.weight": torch.ones(cross), "image_proj.norm.bias": torch.zeros(cross)}
    key = 1
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue
        attn = unet.get_submodule(name[: -len(".processor")])
        hidden = attn.to_k.weight.shape[0]
        sd[f"ip_adapter.{key}.to_k_ip.weight"] = torch.randn(hidden, cross) * 0.02
        sd[f"ip_adapter.{key}.to_v_ip.weight"] = torch.randn(hidden, cross) * 0.02
        key += 2
    (adapter / TINY_ADAPTER.subfolder).mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in sd.items()}, str(adapter / TINY_ADAPTER.subfolder / TINY_ADAPTER.weight))
    # IP-Adapter Plus in the original (tencent-ailab) key layout: a 4-layer perceiver resampler
    dim, inner, ff, queries = 64, 64, 256, 4  # inner = heads * 64 (diffusers reads heads from to_q)
    plus = {k: v for k, v in sd.items() if k.startswith("ip_adapter.")}
    r = lambda *shape: torch.randn(*shape) * 0.02  # noqa: E731
    plus.update({"image_proj.latents": r(1, queries, dim), "image_proj.proj_in.weight": r(dim, enc_cfg.hidden_size),
                 "image_proj.proj_in.bias": torch.zeros(dim), "image_proj.proj_out.weight": r(cross, dim),
                 "image_proj.proj_out.bias": torch.zeros(cross), "image_proj.norm_out.weight": torch.ones(cross),
                 "image_proj.norm_out.bias": torch.zeros(cross)})
    for i in range(4):
        p = f"image_proj.layers.{i}"
        for norm in ("norm1", "norm2"):
            plus[f"{p}.0.{norm}.weight"], plus[f"{p}.0.{norm}.bias"] = torch.ones(dim), torch.zeros(dim)
        plus.update({f"{p}.0.to_q.weight": r(inner, dim), f"{p}.0.to_kv.weight": r(2 * inner, dim),
                     f"{p}.0.to_out.weight": r(dim, inner), f"{p}.1.0.weight": torch.ones(dim),
                     f"{p}.1.0.bias": torch.zeros(dim), f"{p}.1.1.weight": r(ff, dim), f"{p}.1.3.weight": r(dim, ff)})
    save_file({k: v.contiguous() for k, v in plus.items()}, str(adapter / TINY_PLUS.subfolder / TINY_PLUS.weight))
    return root


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    return build_tiny_models(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def astronaut():
    from skimage import data

    return data.astronaut().astype(np.float32) / 255


@pytest.fixture(scope="module")
def library(tmp_path_factory, astronaut):
    """A library with one subject enrolled from two astronaut photos (a crop and a flipped crop)."""
    from candid.imageio import write_image
    from candid.subjects import Library, make_consent

    root = tmp_path_factory.mktemp("lib")
    a, b = root / "a.png", root / "b.png"
    write_image(a, astronaut[:400, 40:440])
    write_image(b, np.ascontiguousarray(astronaut[10:420, 20:430][:, ::-1]))
    lib = Library(root / "library")
    lib.enroll("Eileen", [a, b], consent=make_consent("self", None, None, None, "Eileen"))
    return lib


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    """One torch thread: under pytest -n 2 on 2 cores, torch's OpenMP threads next to dlib/OpenCV ran 30x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("CANDID_MODELS", raising=False)


def _tiny_spec(monkeypatch):
    import candid.engines.diffusion.stage as stage

    monkeypatch.setattr(stage, "spec_for", lambda adapter: TINY_SPEC if adapter != "none" else ModelSpec(adapter=None))


# -- prompts -----------------------------------------------------------------------------------------------------
def test_style_templates_have_no_flattery_and_moderate_guidance():
    assert set(STYLES) >= {"corporate", "editorial", "environmental", "vintage-film", "memorial"}
    for st in STYLES.values():
        assert flattery_words(st.template) == []
        assert 3.0 <= st.guidance <= 5.0
        assert st.strength <= 0.35
    assert STYLES["memorial"].needs_source


def test_user_flattery_is_warned_not_added():
    pos, neg, warnings = build_prompt("editorial", "an old fisherman, Flawless Skin, beautiful")
    assert "Flawless Skin" in pos and warnings and "flattery" in warnings[0]
    assert "plastic skin" in neg and "waxy" in neg
    pos, _, warnings = build_prompt("editorial", "an old fisherman")
    assert warnings == [] and flattery_words(pos) == []
    assert strip_flattery("headshot, perfect skin, stunning, grey beard") == "headshot, grey beard"
    with pytest.raises(CandidError):
        build_prompt("glamour", None)


# -- weights -----------------------------------------------------------------------------------------------------
def test_missing_weights_name_files_and_commands_without_network(tmp_path, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    (tmp_path / "sdxl-base" / "unet").mkdir(parents=True)
    (tmp_path / "sdxl-base" / "model_index.json").write_text("{}")
    with pytest.raises(ModelUnavailableError) as info:
        resolve_models(ModelSpec(), tmp_path)
    text = str(info.value)
    assert "unet/config.json" in text and "model_index.json" not in text.split("hint")[0]
    assert "ip-adapter-plus-face_sdxl_vit-h.safetensors" in text
    assert "huggingface-cli download stabilityai/stable-diffusion-xl-base-1.0" in text
    assert "huggingface-cli download h94/IP-Adapter" in text and "--local-dir" in text
    assert info.value.exit_code == 7
    # via CANDID_MODELS
    monkeypatch.setenv("CANDID_MODELS", str(tmp_path))
    with pytest.raises(ModelUnavailableError, match="unet/config.json"):
        resolve_models(ModelSpec())
    # no folder: only the local hub cache, offline (HF_HUB_OFFLINE=1, local_files_only=True)
    monkeypatch.delenv("CANDID_MODELS")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    with pytest.raises(ModelUnavailableError, match="not in the local hub cache") as info:
        resolve_models(ModelSpec(), allow_download=True)  # offline wins over allow_download
    assert "huggingface-cli download" in str(info.value)


def test_check_weights_accepts_the_tiny_folder(tiny_models):
    assert check_weights(TINY_SPEC, tiny_models / "sdxl-base", tiny_models / "ip-adapter") == []
    resolved = resolve_models(TINY_SPEC, tiny_models)
    assert resolved.origin == "folder" and resolved.variant is None


def test_hub_cache_is_used_offline(tiny_models, tmp_path, monkeypatch):
    """No --models folder: weights already in the Hugging Face cache are found with local_files_only."""
    import shutil

    cache = tmp_path / "hub"
    for repo, folder in (("stabilityai/stable-diffusion-xl-base-1.0", "sdxl-base"), ("h94/IP-Adapter", "ip-adapter")):
        entry = cache / ("models--" + repo.replace("/", "--"))
        (entry / "refs").mkdir(parents=True)
        (entry / "refs" / "main").write_text("0" * 40)
        shutil.copytree(tiny_models / folder, entry / "snapshots" / ("0" * 40))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    import huggingface_hub.constants as hc

    monkeypatch.setattr(hc, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(hc, "HF_HUB_OFFLINE", True)
    resolved = resolve_models(TINY_SPEC)
    assert resolved.origin == "hub-cache" and (resolved.base / "model_index.json").is_file()
    assert (resolved.adapter_root / TINY_ADAPTER.subfolder / TINY_ADAPTER.weight).is_file()


def test_make_engine_diffusion_points_to_generate(tmp_path, capsys):
    from candid.cli import main

    assert main(["make", str(tmp_path / "x.jpg"), "--engine", "diffusion"]) != 0
    assert "candid generate" in capsys.readouterr().err


def test_engine_registered_and_stage_registered():
    from candid.engines import get_engine
    from candid.recipes import STAGES, resolve_stage

    eng = get_engine("diffusion")
    ok, why = eng.available()
    # The reason names the device it would run on (CPU here, CUDA on a GPU machine).
    assert ok and why
    assert set(eng.styles) == set(STYLES)
    assert resolve_stage("engine.diffusion").__name__ == "diffusion_stage"
    assert "engine.diffusion" in STAGES


def test_importing_candid_does_not_import_torch():
    code = ("import sys, candid, candid.engines.diffusion, candid.engines.diffusion.engine, "
            "candid.engines.diffusion.stage, candid.engines.diffusion.recipe, candid.cli; "
            "print('torch' in sys.modules, 'diffusers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# -- the whole path on tiny models ---------------------------------------------------------------------------
def test_pipeline_multi_reference_embeddings_and_seeds(tiny_models, astronaut):
    from candid.engines.diffusion.pipeline import face_crop, generate, load_pipeline, reference_embeds
    from candid.face import analyze_face

    lp = load_pipeline(resolve_models(TINY_SPEC, tiny_models))
    assert lp.device == "cpu" and lp.dtype == "fp32" and lp.adapter == "tiny"
    face = analyze_face(astronaut)
    crops = [face_crop(astronaut, face.landmarks), face_crop(astronaut[:, ::-1].copy(), None)]
    one = reference_embeds(lp, crops[:1])
    both = reference_embeds(lp, crops)
    second = reference_embeds(lp, crops[1:])
    assert both.shape == one.shape and both.shape[:2] == (2, 1)
    torch.testing.assert_close(both[1], (one[1] + second[1]) / 2, rtol=1e-4, atol=1e-5)  # averaged
    kw = dict(prompt="portrait", negative="plastic skin", n=2, seed=5, steps=2, guidance=4.5, size=SIZE, embeds=both)
    a = generate(lp, **kw)
    b = generate(lp, **kw)
    assert [c.seed for c in a] == [5, 6]
    assert a[0].pixels.shape == (64, 64, 3) and a[0].pixels.dtype == np.float32
    assert 0 <= a[0].pixels.min() and a[0].pixels.max() <= 1
    np.testing.assert_array_equal(a[0].pixels, b[0].pixels)  # seeded: same bytes
    assert not np.array_equal(a[0].pixels, a[1].pixels)
    c = generate(lp, **{**kw, "embeds": reference_embeds(lp, crops[1:]), "n": 1})
    assert not np.array_equal(a[0].pixels, c[0].pixels)  # the adapter embedding reaches the UNet


def test_plus_adapter_uses_hidden_states(tiny_models, astronaut):
    """The Resampler ("plus", "plus-face") path: penultimate encoder hidden states, averaged over references."""
    from candid.engines.diffusion.pipeline import generate, load_pipeline, reference_embeds

    spec = ModelSpec(adapter=TINY_PLUS)
    lp = load_pipeline(resolve_models(spec, tiny_models), adapter_scale=0.7)
    assert lp.settings["adapter_scale"] == 0.7
    crops = [np.ascontiguousarray(astronaut[:300, 100:400]), np.ascontiguousarray(astronaut[:300, 400:100:-1])]
    emb = reference_embeds(lp, crops)
    assert emb.ndim == 4 and emb.shape[:2] == (2, 1) and emb.shape[-1] == 32  # (cfg, images, tokens, hidden)
    out = generate(lp, prompt="portrait", negative="waxy skin", n=1, steps=2, size=SIZE, embeds=emb)
    assert out[0].pixels.shape == (64, 64, 3)
    other = generate(lp, prompt="portrait", negative="waxy skin", n=1, steps=2, size=SIZE, embeds=emb * 3)
    assert not np.array_equal(out[0].pixels, other[0].pixels)


def test_engine_text_to_image_end_to_end(tiny_models, library, monkeypatch):
    from candid.engines import get_engine

    _tiny_spec(monkeypatch)
    out = get_engine("diffusion").make(None, style="corporate", prompt="a woman in a flight suit, flawless skin",
                                       subject="Eileen", library=library, models=str(tiny_models), candidates=3,
                                       seed=11, steps=2, size=SIZE, realism=True)
    gen, guard = out.log[0], out.log[-1]
    assert gen.stage == "engine.diffusion" and gen.ai == "generated"
    assert gen.params["seeds"] == [11, 12, 13] and gen.params["seed"] in (11, 12, 13)
    assert gen.params["references"] == 2 and gen.params["guidance"] == 4.5
    assert len(gen.params["candidates"]) == 3 and all(c["ai_score"] is not None for c in gen.params["candidates"])
    assert any("flattery" in n for n in gen.notes)
    assert "plastic skin" in gen.params["negative_prompt"]
    # random weights make noise: no face, and the guard says it could not check (not hidden)
    assert guard.stage == "honest" and guard.params["checked"] is False and "no face" in guard.notes[0]
    assert out.pixels.shape == (64, 64, 3) and out.subject.name == "Eileen"
    json.dumps(gen.params)  # loggable (becomes the C2PA manifest)


def test_engine_img2img_restyle_is_edited(tiny_models, astronaut, library, monkeypatch):
    from skimage.transform import resize

    from candid.engines import get_engine

    _tiny_spec(monkeypatch)
    small = resize(astronaut[:256, 96:352], (96, 96), anti_aliasing=True).astype(np.float32)
    src = Portrait(small, source="astronaut.png")
    out = get_engine("diffusion").make(src, style="memorial", subject="Eileen", library=library,
                                       models=str(tiny_models), candidates=1, steps=4, realism=False)
    op = out.log[0]
    assert op.ai == "edited" and op.params["img2img"] and op.params["strength"] == 0.25
    assert op.params["references"] == 2 and op.params["seeds"] == [0]
    assert out.pixels.shape == (96, 96, 3)  # sides already multiples of 8: kept
    with pytest.raises(CandidError, match="real photo"):
        get_engine("diffusion").make(None, style="memorial", models=str(tiny_models))


@pytest.mark.parametrize("bad", [{"size": (100, 64)}, {"steps": 0}, {"strength": 0.0, "restyle": True},
                                 {"adapter_scale": 1.5}, {"dtype": "fp8"}, {"offload": "disk"}, {"guidance": 0},
                                 {"candidates": 0}, {"adapter": "faceid"}])
def test_bad_options_fail_before_loading(bad, monkeypatch):
    """Validation at the edge: nothing is resolved or loaded for a bad setting."""
    import candid.engines.diffusion.stage as stage

    monkeypatch.setattr(stage, "resolve_models", lambda *a, **k: pytest.fail("weights looked up"))
    src = Portrait(np.full((64, 64, 3), 0.5, np.float32))
    with pytest.raises(CandidError):
        stage.diffusion_stage(src, **bad)


def test_adapter_needs_a_subject_for_text_to_image(tiny_models, monkeypatch):
    from candid.engines import get_engine

    _tiny_spec(monkeypatch)
    with pytest.raises(CandidError, match="--subject"):
        get_engine("diffusion").make(None, style="editorial", models=str(tiny_models))
    out = get_engine("diffusion").make(None, style="editorial", adapter="none", models=str(tiny_models),
                                       candidates=1, steps=1, size=SIZE, realism=False, guidance=9.0)
    assert out.log[0].params["adapter"] is None
    assert any("guidance 9 is high" in n for n in out.log[0].notes)


def test_best_of_n_prefers_likeness_then_guard_reports_identity(library, astronaut):
    """Selection and the honest guard on candidates that have faces (the tiny models make none)."""
    from candid.engines.diffusion.pipeline import Candidate
    from candid.engines.diffusion.select import score_candidates
    from candid.engines.diffusion.stage import _guard
    from candid.portrait import Operation

    from candid.face import analyze_face
    from candid.honest.synthetic import flatter

    prof = library.profile("Eileen")
    me = np.ascontiguousarray(astronaut[:420, 30:450])
    # no face found (an upside-down face is no longer a safe "no face": MediaPipe finds it)
    upside_down = np.full_like(me, 0.5)
    flattered = flatter(me, analyze_face(me).landmarks, eyes=1.35, nose_width=0.7)  # bigger eyes: less like her
    noise = np.random.default_rng(0).random((128, 128, 3)).astype(np.float32)
    ranked = score_candidates([Candidate(1, noise), Candidate(2, flattered), Candidate(3, upside_down),
                               Candidate(4, me)], prof.embeddings, realism=False)
    assert [r.seed for r in ranked] == [4, 2, 1, 3]
    assert ranked[0].identity < ranked[1].identity and ranked[-1].face is None and ranked[-1].note == "no face found"
    best = ranked[0]
    p = Portrait(np.zeros((8, 8, 3), np.float32)).evolve(best.pixels, Operation("engine.diffusion", ai="generated"),
                                                          face=best.face, subject=prof)
    guarded, dist = _guard(p, prof, library)
    assert guarded.log[-1].stage == "honest" and dist is not None and dist < 0.6


def test_recipe_and_run_recipe(tiny_models, library, monkeypatch):
    from candid.engines.diffusion.recipe import diffusion_recipe
    from candid.recipes import run_recipe

    _tiny_spec(monkeypatch)
    recipe = diffusion_recipe("vintage-film", finish="none", prompt="reading", subject="Eileen",
                                       library=str(library.root), models=str(tiny_models), candidates=1, steps=1,
                                       seed=2, realism=False)
    recipe = recipe.with_overrides({"engine.diffusion": {"size": list(SIZE)}})
    out = run_recipe(recipe, Portrait(np.zeros((8, 8, 3), np.float32)))
    stages = [op.stage for op in out.log]
    assert stages[:2] == ["engine.diffusion", "honest"] and "looks.film" in stages


def test_cli_generate(tiny_models, library, tmp_path, monkeypatch):
    from candid.cli import main

    _tiny_spec(monkeypatch)
    target = tmp_path / "eileen.png"
    rc = main(["generate", "--subject", "Eileen", "--library", str(library.root), "--models", str(tiny_models),
               "--prompt", "in a hangar", "-n", "2", "--steps", "1", "--size", "none", "--resolution", "64x64",
               "--out", str(target),
               "--style", "editorial"])
    assert rc == 0 and target.is_file()
    rc = main(["generate", "--subject", "Eileen", "--library", str(library.root), "--models", str(tmp_path / "none"),
               "--out", str(tmp_path / "x.png")])
    assert rc == 7 and not (tmp_path / "x.png").exists()
    assert main(["generate", "--style", "memorial", "--models", str(tiny_models)]) != 0


@pytest.mark.parametrize("name", ["prompts", "models", "select", "recipe", "engine", "pipeline", "stage"])
def test_docstring_examples(name):
    module = importlib.import_module(f"candid.engines.diffusion.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
