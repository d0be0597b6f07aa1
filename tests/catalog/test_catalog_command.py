"""`Catalog` -> `Started` in `catalog-{videoId}`, once, carrying the command's trace."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalog.handlers import handle_catalog
from catalog.messages import entity_stream
from message_store.contracts import MalformedMessageError
from message_store.store import MessageStore
from tests.catalog import controls
from tests.consumers.controls import stored


def test_started_is_written(store: MessageStore) -> None:
    command = stored(store, controls.catalog_example())

    handle_catalog(command, store=store)

    events = list(store.read_stream(entity_stream(controls.VIDEO_ID)))
    assert [event.type for event in events] == ["Started"]
    started = events[0]
    assert started.data == {
        "videoId": controls.VIDEO_ID,
        "uri": controls.SOURCE_URI,
        "title": controls.TITLE,
        "ownerId": controls.USER_ID,
        "description": "",
        "visibility": "public",
    }
    assert started.metadata["traceId"] == controls.TRACE_ID
    assert started.metadata["userId"] == controls.USER_ID
    assert started.metadata["causationMessageStreamName"] == command.stream_name
    assert started.metadata["causationMessageGlobalPosition"] == command.global_position


def test_handled_twice_writes_one_started(store: MessageStore) -> None:
    command = stored(store, controls.catalog_example())

    handle_catalog(command, store=store)
    handle_catalog(command, store=store)

    events = list(store.read_stream(entity_stream(controls.VIDEO_ID)))
    assert [event.type for event in events] == ["Started"]


def test_a_second_command_for_a_started_video_is_ignored(store: MessageStore) -> None:
    handle_catalog(stored(store, controls.catalog_example(n=1)), store=store)

    handle_catalog(stored(store, controls.catalog_example(n=2)), store=store)

    events = list(store.read_stream(entity_stream(controls.VIDEO_ID)))
    assert [event.type for event in events] == ["Started"]


def test_a_stream_id_other_than_the_video_id_is_malformed(store: MessageStore) -> None:
    other_id = controls.video_id_example(2)
    command = stored(store, controls.catalog_example(stream_id=other_id))

    with pytest.raises(MalformedMessageError, match="does not match"):
        handle_catalog(command, store=store)

    assert store.stream_version(entity_stream(controls.VIDEO_ID)) is None
    assert store.stream_version(entity_stream(other_id)) is None


def test_a_command_without_video_id_is_malformed(store: MessageStore) -> None:
    command = stored(store, controls.catalog_example())
    data = {key: value for key, value in command.data.items() if key != "videoId"}
    message = replace(command, data=data)

    with pytest.raises(MalformedMessageError, match="videoId"):
        handle_catalog(message, store=store)

    assert store.stream_version(entity_stream(controls.VIDEO_ID)) is None


def test_details_and_visibility_are_carried_into_started(store: MessageStore) -> None:
    command = controls.catalog_example(description="About it", visibility="private")

    handle_catalog(stored(store, command), store=store)

    [started] = store.read_stream(entity_stream(controls.VIDEO_ID))
    assert (started.data["description"], started.data["visibility"]) == ("About it", "private")


def test_an_unknown_visibility_is_malformed(store: MessageStore) -> None:
    command = stored(store, controls.catalog_example(visibility="everyone"))

    with pytest.raises(MalformedMessageError, match="visibility"):
        handle_catalog(command, store=store)

    assert store.stream_version(entity_stream(controls.VIDEO_ID)) is None
