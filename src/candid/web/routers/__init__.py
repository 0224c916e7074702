"""The web studio's API and pages, one :class:`fastapi.APIRouter` per area.

Each router takes the app's :class:`~candid.web.deps.Studio` through
``Depends(studio)``; :func:`candid.web.app.create_app` includes them all.
"""

from candid.web.routers import jobs, pages, results, session, subjects, uploads

#: In the order the app includes them (the order of the OpenAPI schema).
ROUTERS = (session.router, uploads.router, subjects.router, jobs.router, results.router, pages.router)

__all__ = ["ROUTERS"]
