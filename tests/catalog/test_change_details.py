"""`ChangeDetails` -> `DetailsChanged` from the owner or staff; `CommandRefused` from anyone
else, for a deleted video or for details over the limits; parked for a video never started."""

from __future__ import annotations

import pytest

from catalog.messages import entity_stream
from catalog.owner import handle_change_details, handle_delete
from message_store.contracts import MalformedMessageError
from message_store.store import MessageStore
from tests.catalog import controls
from tests.consumers.controls import stored

STREAM = entity_stream(controls.VIDEO_ID)


def events(store: MessageStore) -> list:
    return list(store.read_stream(STREAM))


def test_the_owner_changes_the_details(store: MessageStore) -> None:
    stored(store, controls.started_example())
    command = stored(store, controls.change_details_example())

    handle_change_details(command, store=store)

    changed = events(store)[-1]
    assert changed.type == "DetailsChanged"
    assert changed.data == {
        "videoId": controls.VIDEO_ID,
        "title": controls.NEW_TITLE,
        "description": controls.NEW_DESCRIPTION,
    }
    assert changed.metadata["userId"] == controls.USER_ID
    assert changed.metadata["causationMessageGlobalPosition"] == command.global_position


def test_handled_twice_changes_once(store: MessageStore) -> None:
    stored(store, controls.started_example())
    command = stored(store, controls.change_details_example())

    handle_change_details(command, store=store)
    handle_change_details(command, store=store)

    assert [event.type for event in events(store)] == ["Started", "DetailsChanged"]


def test_someone_else_is_refused(store: MessageStore) -> None:
    stored(store, controls.started_example())
    command = stored(store, controls.change_details_example(user_id=controls.OTHER_USER_ID))

    handle_change_details(command, store=store)

    refused = events(store)[-1]
    assert refused.type == "CommandRefused"
    assert refused.data["command"] == "ChangeDetails"
    assert refused.data["reason"] == "only the video's owner or staff may do this"
    assert "DetailsChanged" not in [event.type for event in events(store)]


def test_a_command_without_a_sender_is_refused(store: MessageStore) -> None:
    stored(store, controls.started_example())
    command = stored(store, controls.change_details_example(user_id=""))

    handle_change_details(command, store=store)

    assert events(store)[-1].type == "CommandRefused"


def test_staff_may_change_anyones_details(store: MessageStore, django_user_model) -> None:
    staff = django_user_model.objects.create_user("moderator", is_staff=True)
    stored(store, controls.started_example())
    command = stored(store, controls.change_details_example(user_id=str(staff.pk)))

    handle_change_details(command, store=store)

    assert events(store)[-1].type == "DetailsChanged"


def test_a_deleted_video_is_not_changed(store: MessageStore) -> None:
    stored(store, controls.started_example())
    handle_delete(stored(store, controls.delete_example()), store=store)

    handle_change_details(stored(store, controls.change_details_example()), store=store)

    refused = events(store)[-1]
    assert refused.type == "CommandRefused"
    assert refused.data["reason"] == "the video is deleted"


@pytest.mark.parametrize(
    ("title", "description", "reason"),
    [
        ("   ", "", "the title is empty"),
        ("x" * 201, "", "the title is longer than 200 characters"),
        ("Fine", "y" * 5001, "the description is longer than 5000 characters"),
    ],
)
def test_details_over_the_limits_are_refused(
    store: MessageStore, title: str, description: str, reason: str
) -> None:
    stored(store, controls.started_example())
    command = controls.change_details_example(title=title, description=description)

    handle_change_details(stored(store, command), store=store)

    refused = events(store)[-1]
    assert refused.type == "CommandRefused"
    assert refused.data["reason"] == reason


def test_a_video_that_was_never_started_is_parked(store: MessageStore) -> None:
    command = stored(store, controls.change_details_example())

    with pytest.raises(MalformedMessageError, match="there is no video"):
        handle_change_details(command, store=store)

    assert store.stream_version(STREAM) is None
