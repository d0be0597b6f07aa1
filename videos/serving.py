"""Django serving files itself: media from the local storage, and static files without DEBUG.

This is for development, tests and small single-machine installs. In production a real web
server or CDN should serve MEDIA_ROOT and STATIC_ROOT (or the storage backend's own URLs), and
these routes are then never reached. Media are served with byte-range support, because browsers
seek in a video by asking for ranges (HLS segments too); paths are confined to the folder by
`safe_join`, and playlists, segments and captions get the content types players require
(`transcode.files` registers them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.views import serve as staticfiles_serve
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, re_path
from django.utils._os import safe_join
from django.views import static
from django.views.decorators.http import require_safe

from transcode import files
from videos import selectors

_RANGE = re.compile(r"^bytes=(?P<start>\d*)-(?P<end>\d*)$")
_CHUNK = 64 * 1024


def serves_local_storage() -> bool:
    return isinstance(storages["default"], FileSystemStorage)


@require_safe
def media(request: HttpRequest, path: str, document_root: str | Path | None = None) -> HttpResponse:
    """A file under `document_root` (default MEDIA_ROOT, read per request), whole (through
    django.views.static.serve) or one byte range.

    The files of a private video are served only to its owner and staff (the browser sends
    the session cookie with every media request, HLS segments included); anyone else gets a
    404, as for the video's page. Object storage does the same with presigned URLs, and then
    this route serves nothing (it is there whatever the storage, which settings may change).
    """
    if not serves_local_storage():  # files are in a bucket: MEDIA_URL is not theirs
        raise Http404("No such file.")
    document_root = document_root or settings.MEDIA_ROOT
    file_path = _existing_file(document_root, path)
    owner = selectors.media_owner(_storage_name(file_path, document_root))
    if owner is not None and (owner.is_deleted or not owner.is_managed_by(request.user)):
        raise Http404("No such file.")
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not match or not (match["start"] or match["end"]):
        response = static.serve(request, path, document_root=str(document_root))
        response.headers["Accept-Ranges"] = "bytes"
        return response
    size = file_path.stat().st_size
    span = _span(match["start"], match["end"], size)
    if span is None:
        response = HttpResponse(status=416)
        response.headers["Content-Range"] = f"bytes */{size}"
        return response
    start, end = span
    response = StreamingHttpResponse(
        _read(file_path, start, end - start + 1),
        status=206,
        content_type=files.content_type(file_path.name),
    )
    response.headers["Content-Length"] = str(end - start + 1)
    response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    response.headers["Accept-Ranges"] = "bytes"
    return response


def _existing_file(document_root: str | Path, path: str) -> Path:
    try:
        full = Path(safe_join(str(document_root), path))
    except SuspiciousFileOperation:
        raise Http404("No such file.") from None
    if not full.is_file():
        raise Http404("No such file.")
    return full


def _storage_name(file_path: Path, document_root: str | Path) -> str:
    """The file's name in the storage, however the URL spelled it (`a//b`, `a/./b`)."""
    return Path(os.path.relpath(file_path, os.path.abspath(document_root))).as_posix()


def _span(start: str, end: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte span a `bytes=start-end` range asks for, or None if unsatisfiable."""
    if not start:  # the last `end` bytes
        length = int(end)
        return (max(size - length, 0), size - 1) if length and size else None
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    return (first, last) if first <= last else None


def _read(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as file:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(_CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def static_file(request: HttpRequest, path: str) -> FileResponse:
    """A static file found by the staticfiles finders (no `collectstatic` needed)."""
    return staticfiles_serve(request, path, insecure=True)


def patterns() -> list[URLPattern]:
    """Routes for serving files from Django without DEBUG (`static()` covers DEBUG)."""
    if settings.DEBUG:
        return []
    return [
        re_path(rf"^{_prefix(settings.STATIC_URL)}(?P<path>.*)$", static_file),
        re_path(rf"^{_prefix(settings.MEDIA_URL)}(?P<path>.*)$", media, name="media"),
    ]


def _prefix(url: str) -> str:
    return re.escape(url.lstrip("/"))
