"""Media files through Django's storage API: local MEDIA_ROOT by default, S3 at scale.

This module is the only place that touches stored files: the web app's uploads, the jobs'
inputs and outputs, the playlists the site serves, erasure, and the bucket's CORS rules and
objects' public access. Everything streams: a file
is never held in memory whole. ffmpeg and Whisper need local paths, so an upload is used in
place when the storage has local paths and downloaded into a scratch folder otherwise; results
are made in a scratch folder and uploaded under names the components generate, never names
taken from user input. Scratch folders are removed however the block ends (success, failure,
cancellation, any exception). Moving a job's files honours its cancel event: a download stops
within a tenth of a second, an upload of results before its next file.

Object storage has no folders: a "folder" is a key prefix, so removing one lists every key that
starts with `prefix/` (the slash matters: `videos/ab` must not take `videos/abc/` with it) and
deletes them in batches. A storage that cannot be used (a missing bucket, refused credentials,
an endpoint that does not answer, a full disk) raises `StorageUnavailable` with one readable
line; consumers treat it like a lost database (wait, retry, never park), the web answers 503.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import posixpath
import re
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from boto3.exceptions import Boto3Error
from boto3.s3.transfer import create_transfer_manager
from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.core.files import File
from django.core.files.storage import default_storage
from s3transfer.exceptions import RetriesExceededError, S3DownloadFailedError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from message_store.errors import StoreUnavailableError
from transcode.ffmpeg import CANCEL_POLL_SECONDS, JobCancelled, MediaError

logger = logging.getLogger(__name__)

# Types players insist on: captions, HLS playlists, fMP4 segments (RFC 8216, IANA). S3 keeps
# the type given at upload and answers with it, so it must be right when the file is stored.
mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("application/vnd.apple.mpegurl", ".m3u8")
mimetypes.add_type("video/iso.segment", ".m4s")

UPLOAD_THREADS = 8
"""Files of one folder uploaded at once at most: a two-hour ladder is thousands of segments."""
FILES_PER_THREAD = 16
SCRATCH_PREFIX = "media-job-"
COPY_CHUNK = 1024 * 1024

_STORAGE_ERRORS = (
    BotoCoreError,
    ClientError,
    Boto3Error,
    RetriesExceededError,
    S3DownloadFailedError,
    OSError,
)
_MISSING_CODES = {"404", "NoSuchKey", "NotFound", "NoSuchCORSConfiguration"}
_ERROR_CODE = re.compile(r"An error occurred \((?P<code>[\w.]+)\)")


def content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class StorageUnavailable(StoreUnavailableError):
    """The media storage cannot be used right now; the operation may be retried.

    A kind of `StoreUnavailableError`, so that a consumer waits it out and redelivers the
    message, as for a lost database, instead of parking a job that did nothing wrong.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"media storage unavailable: {reason}")
        self.reason = reason

    def outage(self) -> str:
        return str(self)


def check() -> None:
    """Raise StorageUnavailable unless the media storage can be written (the bucket exists
    and the credentials are accepted, or the media folder is writable)."""
    storage = default_storage
    with _translated():
        if isinstance(storage, S3Storage):
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
            return
        root = Path(storage.location)
        root.mkdir(parents=True, exist_ok=True)
        if not os.access(root, os.W_OK):
            raise StorageUnavailable(f"the media folder {root} is not writable")


def check_at_start() -> None:
    """For a component's start-up `check()`: an unusable storage stops the start, in one line
    (ImproperlyConfigured), instead of failing the first job; and what killed jobs of this
    host left in the scratch folder goes."""
    remove_stale_scratch()
    try:
        check()
    except StorageUnavailable as error:
        raise ImproperlyConfigured(f"{error} ({_where()})") from None


def _where() -> str:
    storage = default_storage
    if isinstance(storage, S3Storage):
        endpoint = storage.endpoint_url or "AWS S3"
        return f"AWS_STORAGE_BUCKET_NAME={storage.bucket_name}, AWS_S3_ENDPOINT_URL={endpoint}"
    return f"MEDIA_ROOT={storage.location}"


def describe(error: BaseException) -> str:
    """A person-readable line for a storage failure (botocore's texts are long and nested)."""
    bucket = getattr(default_storage, "bucket_name", None)
    code = _error_code(error)
    if bucket and (code == "NoSuchBucket" or (code == "404" and _is_bucket_call(error))):
        return f"the bucket {bucket!r} does not exist"
    if bucket and code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return f"access to the bucket {bucket!r} is denied ({code})"
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _error_code(error: BaseException) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    found = _ERROR_CODE.search(str(error))
    return found["code"] if found else ""


def _is_bucket_call(error: BaseException) -> bool:
    return getattr(error, "operation_name", "") in ("HeadBucket", "ListObjects", "ListObjectsV2")


@contextmanager
def _translated() -> Iterator[None]:
    """Storage errors as this module's: a missing object is FileNotFoundError, anything else
    that keeps the storage from working is StorageUnavailable."""
    try:
        yield
    except (FileNotFoundError, StorageUnavailable, SuspiciousOperation):
        raise
    except _STORAGE_ERRORS as error:
        if _error_code(error) in _MISSING_CODES and not _is_bucket_call(error):
            raise FileNotFoundError(describe(error)) from error
        raise StorageUnavailable(describe(error)) from error


# The bucket's CORS rules -------------------------------------------------------------------

CORS_MAX_AGE_SECONDS = 3600


def set_cors(origins: list[str]) -> None:
    """Let pages on `origins` play the bucket's media: GET and HEAD (with ranges) answered with
    CORS headers, which `<video crossorigin>` requires of every file (segments, MP4, captions,
    poster). Replaces the bucket's CORS rules; an empty list removes them."""
    storage = _bucket_storage()
    client = storage.connection.meta.client
    with _translated():
        if not origins:
            client.delete_bucket_cors(Bucket=storage.bucket_name)
            return
        rule = {
            "AllowedOrigins": list(origins),
            "AllowedMethods": ["GET", "HEAD"],
            "AllowedHeaders": ["Range"],
            "ExposeHeaders": ["Content-Length", "Content-Range", "Accept-Ranges", "ETag"],
            "MaxAgeSeconds": CORS_MAX_AGE_SECONDS,
        }
        client.put_bucket_cors(Bucket=storage.bucket_name, CORSConfiguration={"CORSRules": [rule]})


def cors_origins() -> list[str]:
    """The origins the bucket's CORS rules let read (GET), in the order they are listed."""
    storage = _bucket_storage()
    try:
        with _translated():
            rules = storage.connection.meta.client.get_bucket_cors(Bucket=storage.bucket_name)
    except FileNotFoundError:  # NoSuchCORSConfiguration
        return []
    origins = [
        origin
        for rule in rules.get("CORSRules", [])
        if "GET" in rule.get("AllowedMethods", [])
        for origin in rule.get("AllowedOrigins", [])
    ]
    return list(dict.fromkeys(origins))


def _bucket_storage() -> S3Storage:
    if not isinstance(default_storage, S3Storage):
        raise ImproperlyConfigured("the media storage is a folder, not a bucket: no CORS needed")
    return default_storage


# Public-read objects (a public bucket or CDN) ----------------------------------------------

ACL_THREADS = 16


def serves_public_read() -> bool:
    """Whether pages give plain URLs (`AWS_QUERYSTRING_AUTH=false`): then the objects of
    public and unlisted videos must be readable by anyone, and only those."""
    storage = default_storage
    return isinstance(storage, S3Storage) and not storage.querystring_auth


def set_public(names: Iterable[str], *, public: bool) -> int:
    """Make the named objects, and every object under `name/`, readable by anyone (the
    `public-read` ACL) or by the bucket's owner only (`private`); return how many changed.

    Objects are written private, so a video's files are never public before the catalog
    says so. A bucket with ACLs disabled (S3's "bucket owner enforced") refuses: this mode
    needs ACLs (docs/web.md).
    """
    storage = _bucket_storage()
    client = storage.connection.meta.client
    acl = "public-read" if public else "private"

    def grant(key: str) -> None:
        client.put_object_acl(Bucket=storage.bucket_name, Key=key, ACL=acl)

    with _translated():
        keys = list(dict.fromkeys(key for name in names for key in _keys_of(storage, name)))
        with ThreadPoolExecutor(max_workers=ACL_THREADS, thread_name_prefix="acl") as pool:
            list(pool.map(grant, keys))
    return len(keys)


def _keys_of(storage: S3Storage, name: str) -> list[str]:
    """The object `name` (when there is one) and every object under `name/`."""
    key = storage._normalize_name(clean_name(name))
    under = [item.key for item in storage.bucket.objects.filter(Prefix=key.rstrip("/") + "/")]
    return [key, *under] if storage.exists(name) else under


# Reading ------------------------------------------------------------------------------------


@contextmanager
def local_copy(name: str, *, cancel: threading.Event | None = None) -> Iterator[Path]:
    """A local path holding the stored file `name` for the duration of the block.

    A missing file is MediaError (the job fails with that reason); a missing bucket is not a
    missing file: it is StorageUnavailable, so the job waits instead of failing for good.

    Why a copy and not ffmpeg reading a presigned URL (`./dev bench-storage`): reading is a
    small part of either job (a 60 s 720p upload of 49 MB: 0.5-0.7 s from a copy, 0.3-0.7 s
    from the URL, next to 15 s of Whisper), and a copy is fetched once, in parallel parts with
    retries, then read as often as a job needs (the probe, the encode and its seeks, the
    sound), where a dropped connection in the middle of ffmpeg's reading would turn a network
    blip into a failed video, and ffmpeg's messages (which become the failure reason) would
    carry a signed URL. The cost is disk room for one upload per running job.
    """
    if not _exists(name):
        check()
        logger.warning("stored file %r is missing", name)
        raise MediaError("file not found: the uploaded video is no longer stored")
    in_place = _local_path(name)
    if in_place is not None:
        yield in_place
        return
    with scratch_folder("source-") as folder:
        local = folder / f"source{PurePosixPath(name).suffix}"
        download(name, local, cancel=cancel)
        yield local


def download(name: str, target: Path, *, cancel: threading.Event | None = None) -> None:
    """Write the stored file to the local path `target`, a part at a time (S3: ranged GETs
    in parallel, straight into the file); JobCancelled as soon as `cancel` is set."""
    storage = default_storage
    with _translated():
        if not isinstance(storage, S3Storage):
            with storage.open(name, "rb") as source, target.open("wb") as out:
                while chunk := source.read(COPY_CHUNK):
                    _stop_if_cancelled(cancel)
                    out.write(chunk)
            return
        key = storage._normalize_name(clean_name(name))
        client = storage.connection.meta.client
        with create_transfer_manager(client, storage.transfer_config) as transfers:
            future = transfers.download(storage.bucket_name, key, str(target))
            while cancel is not None and not future.done():
                if cancel.wait(CANCEL_POLL_SECONDS):
                    future.cancel()
                    raise JobCancelled("cancelled while downloading the upload")
            future.result()


def _stop_if_cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise JobCancelled("cancelled while moving files")


def read_text(name: str, *, max_bytes: int) -> str:
    """A small stored text file (a playlist, captions), refusing one larger than `max_bytes`."""
    with _translated():
        if default_storage.size(name) > max_bytes:
            raise ValueError(f"{name} is larger than {max_bytes} bytes")
        with default_storage.open(name, "rb") as source:
            return source.read(max_bytes + 1).decode("utf-8")


def _exists(name: str) -> bool:
    try:
        with _translated():
            return bool(name) and default_storage.exists(name)
    except SuspiciousOperation:
        logger.warning("refused to read %r: it is outside the media storage", name)
        raise MediaError("file not allowed: the video is not in the media storage") from None


def _local_path(name: str) -> Path | None:
    try:
        return Path(default_storage.path(name))
    except NotImplementedError:  # a remote storage (object storage) has no local paths
        return None


# Writing ------------------------------------------------------------------------------------


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """An empty local folder for a job's work, removed with everything in it afterwards.

    Its name says which host and process made it, so that the folders of a process killed
    outright (SIGKILL, the OOM killer), which nothing could remove, go when a component next
    starts on that host (`remove_stale_scratch`)."""
    owner = f"{SCRATCH_PREFIX}{_host()}-{os.getpid()}-{prefix}"
    with tempfile.TemporaryDirectory(prefix=owner) as folder:
        yield Path(folder)


def remove_stale_scratch() -> int:
    """Remove the scratch folders that processes of this host left when they were killed;
    return how many. A folder of a process still running is left alone."""
    removed = 0
    pattern = re.compile(rf"^{re.escape(SCRATCH_PREFIX)}{re.escape(_host())}-(?P<pid>\d+)-")
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        found = pattern.match(folder.name)
        if found and folder.is_dir() and not _running(int(found["pid"])):
            shutil.rmtree(folder, ignore_errors=True)
            logger.info("removed %s, left by a process that was killed", folder)
            removed += 1
    return removed


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def save(local: Path, name: str) -> str:
    """Store `local` as `name`, replacing an earlier attempt's file of the same name."""
    with _translated():
        if not isinstance(default_storage, S3Storage) and default_storage.exists(name):
            default_storage.delete(name)  # S3 overwrites; a folder would pick another name
        with local.open("rb") as content:
            stored = default_storage.save(name, File(content))
    if stored != name:
        raise RuntimeError(f"storage saved {name!r} as {stored!r}")
    return stored


def save_folder(
    local: Path,
    prefix: str,
    *,
    last: tuple[str, ...] = (),
    cancel: threading.Event | None = None,
) -> dict[str, str]:
    """Store every file under the local folder as `prefix/<its relative path>`.

    Whatever an earlier attempt left under `prefix` is deleted first, so a rerun starts clean.
    Files are uploaded several at a time, then the relative paths in `last` (the entry points,
    such as a master playlist) one by one, so an entry point never names a missing file. Each
    keeps its exact name: playlists refer to segments by name, so a storage that renamed one
    would break them (that is an error). Returns the stored name of each relative path.
    JobCancelled as soon as `cancel` is set (what was stored goes with the rerun).
    """
    delete_folder(prefix)
    files = sorted(path for path in local.rglob("*") if path.is_file())
    relative = [path.relative_to(local).as_posix() for path in files]
    first = [name for name in relative if name not in last]

    def store(name: str) -> str:
        _stop_if_cancelled(cancel)
        return save(local / name, f"{prefix}/{name}")

    stored = dict(zip(first, _map(store, first), strict=True))
    for name in (name for name in last if name in relative):
        stored[name] = store(name)
    return stored


def _map(function, items: list) -> Iterator:
    """`map`, on a few threads when there are many uploads to a remote storage (each thread
    opens its own connection, which only pays off past a few dozen files)."""
    threads = min(UPLOAD_THREADS, len(items) // FILES_PER_THREAD)
    if threads < 2 or not isinstance(default_storage, S3Storage):
        return map(function, items)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="upload") as pool:
        return iter(list(pool.map(function, items)))


def store_upload(content: File, name: str) -> str:
    """Store an upload from the web under `name` (streamed from its temporary file); return
    the stored name. When storing fails, nothing of it is left (StorageUnavailable)."""
    try:
        with _translated():
            return default_storage.save(name, content)
    except StorageUnavailable:
        _forget(name)
        raise


def _forget(name: str) -> None:
    """Best effort: remove what a failed write may have left (local storage writes in place;
    S3 aborts a failed multipart upload itself)."""
    try:
        delete(name)
    except (StorageUnavailable, FileNotFoundError):
        logger.info("could not remove %s after a failed write", name)


def delete(name: str) -> None:
    """Delete a stored file; a missing one is not an error."""
    with _translated():
        default_storage.delete(name)


# Removing -----------------------------------------------------------------------------------


def delete_folder(prefix: str) -> int:
    """Delete every stored file under `prefix/`; return how many (0 when there is none)."""
    storage = default_storage
    with _translated():
        if isinstance(storage, S3Storage):
            return _delete_prefix(storage, prefix)
        try:
            folders, names = storage.listdir(prefix)
        except (FileNotFoundError, NotADirectoryError):
            return 0
        removed = sum(delete_folder(posixpath.join(prefix, folder)) for folder in folders)
        for name in names:
            storage.delete(posixpath.join(prefix, name))
        storage.delete(prefix)  # the emptied folder itself
        return removed + len(names)


def _delete_prefix(storage: S3Storage, prefix: str) -> int:
    """Delete every key under `prefix/`, a thousand per request (S3's batch limit)."""
    key_prefix = storage._normalize_name(clean_name(prefix)).rstrip("/") + "/"
    removed = 0
    for response in storage.bucket.objects.filter(Prefix=key_prefix).delete():
        removed += len(response.get("Deleted", []))
        for error in response.get("Errors", []):
            logger.warning("could not remove %s: %s", error.get("Key"), error.get("Message"))
    return removed


def remove(names: Iterable[str]) -> int:
    """Remove each named file and everything stored under `name/`; return how many files
    went. Safe to repeat (it finds less); names outside the storage are skipped."""
    removed = 0
    for name in dict.fromkeys(names):
        try:
            removed += delete_folder(name) + _remove_file(name)
        except SuspiciousOperation:
            logger.warning("not removing %r: it is outside the media storage", name)
    return removed


def _remove_file(name: str) -> int:
    with _translated():
        if not default_storage.exists(name):
            return 0
        default_storage.delete(name)
    return 1
