"""The GPU diffusion engine: SDXL + an IP-Adapter, honest defaults, best-of-N by likeness.

Importing this package does not import torch; :mod:`.pipeline` imports
torch and diffusers inside its functions. See docs/DIFFUSION.md.
"""

from candid.engines.diffusion.models import ADAPTERS, ENV_MODELS, ModelSpec, check_weights, resolve_models, spec_for
from candid.engines.diffusion.prompts import FLATTERY_WORDS, NEGATIVE_PROMPT, STYLES, build_prompt, flattery_words

__all__ = ["ADAPTERS", "ENV_MODELS", "FLATTERY_WORDS", "NEGATIVE_PROMPT", "STYLES", "ModelSpec", "build_prompt",
           "check_weights", "flattery_words", "resolve_models", "spec_for"]
