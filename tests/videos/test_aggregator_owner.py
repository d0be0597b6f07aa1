"""The owner's events in the view data: details and visibility change a row without moving its
step; `Deleted` clears everything a person wrote or said; the transcript's cues follow the row."""

import pytest

from message_store.contracts import MalformedMessageError
from tests.videos import controls
from tests.videos.conftest import deliver, snapshot
from videos.models import SearchEntry, TranscriptCue, Video

pytestmark = pytest.mark.django_db

SEGMENTS = [
    {"start": 0.0, "end": 1.5, "text": "hello world"},
    {"start": 1.5, "end": 3.25, "text": "this is a test"},
]


def details_changed(*, global_position: int, **data):
    body = {"videoId": controls.VIDEO_ID, "title": "New title", "description": "Line 1\nLine 2"}
    return controls.message("DetailsChanged", {**body, **data}, global_position=global_position)


def visibility_changed(visibility: str, *, global_position: int):
    body = {"videoId": controls.VIDEO_ID, "visibility": visibility}
    return controls.message("VisibilityChanged", body, global_position=global_position)


def deleted(*, global_position: int):
    return controls.message(
        "Deleted", {"videoId": controls.VIDEO_ID}, global_position=global_position
    )


def test_details_and_visibility_come_with_the_upload():
    deliver(controls.catalog(description="About it", visibility="unlisted"))

    row = snapshot(controls.VIDEO_ID)
    assert (row["description"], row["visibility"]) == ("About it", "unlisted")
    assert row["trace_id"] == controls.TRACE_ID


def test_new_details_keep_the_step():
    for message in controls.happy_path()[:3]:
        deliver(message)

    deliver(details_changed(global_position=10))

    row = snapshot(controls.VIDEO_ID)
    assert (row["title"], row["description"]) == ("New title", "Line 1\nLine 2")
    assert row["status"] == Video.Status.TRANSCODED
    assert row["step_at"] == controls.happy_path()[2].time


def test_visibility_changes():
    for message in controls.happy_path():
        deliver(message)

    deliver(visibility_changed("private", global_position=10))

    assert snapshot(controls.VIDEO_ID)["visibility"] == "private"
    assert snapshot(controls.VIDEO_ID)["status"] == Video.Status.CATALOGED


def test_an_unknown_visibility_is_malformed():
    with pytest.raises(MalformedMessageError, match="visibility"):
        deliver(visibility_changed("everyone", global_position=10))


def test_the_transcript_cues_follow_the_segments():
    deliver(controls.transcribed(segments=SEGMENTS))

    cues = list(TranscriptCue.objects.values_list("position", "start", "end", "text"))
    assert cues == [(0, 0.0, 1.5, "hello world"), (1, 1.5, 3.25, "this is a test")]
    assert Video.objects.get(pk=controls.VIDEO_ID).cues[1]["clock"] == "0:01"


@pytest.mark.parametrize(
    "segments",
    [
        [{"start": "0", "end": 1, "text": "x"}],
        [{"start": 2, "end": 1, "text": "x"}],
        [{"start": 0, "end": 1}],
        ["hello"],
        [{"start": float("nan"), "end": 1, "text": "x"}],
    ],
)
def test_bad_segments_are_malformed(segments):
    with pytest.raises(MalformedMessageError, match="segment 0"):
        deliver(controls.transcribed(segments=segments))


def test_deleted_clears_what_a_person_wrote_or_said():
    for message in controls.happy_path():
        deliver(message)
    deliver(controls.transcribed(global_position=6, segments=SEGMENTS))

    deliver(deleted(global_position=20))

    row = snapshot(controls.VIDEO_ID)
    assert row["status"] == Video.Status.DELETED
    for column in ("title", "description", "transcript", "source_name", "video_name",
                   "poster_name", "captions_name", "failure_reason"):  # fmt: skip
        assert row[column] == "", column
    assert row["segments"] == []
    assert not TranscriptCue.objects.exists()
    assert not SearchEntry.objects.exists()


def test_nothing_older_than_deleted_comes_back():
    deliver(controls.catalog())
    deliver(deleted(global_position=20))

    for message in controls.happy_path()[1:]:
        deliver(message)

    row = snapshot(controls.VIDEO_ID)
    assert row["status"] == Video.Status.DELETED
    assert row["title"] == ""


def test_a_rebuild_after_erasure_gives_the_deleted_row(store):
    from catalog.erasure import KEPT_KEYS
    from message_store.erasure import erase_streams
    from videos.rebuild import rebuild_videos

    path = [*controls.happy_path()[:3], controls.transcribed(segments=SEGMENTS)]
    store.write_batch([controls.as_new(message) for message in path])
    store.write(controls.as_new(deleted(global_position=20)))
    erase_streams(store, [f"catalog-{controls.VIDEO_ID}", f"catalog:command-{controls.VIDEO_ID}"],
                  keep=KEPT_KEYS)  # fmt: skip

    result = rebuild_videos(store=store)

    row = snapshot(controls.VIDEO_ID)
    assert result.skipped == 0
    assert row["status"] == Video.Status.DELETED
    assert (row["title"], row["transcript"], row["source_name"]) == ("", "", "")
    assert not TranscriptCue.objects.exists()
