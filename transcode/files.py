"""Media files through Django's storage API: local MEDIA_ROOT by default, any backend at scale.

ffmpeg needs local paths, so a file is used in place when the storage has one and copied to a
temporary file otherwise; results are saved back under names the components generate, never
names taken from user input.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage

from transcode.ffmpeg import MediaError


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A local path holding the stored file `name` for the duration of the block."""
    try:
        found = bool(name) and default_storage.exists(name)
    except SuspiciousFileOperation:
        raise MediaError(f"file not allowed: {name!r} is outside the media storage") from None
    if not found:
        raise MediaError(f"file not found: {name!r} is not in storage")
    try:
        yield Path(default_storage.path(name))
        return
    except NotImplementedError:
        pass
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / Path(name).name
        with default_storage.open(name, "rb") as source, local.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield local


def save(local: Path, name: str) -> str:
    """Store `local` as `name`, replacing an earlier attempt's file of the same name."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with local.open("rb") as content:
        return default_storage.save(name, File(content))
