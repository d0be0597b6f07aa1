"""A test double of the workshop's components, restated from the facts of docs/workshop.md and
the instructor's guide (its code is not copied): the same subscriptions, the same idempotence
checks (a projection of the stream, read afresh), and the same writing patterns: no expected
version, a fresh random message id each time, a fresh random job id per handling, `Transcribe`
on the video's command stream, replies routed by `originStreamName` alone, version-0 shapes.

Run beside our components on one store, it races them for the same streams, which is what
running the workshop's Node components beside ours does.
"""

from __future__ import annotations

import uuid
from typing import Any

from message_store.consumer import Subscription
from message_store.messages import Message, NewMessage
from message_store.store import MessageStore
from message_store.streams import category

PREFIX = "workshop-"


def new_id() -> str:
    return str(uuid.uuid4())


def write(store: MessageStore, stream: str, kind: str, data: dict, metadata: dict) -> None:
    store.write(
        NewMessage(id=new_id(), stream_name=stream, type=kind, data=data, metadata=metadata)
    )


def fold_video(store: MessageStore, stream: str) -> dict[str, Any]:
    """The workshop catalog's projection of `catalog-{videoId}`, read afresh every time."""
    video = {"id": None, "uri": None, "isStarted": False, "isTranscoded": False}
    video |= {"isTranscribed": False, "isCataloged": False}
    for message in store.read_stream(stream):
        if message.type == "Started":
            video |= {"id": message.data["videoId"], "uri": message.data["uri"], "isStarted": True}
        elif message.type == "Transcoded":
            video["isTranscoded"] = True
        elif message.type == "Transcribed":
            video["isTranscribed"] = True
        elif message.type == "Cataloged":
            video["isCataloged"] = True
    return video


def is_finished(store: MessageStore, stream: str, kind: str) -> bool:
    """The workshop job projections: a job is done once its stream holds its event."""
    return any(m.type == kind for m in store.read_stream(stream))


def trace(message: Message) -> dict[str, Any]:
    return {"traceId": message.metadata.get("traceId")}


def origin_of(message: Message) -> str | None:
    """Its reply subscriptions keep the messages whose originStreamName is a catalog stream."""
    origin = message.metadata.get("originStreamName")
    return origin if isinstance(origin, str) and category(origin) == "catalog" else None


# The catalog component -------------------------------------------------------------------------


def handle_catalog(message: Message, *, store: MessageStore) -> None:
    stream = f"catalog-{message.data['videoId']}"
    if fold_video(store, stream)["isStarted"]:
        return
    data = {"videoId": message.data["videoId"], "uri": message.data["uri"]}
    write(store, stream, "Started", data, trace(message))


def handle_started(message: Message, *, store: MessageStore) -> None:
    if fold_video(store, message.stream_name)["isTranscoded"]:
        return
    transcode_id = new_id()
    metadata = {**trace(message), "originStreamName": message.stream_name}
    data = {"transcodeId": transcode_id, "uri": message.data["uri"]}
    write(store, f"transcode:command-{transcode_id}", "Transcode", data, metadata)


def handle_job_transcoded(message: Message, *, store: MessageStore) -> None:
    origin = origin_of(message)
    if origin is None:
        return
    video = fold_video(store, origin)
    if video["isTranscoded"]:
        return
    data = {
        "videoId": video["id"],
        "transcodeId": message.data["transcodeId"],
        "uri": message.data["uri"],
        "transcodedUri": message.data["transcodedUri"],
    }
    write(store, origin, "Transcoded", data, trace(message))


def handle_own_transcoded(message: Message, *, store: MessageStore) -> None:
    video = fold_video(store, message.stream_name)
    if video["isTranscribed"]:
        return
    metadata = {**trace(message), "originStreamName": message.stream_name}
    data = {"transcribeId": new_id(), "uri": video["uri"]}
    write(store, f"transcribe:command-{video['id']}", "Transcribe", data, metadata)


def handle_job_transcribed(message: Message, *, store: MessageStore) -> None:
    origin = origin_of(message)
    if origin is None:
        return
    video = fold_video(store, origin)
    if video["isTranscribed"]:
        return
    data = {
        "videoId": video["id"],
        "transcribeId": message.data["transcribeId"],
        "uri": message.data["uri"],
        "transcription": message.data["transcription"],
    }
    write(store, origin, "Transcribed", data, trace(message))


def handle_own_transcribed(message: Message, *, store: MessageStore) -> None:
    video = fold_video(store, message.stream_name)
    if video["isCataloged"]:
        return
    write(store, message.stream_name, "Cataloged", {"videoId": video["id"]}, trace(message))


# The transcode and transcribe components --------------------------------------------------------


def handle_transcode(message: Message, *, store: MessageStore) -> None:
    transcode_id = message.data["transcodeId"]
    stream = f"transcode-{transcode_id}"
    if is_finished(store, stream, "Transcoded"):
        return
    metadata = {**trace(message), "originStreamName": message.metadata.get("originStreamName")}
    data = {
        "transcodeId": transcode_id,
        "uri": message.data["uri"],
        "transcodedUri": f"videos/workshop/{transcode_id}.mp4",
    }
    write(store, stream, "Transcoded", data, metadata)


def handle_transcribe(message: Message, *, store: MessageStore) -> None:
    transcribe_id = message.data["transcribeId"]
    stream = f"transcribe-{transcribe_id}"
    if is_finished(store, stream, "Transcribed"):
        return
    metadata = {**trace(message), "originStreamName": message.metadata.get("originStreamName")}
    data = {"transcribeId": transcribe_id, "uri": message.data["uri"], "transcription": "hi"}
    write(store, stream, "Transcribed", data, metadata)


def subscriptions() -> list[Subscription]:
    """The workshop's subscriptions (its replies: whole categories, filtered client-side)."""
    return [
        Subscription(f"{PREFIX}catalogCommands", "catalog:command", {"Catalog": handle_catalog}),
        Subscription(
            f"{PREFIX}catalogEvents",
            "catalog",
            {
                "Started": handle_started,
                "Transcoded": handle_own_transcoded,
                "Transcribed": handle_own_transcribed,
            },
        ),
        Subscription(
            f"{PREFIX}catalogTranscode", "transcode", {"Transcoded": handle_job_transcoded}
        ),
        Subscription(
            f"{PREFIX}catalogTranscribe", "transcribe", {"Transcribed": handle_job_transcribed}
        ),
        Subscription(f"{PREFIX}transcode", "transcode:command", {"Transcode": handle_transcode}),
        Subscription(
            f"{PREFIX}transcribe", "transcribe:command", {"Transcribe": handle_transcribe}
        ),
    ]
