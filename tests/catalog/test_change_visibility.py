"""`ChangeVisibility` -> `VisibilityChanged` (public, unlisted or private), refused otherwise."""

from __future__ import annotations

from catalog.messages import entity_stream
from catalog.owner import handle_change_visibility
from message_store.store import MessageStore
from tests.catalog import controls
from tests.consumers.controls import stored

STREAM = entity_stream(controls.VIDEO_ID)


def test_the_owner_makes_a_video_private(store: MessageStore) -> None:
    stored(store, controls.started_example())

    handle_change_visibility(stored(store, controls.change_visibility_example()), store=store)

    changed = list(store.read_stream(STREAM))[-1]
    assert changed.type == "VisibilityChanged"
    assert changed.data == {"videoId": controls.VIDEO_ID, "visibility": "private"}


def test_an_unknown_visibility_is_refused(store: MessageStore) -> None:
    stored(store, controls.started_example())
    command = controls.change_visibility_example(visibility="secret")

    handle_change_visibility(stored(store, command), store=store)

    refused = list(store.read_stream(STREAM))[-1]
    assert refused.type == "CommandRefused"
    assert "public, unlisted, private" in refused.data["reason"]


def test_someone_else_cannot_hide_a_video(store: MessageStore) -> None:
    stored(store, controls.started_example())
    command = controls.change_visibility_example(user_id=controls.OTHER_USER_ID)

    handle_change_visibility(stored(store, command), store=store)

    assert [event.type for event in store.read_stream(STREAM)] == ["Started", "CommandRefused"]
