"""``/api/session`` and ``/api/login``: the CSRF value and the token cookie."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from candid.web.deps import Studio, studio
from candid.web.models import Login
from candid.web.security import SESSION_COOKIE, TOKEN_COOKIE

router = APIRouter(tags=["session"])


@router.get("/api/session")
def session(request: Request, response: Response, st: Studio = Depends(studio)) -> dict:
    """A CSRF value for this browser session (sets the session cookie if needed)."""
    sid = request.cookies.get(SESSION_COOKIE)
    if not sid or len(sid) > 64:
        sid = st.guard.new_session()
        response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="strict")
    return {"csrf": st.guard.csrf_for(sid), "token_required": st.guard.token is not None}


@router.post("/api/login")
def login(body: Login, response: Response, st: Studio = Depends(studio)) -> dict:
    """Exchange the access token for a cookie (for browsers)."""
    if not st.guard.token_ok(body.token, None):
        raise HTTPException(401, "wrong token")
    if st.guard.token:
        response.set_cookie(TOKEN_COOKIE, st.guard.token, httponly=True, samesite="strict")
    return {"ok": True}
