"""One module per tell; each exposes ``judge(ctx) -> TellResult``."""

from __future__ import annotations

#: Tell name -> module, in report order.
TELLS = ("skin", "eyes", "lighting", "edges", "symmetry", "crispness", "noise", "traces", "hands")
