"""HLS playlists served by the site, with every URI rewritten, for files behind signed URLs.

A playlist names its renditions, init sections and segments by relative URIs, which a player
resolves against the playlist's own URL. A playlist fetched from a presigned URL would lose the
signature on every one of them (the bucket answers 403), so the site serves the playlists of
such videos itself, after the same access checks as the video's page: a rendition playlist's
URI becomes the site's URL for it, and an init section's or segment's becomes a presigned URL,
which the player fetches straight from the bucket (range requests included).

The rewrite changes URIs only (RFC 8216: every line that is not blank and does not start with
`#`, and every `URI="..."` attribute of an `#EXT` tag), so every tag the encoder wrote stays as
it was. A URI that leaves the video's folder is refused rather than signed. Signing costs about
0.2 ms a segment (a two-hour rendition: 0.4 s), so a signed playlist is reused for a few
minutes; each request's access checks come first (the view's).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.cache import cache
from django.urls import reverse

from transcode import files
from videos import media

MAX_PLAYLIST_BYTES = 4 * 1024 * 1024
"""Far above a ten-hour rendition playlist of 4 s segments (about 400 KB)."""
MAX_AGE_SECONDS = 300

_URI_ATTRIBUTE = re.compile(r'(?<=URI=")[^"]*(?=")')


class PlaylistError(ValueError):
    """The playlist names something outside its video's folder, or something unreadable."""


def signed_playlist(video, path: str) -> tuple[str, int]:
    """The video's playlist at `path` (relative to its master playlist's folder), rewritten,
    and for how many seconds it may be reused. PlaylistError when it is not one of the
    video's playlists (the master and its renditions') or cannot be read."""
    master = video.playlist_name
    if not master or media.is_absolute(master):
        raise PlaylistError("the video has no stored HLS playlist")
    root = posixpath.dirname(master)
    wanted = posixpath.normpath(posixpath.join(root, path))
    renditions = [r.get("playlist_name") for r in video.renditions if isinstance(r, dict)]
    if wanted not in (master, *renditions):
        raise PlaylistError(f"{wanted} is not one of the video's playlists")
    max_age = _max_age(video)
    key = f"videos.playlist:{video.id}:{wanted}:{media.signs_urls(video)}"
    body = cache.get(key)
    if body is None:
        resolve = resolver(
            wanted,
            root,
            playlist_url=lambda relative: reverse(
                "video-playlist", kwargs={"video_id": video.id, "path": relative}
            ),
            file_url=lambda name: media.file_url(video, name),
        )
        try:
            body = rewrite(files.read_text(wanted, max_bytes=MAX_PLAYLIST_BYTES), resolve)
        except (FileNotFoundError, ValueError) as error:  # PlaylistError is a ValueError
            raise PlaylistError(str(error)) from error
        cache.set(key, body, max_age)
    return body, max_age


def _max_age(video) -> int:
    """How long a signed playlist is reused, here and then in the browser: each an eighth of
    its URLs' validity at most, so a player always has three quarters of it left."""
    if not media.signs_urls(video):
        return MAX_AGE_SECONDS
    return min(MAX_AGE_SECONDS, media.signing_storage().querystring_expire // 8)


def rewrite(text: str, resolve: Callable[[str], str]) -> str:
    """The playlist with each URI replaced by `resolve(uri)`."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#EXT"):
            line = _URI_ATTRIBUTE.sub(lambda match: resolve(match.group()), line)
        elif stripped and not stripped.startswith("#"):
            line = resolve(stripped)
        lines.append(line)
    return "\n".join(lines) + "\n"


def resolver(
    playlist: str,
    root: str,
    *,
    playlist_url: Callable[[str], str],
    file_url: Callable[[str], str],
) -> Callable[[str], str]:
    """Resolve a URI of the stored playlist `playlist`: absolute http(s) URIs stay; a relative
    one names a file under `root` (the video's HLS folder), given by `playlist_url(path under
    root)` for playlists and by `file_url(storage name)` for everything else."""
    folder = posixpath.dirname(playlist)

    def resolve(uri: str) -> str:
        parts = urlsplit(uri)
        if parts.scheme in ("http", "https") and parts.netloc:
            return uri
        if parts.scheme or parts.netloc or parts.query or parts.path.startswith("/"):
            raise PlaylistError(f"{playlist}: unsupported URI {uri!r}")
        name = posixpath.normpath(posixpath.join(folder, parts.path))
        relative = posixpath.relpath(name, root)
        if relative == "." or relative.startswith("../") or relative == "..":
            raise PlaylistError(f"{playlist}: {uri!r} is outside {root}/")
        if name.endswith(".m3u8"):
            return playlist_url(relative)
        return file_url(name)

    return resolve
