"""Media file names as the view data keeps them, and the URLs pages use for them.

Components name files by their storage name (`videos/{id}/web.mp4`), which any Django storage
backend turns into a URL. Events come from other processes and are never trusted, so a name is
checked before it is kept: a relative path without `..`, or an absolute http(s) URL (a CDN).
"""

from __future__ import annotations

import functools
import posixpath
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver

_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f]")


class UnsafeNameError(ValueError):
    """A file name that could point outside the media folder."""


def storage_name(uri: str) -> str:
    """The storage name for a file URI from an event; raises UnsafeNameError when unsafe.

    Accepts a storage name, an http(s) URL (kept as is), a `file://` URI or absolute path under
    MEDIA_ROOT, or a path under MEDIA_URL.
    """
    if not uri:
        return ""
    if _CONTROL_CHARACTER.search(uri):
        raise UnsafeNameError(f"file name {uri!r} contains control characters")
    if ":" not in uri:  # no scheme: a path (what urlsplit would say, without its cost)
        return _relative_name(uri, uri)
    parts = urlsplit(uri)
    if parts.scheme in ("http", "https") and parts.netloc:
        return uri
    path = parts.path if parts.scheme == "file" else uri
    if parts.scheme not in ("", "file"):
        raise UnsafeNameError(f"file URI {uri!r} has an unsupported scheme")
    return _relative_name(path, uri)


def _relative_name(path: str, uri: str) -> str:
    media_root, media_url = _media_prefixes()
    if path.startswith(media_root):
        path = path[len(media_root) :]
    elif path.startswith(media_url):
        path = path[len(media_url) :]
    if path.startswith("/") or "\\" in path:
        raise UnsafeNameError(f"file {uri!r} is outside the media folder")
    normal = posixpath.normpath(path)
    if normal in ("", ".") or ".." in normal.split("/"):
        raise UnsafeNameError(f"file name {uri!r} leaves the media folder")
    return normal


@functools.cache
def _media_prefixes() -> tuple[str, str]:
    """MEDIA_ROOT and MEDIA_URL as path prefixes (read once: names are checked by the
    thousand when the view data is rebuilt)."""
    return str(settings.MEDIA_ROOT).rstrip("/") + "/", "/" + settings.MEDIA_URL.strip("/") + "/"


@receiver(setting_changed)
def _media_settings_changed(*, setting: str, **kwargs) -> None:
    if setting in ("MEDIA_ROOT", "MEDIA_URL"):
        _media_prefixes.cache_clear()


def url(name: str) -> str:
    """The URL of a stored file (empty for no file)."""
    if not name:
        return ""
    if urlsplit(name).scheme in ("http", "https"):
        return name
    return default_storage.url(name)
