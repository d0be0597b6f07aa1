"""Our messages are readable by the workshop's code: every command and event we write carries
the workshop's field names with the workshop's meaning (docs/workshop.md), so its components
would handle our commands and its aggregator, folding our catalog stream, finds everything it
needs. The workshop's readers are restated here from those facts (its code is not copied)."""

from __future__ import annotations

from typing import Any

import pytest

import catalog.component
import transcode.component
import transcribe.component
import videos.component
from catalog import messages
from message_store.consumer import Consumer
from message_store.messages import Message, NewMessage
from message_store.store import MessageStore
from message_store.streams import stream_id
from videos.models import Video

VIDEO_ID = "be000000-0000-4000-8000-000000000001"
SOURCE = f"uploads/{VIDEO_ID}/original.mp4"
TRACE_ID = "be700000-0000-4000-8000-000000000001"
ORIGIN = f"catalog-{VIDEO_ID}"
SUBSCRIPTIONS = [
    s
    for module in (catalog.component, transcode.component, transcribe.component, videos.component)
    for s in module.subscriptions()
]


@pytest.fixture
def processed(store: MessageStore, settings, tmp_path) -> MessageStore:
    """Our whole process for one upload, as the web app starts it (simulated media)."""
    settings.SIMULATED_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    command = messages.Catalog(video_id=VIDEO_ID, uri=SOURCE, title="Ours")
    store.write(
        NewMessage(
            id="be000000-0000-4000-8000-0000000000c1",
            stream_name=messages.command_stream(VIDEO_ID),
            type=command.type_name,
            data=command.to_data(),
            metadata={"traceId": TRACE_ID, "userId": "1"},
        )
    )
    Consumer(SUBSCRIPTIONS, store=store).run(until_idle=True)
    assert store.read_last(messages.entity_stream(VIDEO_ID), "Cataloged") is not None
    return store


def only(store: MessageStore, name: str, message_type: str) -> Message:
    [message] = [m for m in store.read(name, batch_size=-1) if m.type == message_type]
    return message


def has(message: Message, data: dict[str, Any], metadata: dict[str, Any]) -> None:
    """The message carries these data and metadata fields with these values."""
    assert {key: message.data.get(key) for key in data} == data, message
    assert {key: message.metadata.get(key) for key in metadata} == metadata, message


def test_our_catalog_started_and_cataloged_carry_the_workshops_fields(processed):
    has(
        only(processed, messages.command_stream(VIDEO_ID), "Catalog"),
        {"videoId": VIDEO_ID, "uri": SOURCE},
        {"traceId": TRACE_ID, "userId": "1"},
    )
    has(
        only(processed, ORIGIN, "Started"),
        {"videoId": VIDEO_ID, "uri": SOURCE},
        {"traceId": TRACE_ID},
    )
    has(only(processed, ORIGIN, "Cataloged"), {"videoId": VIDEO_ID}, {"traceId": TRACE_ID})


def test_our_job_commands_would_be_handled_by_the_workshops_components(processed):
    """Its components read the job id and `uri` (the source), and copy `traceId` and
    `originStreamName` (a catalog stream) into their replies."""
    transcode_command = only(processed, "transcode:command", "Transcode")
    transcribe_command = only(processed, "transcribe:command", "Transcribe")

    for command, key in ((transcode_command, "transcodeId"), (transcribe_command, "transcribeId")):
        job_id = command.data[key]
        assert stream_id(command.stream_name) == job_id
        has(
            command, {key: job_id, "uri": SOURCE}, {"traceId": TRACE_ID, "originStreamName": ORIGIN}
        )


def test_our_replies_and_copies_mean_what_the_workshops_do(processed):
    row = Video.objects.get(pk=VIDEO_ID)
    transcoded = only(processed, "transcode", "Transcoded")
    transcribed = only(processed, "transcribe", "Transcribed")

    has(
        transcoded,
        {
            "transcodeId": stream_id(transcoded.stream_name),
            "uri": SOURCE,
            "transcodedUri": row.video_name,
        },
        {"traceId": TRACE_ID, "originStreamName": ORIGIN},
    )
    has(
        transcribed,
        {
            "transcribeId": stream_id(transcribed.stream_name),
            "uri": SOURCE,
            "transcription": row.transcript,
        },
        {"traceId": TRACE_ID, "originStreamName": ORIGIN},
    )
    has(
        only(processed, ORIGIN, "Transcoded"),
        {
            "videoId": VIDEO_ID,
            "transcodeId": transcoded.data["transcodeId"],
            "uri": SOURCE,
            "transcodedUri": row.video_name,
        },
        {"traceId": TRACE_ID},
    )
    has(
        only(processed, ORIGIN, "Transcribed"),
        {
            "videoId": VIDEO_ID,
            "transcribeId": transcribed.data["transcribeId"],
            "uri": SOURCE,
            "transcription": row.transcript,
        },
        {"traceId": TRACE_ID},
    )


def workshop_aggregate(stream: list[Message]) -> dict[str, Any]:
    """The workshop's aggregator, from docs/workshop.md: on `Cataloged` it folds the catalog
    stream (`Started` -> id and name = the video id, `Transcoded` -> uri = transcodedUri,
    `Transcribed` -> transcription) and upserts {id, name, uri, transcription}; a missing value
    stops it for good, which `KeyError` stands for here."""
    video: dict[str, Any] = {}
    for message in stream:
        if message.type == "Started":
            video["id"] = video["name"] = message.data["videoId"]
        elif message.type == "Transcoded":
            video["uri"] = message.data["transcodedUri"]
        elif message.type == "Transcribed":
            video["transcription"] = message.data["transcription"]
    return {key: video[key] for key in ("id", "name", "uri", "transcription")}


def test_the_workshops_aggregator_folds_our_catalog_stream_without_stopping(processed):
    stream = list(processed.read_stream(ORIGIN))
    assert [m.type for m in stream] == ["Started", "Transcoded", "Transcribed", "Cataloged"]
    row = Video.objects.get(pk=VIDEO_ID)

    assert workshop_aggregate(stream) == {
        "id": VIDEO_ID,
        "name": VIDEO_ID,
        "uri": row.video_name,
        "transcription": row.transcript,
    }
    assert all(value is not None for value in workshop_aggregate(stream).values())
