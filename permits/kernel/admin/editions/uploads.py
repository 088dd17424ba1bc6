"""The upload between import preview and confirm: a private file under MEDIA_ROOT/private/imports named by a
random token that the session keeps with the user and target edition; deleted after confirm, stale ones removed
on the way, never served back."""
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def import_dir():
    folder = Path(settings.MEDIA_ROOT) / "private" / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def import_session_key(model):
    return f"edition_import:{model._meta.label_lower}"


def stashed_path(token):
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    return import_dir() / f"{token}.upload"


def upload_discard(request, model):
    entry = request.session.pop(import_session_key(model), None)
    found = stashed_path(entry.get("token")) if entry else None
    if found is not None:
        found.unlink(missing_ok=True)


def upload_stash(request, model, data, **entry):
    """Keep `data` for the confirm step (one waiting upload per catalogue and session); returns the token."""
    upload_discard(request, model)
    folder = import_dir()
    now = time.time()
    for old in folder.glob("*.upload"):
        try:
            if now - old.stat().st_mtime > STALE_SECONDS:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(32)
    (folder / f"{token}.upload").write_bytes(data)
    request.session[import_session_key(model)] = {"token": token, "user": request.user.pk, **entry}
    return token


def upload_pending(request, model, token, edition_pk=None):
    """(session entry, bytes) of the upload `token` names, if this session staged it for this user (and edition)."""
    entry = request.session.get(import_session_key(model))
    if not entry or entry.get("token") != token or entry.get("user") != request.user.pk:
        return None
    if edition_pk is not None and entry.get("edition") != edition_pk:
        return None
    found = stashed_path(token)
    try:
        return entry, found.read_bytes()
    except (OSError, AttributeError):
        return None
