"""Checks an upload must pass before anything is stored: size, name, declared type, content.

The client controls the file name and the declared content type, so they are only a first
filter. The content is then sniffed for a known video container (which also keeps playlists and
other text formats away from ffmpeg) and finally decoded with `transcode.ffmpeg.probe`.
The user's file name is never used to store anything: only its extension, from an allow-list.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict

from transcode.ffmpeg import MediaError, VideoInfo, probe

ALLOWED_EXTENSIONS = (".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".ogv", ".mpg", ".mpeg")
GENERIC_CONTENT_TYPES = ("application/octet-stream", "")
"""What browsers send for a file type they do not know (e.g. `.mkv`); the content decides."""

MULTIPART_ALLOWANCE = 64 * 1024
"""Room for the form's other fields and multipart headers around the file itself."""

_SNIFF_BYTES = 16
_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def too_large_message(limit: int) -> str:
    return f"This file is too large: videos may be at most {filesizeformat(limit)}."


def check_video(upload: UploadedFile, *, max_bytes: int) -> tuple[str, VideoInfo]:
    """Return the file's (allowed) extension and what ffmpeg reads in it.

    Raises ValidationError with code `too_large`, `extension`, `content_type` or `not_video`.
    """
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(too_large_message(max_bytes), code="too_large")
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            "Please choose a video file (%(allowed)s).",
            code="extension",
            params={"allowed": ", ".join(ALLOWED_EXTENSIONS)},
        )
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if not (content_type.startswith("video/") or content_type in GENERIC_CONTENT_TYPES):
        raise ValidationError(
            "This file is not a video (its type is %(type)s).",
            code="content_type",
            params={"type": content_type},
        )
    if not is_video_container(_head(upload)):
        raise ValidationError("This file is not a video we can read.", code="not_video")
    with local_path(upload, extension) as path:
        try:
            info = probe(path)
        except MediaError:
            raise ValidationError(
                "This file is not a video we can read.", code="not_video"
            ) from None
    return extension, info


def is_video_container(head: bytes) -> bool:
    """True when the first bytes are those of a container format we accept."""
    return (
        head[4:8] in _ISO_BOXES  # MP4, MOV, M4V, 3GP
        or head.startswith(b"\x1a\x45\xdf\xa3")  # Matroska, WebM
        or (head.startswith(b"RIFF") and head[8:12] == b"AVI ")
        or head.startswith(b"OggS")
        or head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"))  # MPEG program/video
    )


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    return head


@contextmanager
def local_path(upload: UploadedFile, extension: str) -> Iterator[Path]:
    """A path on disk holding the upload (its temporary file, or a copy of a small one)."""
    if hasattr(upload, "temporary_file_path"):
        yield Path(upload.temporary_file_path())
        return
    with tempfile.NamedTemporaryFile(suffix=extension) as copy:
        upload.seek(0)
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        upload.seek(0)
        yield Path(copy.name)


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading a request body as soon as it is known to be too large.

    A declared Content-Length over the limit is refused before a byte of the body is read; a
    body that turns out longer (chunked, or lying) is cut off at the limit. Either way nothing
    is kept and `exceeded` tells the view to answer 413.
    """

    def __init__(self, request=None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.max_bytes + MULTIPART_ALLOWANCE:
            self.exceeded = True
            return QueryDict(mutable=True), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
