"""Malformed data, from our own writers or a foreign one, is parked at once with a clear reason
(no retries: it will not get better) and the consumer carries on; it never crashes."""

from __future__ import annotations

from catalog import component
from catalog.messages import command_stream, entity_stream
from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.catalog import controls as catalog
from tests.consumers.controls import last_position, parked, settings_example, stored, write_raw

SUBSCRIBER = "catalog-commands"


def catalog_commands():
    return [s for s in component.subscriptions() if s.subscriber_id == SUBSCRIBER]


def test_malformed_commands_are_parked_and_a_good_one_still_handled(store: MessageStore) -> None:
    bad_video = catalog.video_id_example(2)
    good_data = catalog.catalog_example(bad_video).data
    cases = {
        # message id: (data, metadata, expected words in the reason)
        "c0000000-0000-4000-8000-00000000bad1": (
            {k: v for k, v in good_data.items() if k != "videoId"},
            {"traceId": "t"},
            "no 'videoId'",
        ),
        "c0000000-0000-4000-8000-00000000bad2": (
            {**good_data, "title": 42},
            None,
            "'title' must be a str, not 42",
        ),
        "c0000000-0000-4000-8000-00000000bad3": (
            {**good_data, "videoId": ""},
            {"traceId": ["not", "a", "string"]},
            "'videoId' is empty",
        ),
        "c0000000-0000-4000-8000-00000000bad4": (None, None, "data is not an object (JSON null)"),
        "c0000000-0000-4000-8000-00000000bad5": (
            ["a", "list"],
            "text",
            "data is not an object (JSON array)",
        ),
        "c0000000-0000-4000-8000-00000000bad7": (
            "text",
            None,
            "data is not an object (JSON string)",
        ),
        "c0000000-0000-4000-8000-00000000bad8": (7, None, "data is not an object (JSON number)"),
        "c0000000-0000-4000-8000-00000000bad6": (
            {**good_data, "videoId": catalog.video_id_example(3)},
            {},
            "does not match",
        ),
    }
    for message_id, (data, metadata, _) in cases.items():
        write_raw(
            store,
            message_id=message_id,
            stream_name=command_stream(bad_video),
            type="Catalog",
            data=data,
            metadata=metadata,
        )
    good = stored(store, catalog.catalog_example())

    Consumer(catalog_commands(), store=store, settings=settings_example(max_attempts=3)).run(
        until_idle=True
    )

    rows = {str(row.message_id): row for row in parked(SUBSCRIBER)}
    assert set(rows) == set(cases)
    for message_id, (_, _, reason) in cases.items():
        row = rows[message_id]
        assert row.error.startswith("malformed message: Catalog"), row.error
        assert reason in row.error, row.error
        assert row.attempts == 1
    assert [e.type for e in store.read_stream(entity_stream(catalog.VIDEO_ID))] == ["Started"]
    assert store.stream_version(entity_stream(bad_video)) is None
    assert last_position(store, SUBSCRIBER) == good.global_position


def test_a_malformed_reply_to_the_catalog_is_parked(store: MessageStore) -> None:
    """An origin stream with no id: the reply cannot say which video it belongs to."""
    write_raw(
        store,
        message_id="17000000-0000-4000-8000-00000000bad1",
        stream_name="transcode-x",
        type="Transcoded",
        data=catalog.job_transcoded_example().data,
        metadata={"originStreamName": "catalog", "correlationStreamName": "catalog"},
    )
    subscriptions = [
        s for s in component.subscriptions() if s.subscriber_id == "catalog-transcode-events"
    ]

    Consumer(subscriptions, store=store, settings=settings_example()).run(until_idle=True)

    [row] = parked("catalog-transcode-events")
    assert "malformed message" in row.error
    assert "has no id" in row.error
