"""`Delete` -> `Deleted` from the owner or staff, once; and a deleted video starts no more work."""

from __future__ import annotations

from catalog.handlers import handle_started, handle_transcoded
from catalog.messages import entity_stream, transcode_id
from catalog.owner import handle_delete
from message_store.store import MessageStore
from tests.catalog import controls
from tests.consumers.controls import stored

STREAM = entity_stream(controls.VIDEO_ID)


def types(store: MessageStore) -> list[str]:
    return [event.type for event in store.read_stream(STREAM)]


def test_the_owner_deletes_a_video(store: MessageStore) -> None:
    stored(store, controls.started_example())

    handle_delete(stored(store, controls.delete_example()), store=store)

    deleted = list(store.read_stream(STREAM))[-1]
    assert deleted.type == "Deleted"
    assert deleted.data == {"videoId": controls.VIDEO_ID}


def test_a_second_delete_is_refused_not_repeated(store: MessageStore) -> None:
    stored(store, controls.started_example())
    handle_delete(stored(store, controls.delete_example(n=1)), store=store)

    handle_delete(stored(store, controls.delete_example(n=2)), store=store)

    assert types(store) == ["Started", "Deleted", "CommandRefused"]


def test_someone_else_cannot_delete(store: MessageStore) -> None:
    stored(store, controls.started_example())

    handle_delete(
        stored(store, controls.delete_example(user_id=controls.OTHER_USER_ID)), store=store
    )

    assert types(store) == ["Started", "CommandRefused"]


def test_a_deleted_video_starts_no_job(store: MessageStore) -> None:
    started = stored(store, controls.started_example())
    handle_delete(stored(store, controls.delete_example()), store=store)

    handle_started(started, store=store)
    transcoded = stored(store, controls.transcoded_example())
    handle_transcoded(transcoded, store=store)

    assert store.stream_version(f"transcode:command-{transcode_id(controls.VIDEO_ID)}") is None
    assert store.read("transcribe:command") == []
