"""`rebuild_videos` recomputes the view data from the store, without emptying the table."""

import io

import pytest
from django.core.management import call_command

from catalog import messages
from message_store.messages import NewMessage
from tests.videos import controls
from tests.videos.conftest import deliver, snapshot
from videos.models import Tracking, Video
from videos.rebuild import rebuild_videos

OTHER = controls.OTHER_VIDEO_ID
NOW = controls.TIME


def write_happy_path(store, video_id: str) -> None:
    store.write_batch([controls.as_new(message) for message in controls.happy_path(video_id)])


def test_rebuild_creates_the_rows_from_the_store(store):
    write_happy_path(store, controls.VIDEO_ID)
    store.write(controls.as_new(controls.catalog(video_id=OTHER)))

    result = rebuild_videos(store=store, batch_size=2)

    assert result.messages == 6
    assert result.videos == 2
    assert snapshot(controls.VIDEO_ID)["status"] == "cataloged"
    assert snapshot(controls.VIDEO_ID)["transcript"] == controls.TRANSCRIPT
    assert snapshot(OTHER)["status"] == "queued"


def test_rebuild_repairs_rows_and_gives_what_live_handling_gave(store):
    write_happy_path(store, controls.VIDEO_ID)
    for message in store.read(messages.CATEGORY) + store.read(messages.COMMAND_CATEGORY):
        deliver(message)
    live = snapshot(controls.VIDEO_ID)
    Video.objects.update(title="vandalised", transcript="", status="failed")

    rebuild_videos(store=store)

    assert snapshot(controls.VIDEO_ID) == live


def test_rebuild_twice_changes_nothing(store):
    write_happy_path(store, controls.VIDEO_ID)
    rebuild_videos(store=store)
    first = snapshot(controls.VIDEO_ID)

    result = rebuild_videos(store=store)

    assert snapshot(controls.VIDEO_ID) == first
    assert result.removed == 0


def test_rebuild_removes_rows_the_store_no_longer_backs(store):
    write_happy_path(store, controls.VIDEO_ID)
    deliver(controls.catalog(video_id=OTHER, global_position=1))

    result = rebuild_videos(store=store)

    assert result.removed == 1
    assert Video.objects.count() == 1


def test_rebuild_keeps_rows_newer_than_what_it_read(store):
    """A row the live aggregator wrote after the rebuild's horizon is not the rebuild's to drop."""
    write_happy_path(store, controls.VIDEO_ID)
    deliver(controls.catalog(video_id=OTHER, global_position=10_000))

    rebuild_videos(store=store, remove_orphans=True)

    assert snapshot(OTHER)["status"] == "queued"


def test_rebuild_skips_malformed_messages(store):
    store.write(
        NewMessage(
            stream_name=messages.entity_stream(controls.VIDEO_ID),
            type="Started",
            data={"videoId": controls.VIDEO_ID},
            id=controls.catalog().id,
        )
    )
    write_happy_path(store, OTHER)

    result = rebuild_videos(store=store)

    assert result.skipped == 1
    assert not Video.objects.filter(pk=controls.VIDEO_ID).exists()
    assert snapshot(OTHER)["status"] == "cataloged"


def test_the_command_shows_progress_and_a_summary(store):
    write_happy_path(store, controls.VIDEO_ID)
    out, err = io.StringIO(), io.StringIO()

    call_command("rebuild_videos", "--batch-size", "2", stdout=out, stderr=err)

    assert "Rebuilt 1 videos from 5 messages" in out.getvalue()
    assert "100%|" in err.getvalue()
    assert "5/5" in err.getvalue()
    assert snapshot(controls.VIDEO_ID)["status"] == "cataloged"


def test_the_command_on_an_empty_store_empties_nothing_it_should_keep(store):
    out = io.StringIO()

    call_command("rebuild_videos", "--no-progress", stdout=out, stderr=io.StringIO())

    assert "Rebuilt 0 videos from 0 messages" in out.getvalue()


@pytest.mark.parametrize("size", ["0", "-5"])
def test_the_command_refuses_a_bad_batch_size(store, size):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rebuild_videos", "--batch-size", size, stdout=io.StringIO())


def test_rebuild_moves_the_aggregators_tracking_rows_to_what_it_read(store):
    write_happy_path(store, controls.VIDEO_ID)
    Tracking.objects.create(subscriber_id="videos-aggregator+1of2", position=1, updated_at=NOW)
    Tracking.objects.create(subscriber_id="videos-aggregator-commands", position=99, updated_at=NOW)
    horizon = store.read("$all", batch_size=-1)[-1].global_position

    rebuild_videos(store=store)

    assert dict(Tracking.objects.values_list("subscriber_id", "position")) == {
        "videos-aggregator": horizon,
        "videos-aggregator+1of2": horizon,
        "videos-aggregator-commands": 99,  # ahead of the rebuild: left where it is
    }


def test_an_owner_id_too_large_for_the_column_finds_no_owner_and_fails_nothing(store):
    command = controls.catalog(metadata={"traceId": controls.TRACE_ID, "userId": str(2**40)})
    store.write(controls.as_new(command))

    rebuild_videos(store=store)

    assert snapshot(controls.VIDEO_ID)["owner_id"] is None
