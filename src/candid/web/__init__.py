"""The web studio: ``candid serve`` (FastAPI + uvicorn, a SQLite job queue).

Enroll subjects, make portraits with live progress, compare two images side by
side with synchronized deep zoom to 1:1, switch the inspector's heatmaps on
and off, and keep or undo each change the flattery audit found. Every image
operation runs through the same recipes as the CLI. See ``docs/WEB.md``.
"""

from candid.web.app import create_app

__all__ = ["create_app"]
