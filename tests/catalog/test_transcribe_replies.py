"""Outcomes of transcribe jobs are copied into `catalog-{videoId}` only when the catalog started
the job (origin `catalog-...`); other components' jobs are none of the catalog's business."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalog import component
from catalog.handlers import handle_job_transcribe_failed, handle_job_transcribed
from catalog.messages import entity_stream, transcribe_id
from message_store.consumer import Consumer
from message_store.store import MessageStore
from message_store.streams import ALL
from tests.catalog import controls
from tests.consumers.controls import last_position, parked, settings_example, stored

STREAM = entity_stream(controls.VIDEO_ID)


def catalog_streams(store: MessageStore) -> set[str]:
    return {m.stream_name for m in store.read("catalog", batch_size=-1)}


def test_transcoded_is_copied_into_the_video_stream(store: MessageStore) -> None:
    stored(store, controls.started_example())
    reply = stored(store, controls.job_transcribed_example())

    handle_job_transcribed(reply, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["Started", "Transcribed"]
    copy = events[-1]
    assert copy.data == {
        "videoId": controls.VIDEO_ID,
        "transcribeId": transcribe_id(controls.VIDEO_ID),
        "uri": controls.SOURCE_URI,
        "transcription": controls.TRANSCRIPT,
        "captionsUri": controls.CAPTIONS_URI,
        "segments": controls.SEGMENTS,
        "language": "en",
    }
    assert copy.metadata["traceId"] == controls.TRACE_ID
    assert copy.metadata["causationMessageStreamName"] == reply.stream_name


def test_transcribe_failed_is_copied_into_the_video_stream(store: MessageStore) -> None:
    stored(store, controls.started_example())
    reply = stored(store, controls.job_transcribe_failed_example())

    handle_job_transcribe_failed(reply, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["Started", "TranscribeFailed"]
    assert events[-1].data == {
        "videoId": controls.VIDEO_ID,
        "transcribeId": transcribe_id(controls.VIDEO_ID),
        "uri": controls.SOURCE_URI,
        "reason": "no audio: it has no track",
    }


def test_copied_once_when_handled_twice(store: MessageStore) -> None:
    stored(store, controls.started_example())
    reply = stored(store, controls.job_transcribed_example())

    handle_job_transcribed(reply, store=store)
    handle_job_transcribed(reply, store=store)

    assert [e.type for e in store.read_stream(STREAM)] == ["Started", "Transcribed"]


@pytest.mark.parametrize(
    "metadata",
    [controls.foreign_metadata(), {"traceId": "t"}, {"originStreamName": 42}],
    ids=["other origin", "no origin", "origin not a string"],
)
@pytest.mark.parametrize(
    ("example", "handler"),
    [
        (controls.job_transcribed_example, handle_job_transcribed),
        (controls.job_transcribe_failed_example, handle_job_transcribe_failed),
    ],
    ids=["Transcribed", "TranscribeFailed"],
)
def test_a_reply_to_another_origin_is_ignored(store: MessageStore, metadata, example, handler):
    stored(store, controls.started_example())
    reply = stored(store, example(metadata=metadata))

    before = store.read(ALL, batch_size=-1)

    handler(reply, store=store)

    assert store.read(ALL, batch_size=-1) == before


def test_the_subscription_moves_past_replies_to_other_origins(store: MessageStore) -> None:
    """Filtered in the database: the position passes them, nothing is parked or stalled."""
    other_video = controls.video_id_example(2)
    third_video = controls.video_id_example(3)
    stored(store, controls.started_example())
    no_metadata = stored(
        store, replace(controls.job_transcribed_example(other_video, n=2), metadata=None)
    )
    foreign = stored(
        store,
        controls.job_transcribed_example(other_video, n=3, metadata=controls.foreign_metadata()),
    )
    no_origin = stored(
        store,
        controls.job_transcribe_failed_example(
            third_video, n=4, metadata={"correlationStreamName": entity_stream(third_video)}
        ),
    )
    ours = stored(store, controls.job_transcribed_example())
    subscription = next(
        s for s in component.subscriptions() if s.subscriber_id == "catalog-transcribe-events"
    )
    assert subscription.origin == "catalog"

    handled = Consumer([subscription], store=store, settings=settings_example()).run(
        until_idle=True
    )

    assert handled == 2  # ours, and the one that claims the catalog's correlation but no origin
    assert [e.type for e in store.read_stream(STREAM)] == ["Started", "Transcribed"]
    assert catalog_streams(store) == {STREAM}
    position = last_position(store, "catalog-transcribe-events")
    assert position >= ours.global_position
    assert position > max(
        no_metadata.global_position, foreign.global_position, no_origin.global_position
    )
    assert parked() == []
