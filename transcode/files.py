"""Media files through Django's storage API: local MEDIA_ROOT by default, any backend at scale.

This module is the only place where the components touch stored files. ffmpeg and Whisper need
local paths, so an upload is used in place when the storage has a local path and copied to a
temporary file otherwise; results are made in a temporary folder and saved back under names
the components generate, never names taken from user input. Temporary files and folders are
removed however the block ends.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage

from transcode.ffmpeg import MediaError

logger = logging.getLogger(__name__)


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A local path holding the stored file `name` for the duration of the block."""
    try:
        found = bool(name) and default_storage.exists(name)
    except SuspiciousFileOperation:
        logger.warning("refused to read %r: it is outside the media storage", name)
        raise MediaError("file not allowed: the video is not in the media storage") from None
    if not found:
        logger.warning("stored file %r is missing", name)
        raise MediaError("file not found: the uploaded video is no longer stored")
    try:
        in_place = Path(default_storage.path(name))
    except NotImplementedError:  # a remote storage (object storage) has no local paths
        in_place = None
    if in_place is not None:
        yield in_place
        return
    with scratch_folder("source-") as folder:
        local = folder / f"source{PurePosixPath(name).suffix}"
        with default_storage.open(name, "rb") as source, local.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield local


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """An empty local folder for a job's work, removed with everything in it afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)


def save(local: Path, name: str) -> str:
    """Store `local` as `name`, replacing an earlier attempt's file of the same name."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with local.open("rb") as content:
        return default_storage.save(name, File(content))


def save_folder(local: Path, prefix: str, *, last: tuple[str, ...] = ()) -> dict[str, str]:
    """Store every file under the local folder as `prefix/<its relative path>`.

    Whatever an earlier attempt left under `prefix` is deleted first, so a rerun starts clean.
    Files are saved in a stable order with the relative paths in `last` at the end (the entry
    points, such as a master playlist), and each keeps its exact name: playlists refer to
    segments by name, so a storage that renamed one would break them (that is an error).
    Returns the stored name of each relative path.
    """
    delete_folder(prefix)
    files = sorted(path for path in local.rglob("*") if path.is_file())
    relative = [path.relative_to(local).as_posix() for path in files]
    ordered = [name for name in relative if name not in last] + [n for n in last if n in relative]
    stored = {}
    for name in ordered:
        wanted = f"{prefix}/{name}"
        with (local / name).open("rb") as content:
            stored[name] = default_storage.save(wanted, File(content))
        if stored[name] != wanted:
            raise RuntimeError(f"storage saved {wanted!r} as {stored[name]!r}")
    return stored


def delete_folder(prefix: str) -> None:
    """Delete every stored file under `prefix` (nothing happens when there is none)."""
    try:
        folders, names = default_storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{prefix}/{name}")
    for folder in folders:
        delete_folder(f"{prefix}/{folder}")
    default_storage.delete(prefix)  # the emptied folder itself, where storages have folders
