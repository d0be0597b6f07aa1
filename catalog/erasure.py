"""Erasing a deleted video: its files leave the storage, its streams are erased in the store.

A video's personal data (title, description, transcript, captions, file names) is spread over
six streams: its command and entity streams, and those of its transcode and transcribe jobs.
Each is erased in place (`message_store.erasure`), keeping only identifiers, so the streams stay
whole and readable. Files are removed by name (every name the events mention, the folder of
each, and the folders the jobs write to by convention), so a job that wrote files but had not
reported yet leaves nothing behind once its late outcome arrives and erasure runs again.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import transcode.messages as transcode_messages
import transcribe.messages as transcribe_messages
from catalog import messages
from message_store.erasure import erase_streams
from message_store.store import MessageStore
from transcode import files as media_files

logger = logging.getLogger(__name__)

KEPT_KEYS = ("videoId", "transcodeId", "transcribeId", "ownerId")
"""What an erased message keeps of its data: identifiers, never what a person wrote or said."""
BLANKED_KEYS = ("uri", "transcodedUri", "transcription")
"""What an erased message keeps as empty strings: the workshop's fields, because its code reads
them from every message of their types and its aggregator stops for good on a missing one (a
deleted video then shows in its list with no file and no text)."""


@dataclass(frozen=True)
class ErasureResult:
    messages: int
    files: int


def video_streams(video_id: str) -> list[str]:
    transcode_id = messages.transcode_id(video_id)
    transcribe_id = messages.transcribe_id(video_id)
    return [
        messages.command_stream(video_id),
        messages.entity_stream(video_id),
        transcode_messages.command_stream(transcode_id),
        transcode_messages.entity_stream(transcode_id),
        transcribe_messages.command_stream(transcribe_id),
        transcribe_messages.entity_stream(transcribe_id),
    ]


def conventional_files(video_id: str) -> list[str]:
    """Where the web app and the jobs store a video's files, whether or not they reported."""
    from transcode.backend import output_folder
    from transcribe.backend import captions_name

    return [
        f"uploads/{video_id}",
        output_folder(messages.transcode_id(video_id)),
        captions_name(messages.transcribe_id(video_id)),
    ]


def erase_video(store: MessageStore, video_id: str, file_names: Iterable[str]) -> ErasureResult:
    """Remove the video's files and erase its streams; safe to run again (it finds less)."""
    names = [*file_names, *conventional_files(video_id)]
    files = remove_files(names)
    erased = erase_streams(store, video_streams(video_id), keep=KEPT_KEYS, blank=BLANKED_KEYS)
    logger.info("video %s erased: %s messages, %s files", video_id, erased, files)
    return ErasureResult(messages=erased, files=files)


def remove_files(names: Iterable[str]) -> int:
    """Delete each named file, and the folder of each that belongs to the video alone (with
    everything in it); return how many files were removed. Names that are URLs or leave the
    storage are skipped. On object storage a folder is a key prefix (`folder/`)."""
    files = [name for name in names if is_storage_name(name)]
    return media_files.remove([*own_folders(files), *files])


def own_folders(names: Iterable[str]) -> list[str]:
    """The folders of these files that belong to the video alone (`videos/{transcodeId}/`,
    `uploads/{videoId}/`, a rendition's folder), never a shared one like `captions/`."""
    return [folder for folder in map(posixpath.dirname, names) if folder.count("/") >= 1]


def is_storage_name(name: str) -> bool:
    if not name or urlsplit(name).scheme or name.startswith("/") or "\\" in name:
        return False
    normal = posixpath.normpath(name)
    return normal not in (".", "") and ".." not in normal.split("/")
