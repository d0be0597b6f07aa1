"""A test double of the workshop's finished Node components (catalog, transcode, transcribe and
the video list aggregator), restated in Python from the facts of its code (docs/workshop.md says
where they come from; its code is not copied). It writes exactly what they write:

- as its client writes: `write_message` with no expected version, a fresh random id every time,
  JSON as JavaScript makes it (a field whose value is `undefined` is left out, a message without
  metadata stores NULL);
- its catalog's idempotence checks (a projection of the stream, read afresh; any `Transcoded`
  counts), a fresh random job id each time it handles an event, `Transcribe` on
  `transcribe:command-{videoId}`, replies routed by `originStreamName` alone;
- its simulated jobs: transcode answers every command with `YOUTUBE_URI`, transcribe with the
  fixed `TRANSCRIPTION`, no poster, size, playlist or captions;
- its aggregator: on `Cataloged`, a fold of the catalog stream into a row of its own view (kept
  here in memory), `ON CONFLICT DO NOTHING`; a field that is missing (`undefined`) fails it, as
  knex refuses an undefined binding.

Its subscriptions are restated too (`WorkshopSubscription`): they read whole categories and
filter replies on the client, see erased messages as stored, and stop for good on any error,
which `Workshop.errors` records, so a test asserts there is none. `WorkshopProcess` runs them
as its Node process does, beside our consumers.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections

from message_store.messages import Message
from message_store.store import MessageStore
from message_store.streams import category
from tests.consumers.controls import write_raw

YOUTUBE_URI = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
"""What the workshop's `transcodeFile` returns for every video (its transcode is simulated)."""
TRANSCRIPTION = "\n    We're no strangers to love\n    You know the rules and so do I...\n  "
"""What the workshop's `transcribeVideo` returns for every video."""


class Undefined:
    """JavaScript's `undefined`: what reading a missing field gives."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


class WorkshopStopped(Exception):
    """An error the workshop's code would meet: its subscription stops for good."""


def field(data: Mapping[str, Any], key: str) -> Any:
    return data.get(key, UNDEFINED) if isinstance(data, Mapping) else UNDEFINED


def template(value: Any) -> str:
    """A value in a JavaScript template string (`catalog-${videoId}`)."""
    if value is UNDEFINED:
        return "undefined"
    return "null" if value is None else str(value)


def as_json(values: dict[str, Any]) -> dict[str, Any]:
    """`JSON.stringify` leaves out the fields whose value is `undefined`."""
    return {key: value for key, value in values.items() if value is not UNDEFINED}


def new_id() -> str:
    return str(uuid.uuid4())


def write(store: MessageStore, stream: str, kind: str, data: dict, metadata: dict | None) -> None:
    write_raw(
        store,
        message_id=new_id(),
        stream_name=stream,
        type=kind,
        data=as_json(data),
        metadata=None if metadata is None else as_json(metadata),
    )


def project(store: MessageStore, stream: str, initial: dict, folds: Mapping) -> dict[str, Any]:
    """The workshop's `fetch`: read the stream afresh and fold it with a projection."""
    entity = dict(initial)
    for message in store.read_stream(stream):
        fold = folds.get(message.type)
        if fold is not None:
            fold(entity, message.data)
    return entity


def _started(video: dict, data: dict) -> None:
    video.update(id=field(data, "videoId"), uri=field(data, "uri"), isStarted=True)


CATALOG_PROJECTION: dict[str, Callable[[dict, dict], None]] = {
    "Started": _started,
    "Transcoded": lambda video, data: video.update(
        isTranscoded=True, transcodedUri=field(data, "transcodedUri")
    ),
    "Transcribed": lambda video, data: video.update(
        isTranscribed=True, transcription=field(data, "transcription")
    ),
    "Cataloged": lambda video, data: video.update(isCataloged=True),
}
CATALOG_INITIAL = {
    "id": None,
    "uri": None,
    "transcodedUri": None,
    "transcription": "",
    "isStarted": False,
    "isTranscoded": False,
    "isTranscribed": False,
    "isCataloged": False,
}
VIDEO_LIST_PROJECTION: dict[str, Callable[[dict, dict], None]] = {
    "Started": lambda video, data: video.update(
        id=field(data, "videoId"), name=field(data, "videoId")
    ),
    "Transcoded": lambda video, data: video.update(uri=field(data, "transcodedUri")),
    "Transcribed": lambda video, data: video.update(transcription=field(data, "transcription")),
}


def fold_video(store: MessageStore, stream: str) -> dict[str, Any]:
    return project(store, stream, CATALOG_INITIAL, CATALOG_PROJECTION)


def trace(message: Message) -> dict[str, Any]:
    return {"traceId": field(message.metadata, "traceId")}


class Workshop:
    """The workshop's components on one store, and the rows of its own view."""

    def __init__(self) -> None:
        self.videos: dict[str, dict[str, Any]] = {}
        self.errors: list[str] = []

    # The catalog component -------------------------------------------------------------------

    def catalog(self, message: Message, *, store: MessageStore) -> None:
        video_id = field(message.data, "videoId")
        stream = f"catalog-{template(video_id)}"
        if fold_video(store, stream)["isStarted"]:
            return
        data = {"videoId": video_id, "uri": field(message.data, "uri")}
        write(store, stream, "Started", data, trace(message))

    def started(self, message: Message, *, store: MessageStore) -> None:
        stream = f"catalog-{template(field(message.data, 'videoId'))}"
        if fold_video(store, stream)["isTranscoded"]:
            return
        transcode_id = new_id()
        metadata = {**trace(message), "originStreamName": stream}
        data = {"transcodeId": transcode_id, "uri": field(message.data, "uri")}
        write(store, f"transcode:command-{transcode_id}", "Transcode", data, metadata)

    def own_transcoded(self, message: Message, *, store: MessageStore) -> None:
        video = fold_video(store, message.stream_name)
        if video["isTranscribed"]:
            return
        metadata = {**trace(message), "originStreamName": message.stream_name}
        data = {"transcribeId": new_id(), "uri": video["uri"]}
        write(store, f"transcribe:command-{template(video['id'])}", "Transcribe", data, metadata)

    def own_transcribed(self, message: Message, *, store: MessageStore) -> None:
        video = fold_video(store, message.stream_name)
        if video["isCataloged"]:
            return
        write(store, message.stream_name, "Cataloged", {"videoId": video["id"]}, trace(message))

    def job_transcoded(self, message: Message, *, store: MessageStore) -> None:
        self._copy(message, store, "isTranscoded", "transcodeId", "transcodedUri")

    def job_transcribed(self, message: Message, *, store: MessageStore) -> None:
        self._copy(message, store, "isTranscribed", "transcribeId", "transcription")

    def _copy(self, message: Message, store: MessageStore, step: str, job: str, result: str):
        """Its reply subscriptions keep what names a catalog stream as `originStreamName`
        (client-side), and copy the first outcome into that stream."""
        origin = field(message.metadata, "originStreamName")
        if not isinstance(origin, str) or category(origin) != "catalog":
            return
        video = fold_video(store, origin)
        if video[step]:
            return
        data = {
            "videoId": video["id"],
            job: field(message.data, job),
            "uri": field(message.data, "uri"),
            result: field(message.data, result),
        }
        write(store, origin, message.type, data, trace(message))

    # The transcode and transcribe components -------------------------------------------------

    def transcode(self, message: Message, *, store: MessageStore) -> None:
        self._job(message, store, "transcode", "Transcoded", {"transcodedUri": YOUTUBE_URI})

    def transcribe(self, message: Message, *, store: MessageStore) -> None:
        self._job(message, store, "transcribe", "Transcribed", {"transcription": TRANSCRIPTION})

    def _job(self, message: Message, store: MessageStore, kind: str, outcome: str, result: dict):
        job_id = field(message.data, f"{kind}Id")
        stream = f"{kind}-{template(job_id)}"
        if any(m.type == outcome for m in store.read_stream(stream)):
            return
        metadata = {
            **trace(message),
            "originStreamName": field(message.metadata, "originStreamName"),
        }
        data = {f"{kind}Id": job_id, "uri": field(message.data, "uri"), **result}
        write(store, stream, outcome, data, metadata)

    # The video list aggregator ---------------------------------------------------------------

    def cataloged(self, message: Message, *, store: MessageStore) -> None:
        initial = {"id": None, "uri": None, "name": None, "transcription": None}
        video = project(store, message.stream_name, initial, VIDEO_LIST_PROJECTION)
        undefined = [key for key, value in video.items() if value is UNDEFINED]
        if undefined:
            raise WorkshopStopped(f"Undefined binding(s) detected for keys {undefined}")
        self.videos.setdefault(video["id"], video)

    # Its subscriptions -----------------------------------------------------------------------

    def subscriptions(self) -> list[WorkshopSubscription]:
        handlers = {
            "catalogCommandConsumer": ("catalog:command", {"Catalog": self.catalog}, None),
            "catalogEventConsumer": (
                "catalog",
                {
                    "Started": self.started,
                    "Transcoded": self.own_transcoded,
                    "Transcribed": self.own_transcribed,
                },
                None,
            ),
            "catalogTranscodeEventConsumer": (
                "transcode",
                {"Transcoded": self.job_transcoded},
                "catalog",
            ),
            "catalogTranscribeEventConsumer": (
                "transcribe",
                {"Transcribed": self.job_transcribed},
                "catalog",
            ),
            "transcodeCommandConsumer": ("transcode:command", {"Transcode": self.transcode}, None),
            "transcribeCommandConsumer": (
                "transcribe:command",
                {"Transcribe": self.transcribe},
                None,
            ),
            "videoListAggregator": ("catalog", {"Cataloged": self.cataloged}, None),
        }
        return [
            WorkshopSubscription(name, kind, handlers, origin)
            for name, (kind, handlers, origin) in handlers.items()
        ]

    def run_until_idle(self, store: MessageStore) -> None:
        """Every subscription from its stored position until none finds anything to handle."""
        subscriptions = self.subscriptions()
        for subscription in subscriptions:
            subscription.load_position(store)
        while any(subscription.tick(store, self.errors) for subscription in subscriptions):
            pass


@dataclass
class WorkshopSubscription:
    """The workshop's polling subscription: read `messages_per_tick` messages after the
    current position, keep (client-side) those whose `originStreamName` is in the
    `origin_stream_name` category, hand each to the handler for its type (none: skipped), move
    the position to each handled message and write it every `position_update_interval`
    messages; any error stops it for good. It sees every message as stored, erased or not."""

    subscriber_id: str
    stream_name: str
    handlers: Mapping[str, Callable[..., None]]
    origin_stream_name: str | None = None
    messages_per_tick: int = 100
    position_update_interval: int = 100
    current_position: int = 0
    since_last_write: int = 0
    stopped: bool = False

    def load_position(self, store: MessageStore) -> None:
        last = store.read_last(f"subscriberPosition-{self.subscriber_id}")
        self.current_position = last.data["position"] if last is not None else 0

    def tick(self, store: MessageStore, errors: list[str]) -> int:
        """One read batch; how many messages it processed (0 when stopped)."""
        if self.stopped:
            return 0
        batch = store.read(
            self.stream_name,
            position=self.current_position + 1,
            batch_size=self.messages_per_tick,
        )
        if self.origin_stream_name is not None:
            batch = [
                message
                for message in batch
                if isinstance(field(message.metadata, "originStreamName"), str)
                and category(message.metadata["originStreamName"]) == self.origin_stream_name
            ]
        for message in batch:
            handler = self.handlers.get(message.type)
            try:
                if handler is not None:
                    handler(message, store=store)
            except Exception as error:
                errors.append(f"{self.subscriber_id} on {message.type} {message.id}: {error!r}")
                self.stopped = True
                return 0
            self._advance(store, message.global_position)
        return len(batch)

    def _advance(self, store: MessageStore, position: int) -> None:
        self.current_position = position
        self.since_last_write += 1
        if self.since_last_write == self.position_update_interval:
            self.since_last_write = 0
            write(store, f"subscriberPosition-{self.subscriber_id}", "Read",
                  {"position": position}, None)  # fmt: skip


class WorkshopProcess(threading.Thread):
    """The workshop's Node process: its subscriptions take turns on one connection, and one
    that processed nothing waits `tick_interval` before its next read."""

    def __init__(self, workshop: Workshop, store: MessageStore, *, tick_interval: float = 0.1):
        super().__init__(daemon=True)
        self.workshop = workshop
        self.store = store
        self.tick_interval = tick_interval
        self._stop_requested = threading.Event()

    def run(self) -> None:
        try:
            subscriptions = self.workshop.subscriptions()
            for subscription in subscriptions:
                subscription.load_position(self.store)
            while not self._stop_requested.is_set():
                ticks = [s.tick(self.store, self.workshop.errors) for s in subscriptions]
                if not any(ticks):
                    self._stop_requested.wait(self.tick_interval)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._stop_requested.set()
        self.join(15)
        assert not self.is_alive(), "the workshop's process did not stop"
