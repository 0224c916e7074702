"""Engines: ways of making a portrait from a source (studio, restore, diffusion).

Every engine implements :class:`candid.engines.base.Engine`; front doors pick
one by name with :func:`get_engine`.
"""

from candid.engines.base import ENGINES, Engine, get_engine

__all__ = ["ENGINES", "Engine", "get_engine"]
