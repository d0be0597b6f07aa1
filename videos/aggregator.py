"""The videos aggregator: turns the catalog's command and events into the `Video` view rows.

Each message type has a small projector that reads the message (never trusting it) and returns
the columns that step sets (a `Change`). Changes are written with guarded upserts:

    INSERT ... ON CONFLICT (id) DO UPDATE SET <the step's columns>
    WHERE row.last_global_position < new.last_global_position

PostgreSQL runs each atomically, locking the rows, so two aggregators racing on one video
cannot interleave, and a message already reflected by the row (a duplicate, or one older than
the row, delivered late by the other subscription or a replay) changes nothing.

`apply_all` writes many changes in a few multi-row statements with the same outcome as one by
one: statement n holds the n-th change of each video (grouped by the columns they set), so a
video's changes still land in order. Inside `applying_together()` (the aggregator's tracked
read batch, see `videos.tracking`) the handlers collect their changes and the block writes them
at its end, in the batch's transaction. The rebuild folds changes in memory with `fold`, which
gives the row the upserts would.

Other writers share the catalog's streams (the workshop's components, run beside ours, write the
same event types with less in them), so a projector sets only the columns its message tells
(a `Started` without a title keeps the title the upload gave), a `Transcoded` whose
`transcodedUri` is not a file of ours (the workshop's YouTube URL) sets nothing, and the status
follows `next_status`: the process only moves forward, and a video is Ready only with a video
to play, and a failed or deleted one takes no further step. Those rules, and "a transcription
without captions never replaces one with captions" (`_keeps_transcript`), are the only SQL in
the upsert besides the guard; `fold` mirrors them.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import psycopg
from django.contrib.auth import get_user_model
from django.db import connection

from catalog import messages
from catalog.upcasters import upcaster
from message_store.contracts import MalformedMessageError
from message_store.messages import Message
from message_store.streams import stream_id
from videos import media
from videos.models import Video

logger = logging.getLogger(__name__)

Status = Video.Status
_MAX_INT = 2**31 - 1

COLUMN_DEFAULTS: dict[str, Any] = {
    "title": "",
    "description": "",
    "visibility": Video.Visibility.PUBLIC,
    "trace_id": "",
    "segments": [],
    "step_at": None,
    "owner_id": None,
    "failure_reason": "",
    "source_name": "",
    "video_name": "",
    "poster_name": "",
    "captions_name": "",
    "duration_seconds": None,
    "width": None,
    "height": None,
    "transcript": "",
    "playlist_name": "",
    "renditions": [],
    "language": "",
}
"""Columns a step may set, with the value a new row gets when the step does not set them."""

COLUMNS = ("id", *COLUMN_DEFAULTS, "status", "created_at", "updated_at", "last_global_position")


@dataclass(frozen=True)
class Change:
    """What one message does to one video row. `status` None leaves the row's status as is
    (an owner's edit changes details, not the step of the process)."""

    video_id: uuid.UUID
    status: str | None
    global_position: int
    time: datetime
    values: Mapping[str, Any] = field(default_factory=dict)


# Projectors: one per message type ------------------------------------------------------------


def project_catalog(message: Message) -> Change:
    command = messages.Catalog.parse(message)
    owner = message.metadata.get("userId")
    values = _origin(message, command, owner if isinstance(owner, str) else None)
    return _change(message, command.video_id, Status.QUEUED, values)


def project_started(message: Message) -> Change:
    """Only what the `Started` tells: the workshop's has no title, owner, description or
    visibility, and must not wipe those the upload (`Catalog`) or our `Started` gave."""
    started = messages.Started.parse(message)
    values = _told(message, _origin(message, started, started.owner_id), STARTED_KEYS)
    if not isinstance(message.metadata.get("traceId"), str):
        del values["trace_id"]
    return _change(message, started.video_id, Status.STARTED, values)


STARTED_KEYS = {
    "title": "title",
    "description": "description",
    "visibility": "visibility",
    "owner_id": "ownerId",
    "source_name": "uri",
}
"""The data key each column of a `Started` comes from (`trace_id` comes from its metadata)."""


def project_transcoded(message: Message) -> Change:
    """The video's files, when `transcodedUri` is one of ours; a copy that lacks a field (the
    workshop's catalog copies ours without poster, size or playlist) leaves it as it is."""
    event = messages.Transcoded.parse(message)
    video_name = _name(message, event.transcoded_uri)
    if not video_name or urlsplit(video_name).scheme:
        logger.info("%s %s: %r is no video of ours; ignored", message.type, message.id,
                    event.transcoded_uri)  # fmt: skip
        return _change(message, event.video_id, None)
    values = {
        "video_name": video_name,
        "poster_name": _name(message, event.poster_uri),
        "duration_seconds": _duration(message, event.duration_seconds),
        "width": _size(message, "width", event.width),
        "height": _size(message, "height", event.height),
        "playlist_name": _name(message, event.playlist_uri or ""),
        "renditions": _renditions(message, event.renditions),
    }
    return _change(
        message, event.video_id, Status.TRANSCODED, _told(message, values, TRANSCODED_KEYS)
    )


TRANSCODED_KEYS = {
    "video_name": "transcodedUri",
    "poster_name": "posterUri",
    "duration_seconds": "durationSeconds",
    "width": "width",
    "height": "height",
    "playlist_name": "playlistUri",
    "renditions": "renditions",
}


def project_transcode_failed(message: Message) -> Change:
    event = messages.TranscodeFailed.parse(message)
    reason = _text(event.reason) or "The video could not be transcoded."
    return _change(message, event.video_id, Status.FAILED, {"failure_reason": reason})


def project_transcribed(message: Message) -> Change:
    """The speech; a copy that lacks a field (captions, cues, language) leaves it as it is."""
    event = messages.Transcribed.parse(message)
    values = {
        "transcript": _text(event.transcription),
        "captions_name": _name(message, event.captions_uri),
        "segments": _segments(message, event.segments),
        "language": _language(message, event.language),
    }
    return _change(
        message, event.video_id, Status.TRANSCRIBED, _told(message, values, TRANSCRIBED_KEYS)
    )


TRANSCRIBED_KEYS = {
    "transcript": "transcription",
    "captions_name": "captionsUri",
    "segments": "segments",
    "language": "language",
}


def project_transcribe_failed(message: Message) -> Change:
    event = messages.TranscribeFailed.parse(message)
    reason = _text(event.reason) or "The speech could not be transcribed."
    return _change(message, event.video_id, Status.FAILED, {"failure_reason": reason})


def project_cataloged(message: Message) -> Change:
    """Ready, once the row has a video to play (`next_status`): the workshop's catalog may
    write `Cataloged` for a video whose only transcode is its YouTube answer; our catalog
    writes `Cataloged` again once our transcode is copied."""
    event = messages.Cataloged.parse(message)
    return _change(message, event.video_id, Status.CATALOGED)


def project_details_changed(message: Message) -> Change:
    event = messages.DetailsChanged.parse(message)
    values = {
        "title": _text(event.title)[: Video.TITLE_MAX_LENGTH],
        "description": _text(event.description)[: Video.DESCRIPTION_MAX_LENGTH],
    }
    return _change(message, event.video_id, None, values)


def project_visibility_changed(message: Message) -> Change:
    event = messages.VisibilityChanged.parse(message)
    values = {"visibility": _visibility(message, event.visibility)}
    return _change(message, event.video_id, None, values)


def project_deleted(message: Message) -> Change:
    """A deleted video keeps its row (its page answers 410), and nothing a person wrote."""
    event = messages.Deleted.parse(message)
    return _change(message, event.video_id, Status.DELETED, ERASED_VALUES)


ERASED_VALUES: dict[str, Any] = {
    "title": "",
    "description": "",
    "failure_reason": "",
    "source_name": "",
    "video_name": "",
    "poster_name": "",
    "captions_name": "",
    "transcript": "",
    "segments": [],
    "playlist_name": "",
    "renditions": [],
}
"""What `Deleted` clears: the details, the speech and every file name."""

COMMAND_PROJECTORS: dict[str, Callable[[Message], Change]] = upcaster.before(
    {"Catalog": project_catalog}
)
EVENT_PROJECTORS: dict[str, Callable[[Message], Change]] = upcaster.before(
    {
        "Started": project_started,
        "Transcoded": project_transcoded,
        "TranscodeFailed": project_transcode_failed,
        "Transcribed": project_transcribed,
        "TranscribeFailed": project_transcribe_failed,
        "Cataloged": project_cataloged,
        "DetailsChanged": project_details_changed,
        "VisibilityChanged": project_visibility_changed,
        "Deleted": project_deleted,
    }
)
"""Each projector sees the message in today's shape (`catalog.upcasters` runs first)."""
PROJECTORS = {
    messages.COMMAND_CATEGORY: COMMAND_PROJECTORS,
    messages.CATEGORY: EVENT_PROJECTORS,
}
"""Projectors by category, then by message type."""


# Writing -------------------------------------------------------------------------------------


def apply(change: Change, *, table: str | None = None) -> bool:
    """Upsert `change` into the view table; False when the row already reflected it."""
    changed = apply_all([change], table=table) == 1
    if not changed:
        logger.debug(
            "video %s already reflects position %s; ignored",
            change.video_id,
            change.global_position,
        )
    return changed


def apply_all(changes: Sequence[Change], *, table: str | None = None) -> int:
    """Upsert `changes` in order, as `apply` one by one would; return how many rows changed."""
    rounds: dict[tuple[int, tuple[str, ...], bool], list[Change]] = {}
    seen: Counter[uuid.UUID] = Counter()
    for change in changes:
        key = (seen[change.video_id], tuple(sorted(change.values)), change.status is not None)
        seen[change.video_id] += 1
        rounds.setdefault(key, []).append(change)
    changed = 0
    connection.ensure_connection()
    # psycopg's own cursor binds on the server: each column travels as one typed array, with
    # no quoting in Python (Django's cursor composes the SQL text client-side).
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        for key in sorted(rounds):
            group = rounds[key]
            sql = _upsert_sql(table or Video._meta.db_table, key[1], key[2])
            cursor.execute(sql, _columns(group))
            changed += cursor.rowcount
    return changed


def fold(row: dict[str, Any] | None, change: Change) -> dict[str, Any]:
    """The row (column -> value, `COLUMNS`) after `change`, as the upsert would leave it."""
    if row is None:
        return dict(zip(COLUMNS, _row(change), strict=True))
    if change.global_position <= row["last_global_position"] or _too_late(row["status"], change):
        return row
    video_name = change.values.get("video_name", row["video_name"])
    status = next_status(row["status"], change.status, video_name)
    step_at, transcript = row["step_at"], row["transcript"]
    row.update(change.values)
    if _keeps_transcript(change.values.keys()) and row["captions_name"]:
        row["transcript"] = transcript
    if status != row["status"]:
        row["status"] = status
    else:
        row["step_at"] = step_at
    row["updated_at"] = change.time
    row["last_global_position"] = change.global_position
    return row


# The status rule ----------------------------------------------------------------------------

STATUS_ORDER = (*Video.STEPS, Status.FAILED, Status.DELETED)
"""The order a row's status moves in: the steps, then failed and deleted (both final)."""


def next_status(current: str, proposed: str | None, video_name: str) -> str:
    """The status of a row at `current` after a change that proposes `proposed` (None: keeps
    it), `video_name` being the row's video after the change. (A new row takes the status its
    first message proposes: a video's stream starts with `Started`.)

    The process only moves forward: a late or duplicate step (another writer's `Started`
    after our `Transcoded`, a copy of an outcome after `Cataloged`) never moves it back, and
    failed and deleted stay (`_too_late`: they take no step at all). Ready (`cataloged`) needs
    a video to play: the workshop's catalog writes `Cataloged` after its transcode answered
    with a YouTube URL, which sets no video.
    """
    if proposed is None or (proposed == Status.CATALOGED and not video_name):
        return current
    if STATUS_ORDER.index(proposed) <= STATUS_ORDER.index(current):
        return current
    return proposed


FINAL = (Status.FAILED, Status.DELETED)


def _too_late(status: str, change: Change) -> bool:
    """A failed or deleted video takes no further step of the process (another writer's copy
    of a job's outcome, say): only `Deleted` after `failed`, and the owner's edits (no status)."""
    return status in FINAL and change.status not in (None, Status.DELETED)


def _keeps_transcript(columns) -> bool:
    """A transcription without captions (the workshop's fixed text) never replaces one that
    came with captions (ours): its copy may land after ours, as two catalogs race."""
    return "transcript" in columns and "captions_name" not in columns


def _status_sql(video_name: str) -> str:
    """`next_status` in SQL, for an update of row `v` by `EXCLUDED`; `video_name` is the SQL
    of the row's video after the update."""
    order = "ARRAY[" + ", ".join(f"'{status}'" for status in STATUS_ORDER) + "]::varchar[]"
    return (
        f"CASE WHEN array_position({order}, EXCLUDED.status)"
        f" > array_position({order}, v.status)"
        f" AND NOT (EXCLUDED.status = '{Status.CATALOGED}' AND {video_name} = '')"
        " THEN EXCLUDED.status ELSE v.status END"
    )


class _Collected(threading.local):
    changes: list[Change] | None = None


_collected = _Collected()


@contextmanager
def applying_together() -> Iterator[None]:
    """Collect the changes the handlers apply in this thread until the block ends, then write
    them with `apply_all`, still inside the block (so in the caller's transaction)."""
    if _collected.changes is not None:
        raise RuntimeError("already applying together")
    _collected.changes = []
    try:
        yield
        apply_all(_collected.changes)
    finally:
        _collected.changes = None


def handler(projector: Callable[[Message], Change]) -> Callable[..., None]:
    """A subscription handler (`handler(message, *, store)`) that projects and applies."""

    def handle(message: Message, *, store: object = None) -> None:
        change = projector(message)
        if _collected.changes is None:
            apply(change)
        else:
            _collected.changes.append(change)

    handle.__name__ = f"handle_{projector.__name__.removeprefix('project_')}"
    handle.__doc__ = f"Apply {projector.__name__} to the view data."
    return handle


COMMAND_HANDLERS = {kind: handler(projector) for kind, projector in COMMAND_PROJECTORS.items()}
EVENT_HANDLERS = {kind: handler(projector) for kind, projector in EVENT_PROJECTORS.items()}


def _row(change: Change) -> list[Any]:
    """The change as a new row, in `COLUMNS` order."""
    values = {**COLUMN_DEFAULTS, **change.values}
    return [
        change.video_id,
        *(values[column] for column in COLUMN_DEFAULTS),
        change.status or Status.QUEUED,
        change.time,
        change.time,
        change.global_position,
    ]


def _columns(changes: list[Change]) -> list[list[Any]]:
    """The changes' new rows, column by column (one array parameter per column)."""
    columns = [list(column) for column in zip(*map(_row, changes), strict=True)]
    for index, model_field in enumerate(_fields()):
        if model_field.get_internal_type() not in _NATIVE_TYPES:
            prepare = model_field.get_db_prep_value
            columns[index] = [prepare(value, connection) for value in columns[index]]
    return columns


_NATIVE_TYPES = frozenset(
    {
        "UUIDField",
        "CharField",
        "TextField",
        "IntegerField",
        "PositiveIntegerField",
        "BigIntegerField",
        "FloatField",
        "ForeignKey",
        "DateTimeField",
    }
)
"""Fields whose Python values psycopg sends as they are (others go through Django's
`get_db_prep_value`, a JSONField's for one)."""


@cache
def _fields() -> list:
    by_column = {field.column: field for field in Video._meta.concrete_fields}
    return [by_column[column] for column in COLUMNS]


@cache
def _upsert_sql(table: str, updated: tuple[str, ...], sets_status: bool) -> str:
    quote = connection.ops.quote_name
    user_model = get_user_model()._meta
    user_pk = quote(user_model.pk.column)
    selected = [
        f"(SELECT u.{user_pk} FROM {quote(user_model.db_table)} u WHERE u.{user_pk} = x.owner_id)"
        if column == "owner_id"
        else f"x.{quote(column)}"
        for column in COLUMNS
    ]
    arrays = ", ".join(f"%s::{_array_type(field)}[]" for field in _fields())
    assignments = {column: f"EXCLUDED.{quote(column)}" for column in updated}
    if sets_status:
        video = "EXCLUDED" if "video_name" in updated else "v"
        status = _status_sql(f"{video}.{quote('video_name')}")
        assignments["status"] = status
        if "step_at" in assignments:
            assignments["step_at"] = (
                f"CASE WHEN ({status}) IS DISTINCT FROM v.{quote('status')}"
                f" THEN EXCLUDED.{quote('step_at')} ELSE v.{quote('step_at')} END"
            )
    if _keeps_transcript(updated):
        assignments["transcript"] = (
            f"CASE WHEN v.{quote('captions_name')} <> '' THEN v.{quote('transcript')}"
            f" ELSE EXCLUDED.{quote('transcript')} END"
        )
    assignments["updated_at"] = f"EXCLUDED.{quote('updated_at')}"
    assignments["last_global_position"] = f"EXCLUDED.{quote('last_global_position')}"
    return (
        f"INSERT INTO {quote(table)} AS v ({', '.join(map(quote, COLUMNS))})"
        f" SELECT {', '.join(selected)}"
        f" FROM unnest({arrays}) AS x({', '.join(map(quote, COLUMNS))})"
        f" ON CONFLICT ({quote('id')}) DO UPDATE SET "
        + ", ".join(f"{quote(column)} = {value}" for column, value in assignments.items())
        + f" WHERE v.{quote('last_global_position')} < EXCLUDED.{quote('last_global_position')}"
        + (_not_too_late_sql() if sets_status else "")
    )


def _not_too_late_sql() -> str:
    """`_too_late` in SQL (for a change that proposes a status)."""
    final = ", ".join(f"'{status}'" for status in FINAL)
    return f" AND (v.status NOT IN ({final}) OR EXCLUDED.status = '{Status.DELETED}')"


def _array_type(model_field) -> str:
    """The SQL type a column's values travel in: its own, but owners as bigint (an id from a
    message that is too large for the column must find no user, not fail the statement)."""
    if model_field.column == "owner_id":
        return "bigint"
    return model_field.db_type(connection)


# Reading messages (never trusted) -------------------------------------------------------------


def _change(
    message: Message, video_id: str, status: str | None, values: Mapping[str, Any] | None = None
) -> Change:
    try:
        parsed = uuid.UUID(video_id)
    except ValueError:
        raise MalformedMessageError(
            f"{message.type} {message.id}: videoId {video_id!r} is not a UUID"
        ) from None
    if stream_id(message.stream_name) != video_id:
        raise MalformedMessageError(
            f"{message.type} {message.id}: stream {message.stream_name} is not the stream of "
            f"video {video_id}"
        )
    values = dict(values or {})
    if status is not None:
        values["step_at"] = message.time
    return Change(
        video_id=parsed,
        status=status,
        global_position=message.global_position,
        time=message.time,
        values=values,
    )


def _origin(
    message: Message, data: messages.Catalog | messages.Started, owner_id: str | None
) -> dict[str, Any]:
    trace_id = message.metadata.get("traceId")
    return {
        "title": _text(data.title)[: Video.TITLE_MAX_LENGTH],
        "description": _text(data.description)[: Video.DESCRIPTION_MAX_LENGTH],
        "visibility": _visibility(message, data.visibility),
        "trace_id": trace_id[:100] if isinstance(trace_id, str) else "",
        "owner_id": _owner_id(owner_id),
        "source_name": _name(message, data.uri),
    }


def _told(message: Message, values: dict[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """`values` without the columns (of `keys`: column -> data key) the message does not tell."""
    return {
        column: value
        for column, value in values.items()
        if column not in keys or keys[column] in message.data
    }


_VISIBILITIES = frozenset(Video.Visibility.values)
"""Read once: `Visibility.values` builds its list at every call (a rebuild checks thousands)."""


def _visibility(message: Message, value: str) -> str:
    if value not in _VISIBILITIES:
        raise MalformedMessageError(f"{message.type} {message.id}: bad visibility {value!r}")
    return value


MAX_SEGMENTS = 20_000


def _segments(message: Message, segments: list) -> list[dict[str, Any]]:
    """The caption cues, checked: each `{start, end, text}` with finite seconds, in order."""
    if len(segments) > MAX_SEGMENTS:
        raise MalformedMessageError(f"{message.type} {message.id}: too many segments")
    cues = []
    for index, segment in enumerate(segments):
        start = segment.get("start") if isinstance(segment, dict) else None
        end = segment.get("end") if isinstance(segment, dict) else None
        text = segment.get("text") if isinstance(segment, dict) else None
        if not (_seconds(start) and _seconds(end) and isinstance(text, str)) or end < start:
            raise MalformedMessageError(
                f"{message.type} {message.id}: segment {index} is not {{start, end, text}} "
                "with 0 <= start <= end"
            )
        cues.append({"start": float(start), "end": float(end), "text": _text(text).strip()})
    return cues


def _seconds(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _owner_id(value: str | None) -> int | None:
    """A user id when it looks like one (the SQL keeps it only if that user exists)."""
    if value is None or not value.isascii() or not value.isdigit() or int(value) > 2**63 - 1:
        return None
    return int(value)


def _name(message: Message, uri: str | None) -> str:
    try:
        name = media.storage_name(uri)
    except media.UnsafeNameError as error:
        raise MalformedMessageError(f"{message.type} {message.id}: {error}") from None
    if len(name) > Video.NAME_MAX_LENGTH:
        raise MalformedMessageError(f"{message.type} {message.id}: file name is too long")
    return name


def _duration(message: Message, seconds: float | None) -> float | None:
    if seconds is None:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        raise MalformedMessageError(f"{message.type} {message.id}: bad duration {seconds!r}")
    return seconds


def _size(message: Message, key: str, value: int | None) -> int | None:
    if value is not None and not 0 <= value <= _MAX_INT:
        raise MalformedMessageError(f"{message.type} {message.id}: bad {key} {value!r}")
    return value


def _text(value: str) -> str:
    """PostgreSQL text cannot hold NUL characters; search highlights are marked with STX/ETX,
    so stored text never holds those either."""
    return value.replace("\x00", "").replace("\x02", "").replace("\x03", "")


def _renditions(message: Message, renditions: list) -> list[dict[str, Any]]:
    """`[{width, height, bandwidth, playlistUri}]` from an event, as the view row keeps them."""
    kept = []
    for item in renditions:
        if not isinstance(item, dict) or not isinstance(item.get("playlistUri"), str):
            raise MalformedMessageError(f"{message.type} {message.id}: bad rendition {item!r}")
        kept.append(
            {
                "width": _size(message, "width", _integer(message, item, "width")),
                "height": _size(message, "height", _integer(message, item, "height")),
                "bandwidth": _size(message, "bandwidth", _integer(message, item, "bandwidth")),
                "playlist_name": _name(message, item["playlistUri"]),
            }
        )
    return kept


def _integer(message: Message, item: dict, key: str) -> int:
    value = item.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedMessageError(f"{message.type} {message.id}: bad {key} {value!r}")
    return value


_LANGUAGE_LENGTH = Video._meta.get_field("language").max_length


def _language(message: Message, value: str) -> str:
    if value and (len(value) > _LANGUAGE_LENGTH or not value.replace("-", "").isalnum()):
        raise MalformedMessageError(f"{message.type} {message.id}: bad language {value!r}")
    return value
