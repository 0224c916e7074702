"""Who may talk to the web studio: loopback by default, a token elsewhere, CSRF-safe state changes.

* **Host check** - without a token, only requests whose ``Host`` is a loopback
  name are served; a page on another site cannot reach the studio through DNS
  rebinding.
* **Token** - with a token (required by ``candid serve`` when binding to a
  non-loopback address), every request needs ``Authorization: Bearer TOKEN``
  or the ``candid_token`` cookie set by the login form.
* **CSRF** - every state-changing request (POST, PUT, PATCH, DELETE) carries
  the header ``X-Candid-CSRF`` whose value is an HMAC of the caller's
  ``candid_session`` cookie. Pages get it from ``GET /api/session``, which
  other origins cannot read; a form or image tag on another site cannot set
  the header.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from pathlib import Path

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
SESSION_COOKIE = "candid_session"
TOKEN_COOKIE = "candid_token"
CSRF_HEADER = "x-candid-csrf"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, ``127.x.x.x`` and ``::1`` (with or without a port).

    Examples
    --------
    >>> is_loopback_host("127.0.0.1:8000"), is_loopback_host("[::1]:80"), is_loopback_host("example.com")
    (True, True, False)
    """
    host = (host or "").strip().lower()
    if host.startswith("["):
        name = host[1:host.find("]")] if "]" in host else host[1:]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class Guard:
    """The per-app secrets: the CSRF key and the optional access token."""

    def __init__(self, token: str | None):
        self.token = token or None
        self.key = secrets.token_bytes(32)

    def new_session(self) -> str:
        return secrets.token_urlsafe(24)

    def csrf_for(self, session: str) -> str:
        return hmac.new(self.key, session.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: str | None, header: str | None) -> bool:
        return bool(session and header) and hmac.compare_digest(self.csrf_for(session), header)

    def token_ok(self, bearer: str | None, cookie: str | None) -> bool:
        if self.token is None:
            return True
        return any(v is not None and hmac.compare_digest(v.encode(), self.token.encode()) for v in (bearer, cookie))


_SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)
_ABS_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/'\"<>]+/)+([^\s/'\"<>]*)")


def sanitize_filename(name: str | None) -> str:
    """A user's file name made safe to store and show: no folders, no odd characters, at most 80 long.

    Examples
    --------
    >>> sanitize_filename("../../etc/pass wd<>.jpg"), sanitize_filename(None)
    ('pass wd_.jpg', 'photo')
    """
    base = Path(name or "photo").name
    base = _SAFE_NAME.sub("_", base).strip(" .") or "photo"
    return base[:80]


def scrub_paths(text: str | None) -> str | None:
    """``text`` with every absolute path replaced by its last part (web errors never show server paths).

    Examples
    --------
    >>> scrub_paths("/srv/candid/data/uploads/ab12.png.part: cannot decode")
    'ab12.png.part: cannot decode'
    """
    if not text:
        return text
    return _ABS_PATH.sub(lambda m: m.group(1) or "(folder)", text)
