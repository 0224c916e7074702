"""The scorecard: every capability measured on real photos, with numbers and contact sheets.

``python -m candid.scorecard --data DIR --out OUT`` (``make scorecard``) runs
the sections :data:`SECTIONS` over a folder laid out like ``../shared/data``
and merges their keys into ``OUT/scorecard.json`` and their contact sheets
into ``OUT/index.html``. Metrics are small pure functions in
:mod:`candid.scorecard.metrics`; see ``docs/SCORECARD.md``.
"""

#: Section name -> module (each has ``run(data, *, limit, seed, log) -> SectionResult``).
SECTIONS = {
    "studio": "candid.scorecard.studio",
    "honest": "candid.scorecard.honest",
    "inspect": "candid.scorecard.inspection",
    "restore": "candid.scorecard.restore",
    "finish": "candid.scorecard.finish",
}

__all__ = ["SECTIONS"]
