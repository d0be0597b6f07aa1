"""Media file names as the view data keeps them, and the URLs pages use for them.

Components name files by their storage name (`videos/{id}/web.mp4`), which any Django storage
backend turns into a URL. Events come from other processes and are never trusted, so a name is
checked before it is kept: a relative path without `..`, or an absolute http(s) URL (a CDN).

Which URL a page gets (docs/web.md, "Media"):
- local storage: `MEDIA_URL`, served by Django with the access checks of `videos.serving`;
- object storage with presigned URLs (the default: a private bucket): every file gets a URL
  signed for `AWS_QUERYSTRING_EXPIRE` seconds plus the video's duration (so a film watched to
  the end never meets an expired segment), and the HLS playlists come from the site itself
  (`videos.playlists`), because their relative URIs would lose the signature;
- object storage with plain URLs (`AWS_QUERYSTRING_AUTH=false`: a public-read bucket or CDN
  for public and unlisted videos): plain URLs for those, and for a private video the same
  signed URLs and site-served playlists as above (its files are never public-read: see
  `catalog.media_access`).
The `<video>` is `crossorigin="anonymous"`: Chromium's HLS player refuses segments from
another origin fetched without CORS (measured: it aborts the first segment), and a `<track>`
from another origin needs CORS anyway; so the bucket must answer CORS requests from the site
(`manage.py media_cors`), and captions come from the bucket like every other file. The
download link is signed with `Content-Disposition: attachment`, since the `download`
attribute is ignored for another origin.
"""

from __future__ import annotations

import functools
import math
import posixpath
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage

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
    if setting == "STORAGES":
        signing_storage.cache_clear()


def url(name: str) -> str:
    """The plain URL of a stored file (empty for no file)."""
    if not name:
        return ""
    if is_absolute(name):
        return name
    return default_storage.url(name)


def is_absolute(name: str) -> bool:
    return urlsplit(name).scheme in ("http", "https")


# URLs for a video's pages --------------------------------------------------------------------


def signs_urls(video) -> bool:
    """Whether the video's files get signed URLs (object storage, unless its plain URLs are
    public and the video is not private)."""
    storage = default_storage
    if not isinstance(storage, S3Storage):
        return False
    return storage.querystring_auth or video.is_private


@functools.cache
def signing_storage() -> S3Storage:
    """The media storage, signing every URL, on the bucket's own endpoint (never the CDN)."""
    if default_storage.querystring_auth and not default_storage.custom_domain:
        return default_storage
    options = settings.STORAGES["default"].get("OPTIONS", {})
    return S3Storage(**{**options, "querystring_auth": True, "custom_domain": None})


MAX_EXPIRY_SECONDS = 7 * 24 * 3600
"""The longest a SigV4 presigned URL may live."""


def expiry_seconds(video) -> int:
    """How long a signed URL of the video stays valid: long enough to watch it to the end."""
    wanted = signing_storage().querystring_expire + math.ceil(video.duration_seconds or 0)
    return min(wanted, MAX_EXPIRY_SECONDS)


def file_url(video, name: str) -> str:
    """The URL the pages give for one of the video's stored files."""
    if not name or is_absolute(name) or not signs_urls(video):
        return url(name)
    return signing_storage().url(name, expire=expiry_seconds(video))


def playlist_url(video) -> str:
    """The HLS master playlist: from the site when its URIs need signing, else the file."""
    name = video.playlist_name
    if not name or is_absolute(name) or not signs_urls(video):
        return url(name)
    return reverse(
        "video-playlist", kwargs={"video_id": video.id, "path": posixpath.basename(name)}
    )


def download_url(video) -> str:
    """The MP4, with `Content-Disposition: attachment` naming it after the video's title."""
    name = video.video_name
    if not name or is_absolute(name) or not isinstance(default_storage, S3Storage):
        return url(name)
    disposition = content_disposition_header(True, download_filename(video))
    return signing_storage().url(
        name, parameters={"ResponseContentDisposition": disposition}, expire=expiry_seconds(video)
    )


def download_filename(video) -> str:
    """`<title>.mp4`, without characters file systems refuse."""
    title = " ".join(re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', " ", video.title or "").split())
    return f"{title[:100].strip(' .') or 'video'}.mp4"
