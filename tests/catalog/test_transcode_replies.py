"""Outcomes of transcode jobs are copied into `catalog-{videoId}` only when the catalog started
the job (origin `catalog-...`); other components' jobs are none of the catalog's business."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalog import component
from catalog.handlers import handle_job_transcode_failed, handle_job_transcoded
from catalog.messages import entity_stream, transcode_id
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
    reply = stored(store, controls.job_transcoded_example())

    handle_job_transcoded(reply, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["Started", "Transcoded"]
    copy = events[-1]
    assert copy.data == {
        "videoId": controls.VIDEO_ID,
        "transcodeId": transcode_id(controls.VIDEO_ID),
        "uri": controls.SOURCE_URI,
        "transcodedUri": controls.VIDEO_URI,
        "posterUri": controls.POSTER_URI,
        "durationSeconds": 12.5,
        "width": 640,
        "height": 360,
        "playlistUri": controls.PLAYLIST_URI,
        "renditions": controls.RENDITIONS,
    }
    assert copy.metadata["traceId"] == controls.TRACE_ID
    assert copy.metadata["causationMessageStreamName"] == reply.stream_name


def test_transcode_failed_is_copied_into_the_video_stream(store: MessageStore) -> None:
    stored(store, controls.started_example())
    reply = stored(store, controls.job_transcode_failed_example())

    handle_job_transcode_failed(reply, store=store)

    events = list(store.read_stream(STREAM))
    assert [e.type for e in events] == ["Started", "TranscodeFailed"]
    assert events[-1].data == {
        "videoId": controls.VIDEO_ID,
        "transcodeId": transcode_id(controls.VIDEO_ID),
        "uri": controls.SOURCE_URI,
        "reason": "not a video: it is text",
    }


def test_copied_once_when_handled_twice(store: MessageStore) -> None:
    stored(store, controls.started_example())
    reply = stored(store, controls.job_transcoded_example())

    handle_job_transcoded(reply, store=store)
    handle_job_transcoded(reply, store=store)

    assert [e.type for e in store.read_stream(STREAM)] == ["Started", "Transcoded"]


@pytest.mark.parametrize(
    "metadata",
    [controls.foreign_metadata(), {"traceId": "t"}, {"originStreamName": 42}],
    ids=["other origin", "no origin", "origin not a string"],
)
@pytest.mark.parametrize(
    ("example", "handler"),
    [
        (controls.job_transcoded_example, handle_job_transcoded),
        (controls.job_transcode_failed_example, handle_job_transcode_failed),
    ],
    ids=["Transcoded", "TranscodeFailed"],
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
        store, replace(controls.job_transcoded_example(other_video, n=2), metadata=None)
    )
    foreign = stored(
        store,
        controls.job_transcoded_example(other_video, n=3, metadata=controls.foreign_metadata()),
    )
    no_origin = stored(
        store,
        controls.job_transcode_failed_example(
            third_video, n=4, metadata={"correlationStreamName": entity_stream(third_video)}
        ),
    )
    ours = stored(store, controls.job_transcoded_example())
    subscription = next(
        s for s in component.subscriptions() if s.subscriber_id == "catalog-transcode-events"
    )
    assert subscription.origin == "catalog"

    handled = Consumer([subscription], store=store, settings=settings_example()).run(
        until_idle=True
    )

    assert handled == 2  # ours, and the one that claims the catalog's correlation but no origin
    assert [e.type for e in store.read_stream(STREAM)] == ["Started", "Transcoded"]
    assert catalog_streams(store) == {STREAM}
    position = last_position(store, "catalog-transcode-events")
    assert position >= ours.global_position
    assert position > max(
        no_metadata.global_position, foreign.global_position, no_origin.global_position
    )
    assert parked() == []


def test_the_position_passes_replies_to_other_origins_even_when_none_are_ours(
    store: MessageStore,
) -> None:
    """With nothing of ours after them, the stored position still moves past foreign replies,
    so a restart does not rescan them (the workshop's consumer stalls there for ever)."""
    other_video = controls.video_id_example(2)
    foreign = [
        stored(
            store,
            controls.job_transcoded_example(other_video, n=n, metadata=controls.foreign_metadata()),
        )
        for n in (2, 3)
    ]
    subscription = next(
        s for s in component.subscriptions() if s.subscriber_id == "catalog-transcode-events"
    )

    handled = Consumer([subscription], store=store, settings=settings_example()).run(
        until_idle=True
    )

    assert handled == 0
    assert last_position(store, "catalog-transcode-events") >= foreign[-1].global_position
