"""The workshop's catalog writes into our videos' streams the same event types as ours, with
less in them. Its `Cataloged` (written once its own transcode answered with a YouTube URL) makes
no video Ready before it has a video to play, and a later good `Transcoded` completes it; its
`Started` (no title, owner, description or visibility) wipes none of ours, whether it comes
after ours or before; its copies of our outcomes (no poster, playlist or captions) are completed
by ours, and never wipe them."""

from __future__ import annotations

import pytest

from catalog import messages
from catalog.projection import projection
from message_store.messages import NewMessage
from message_store.store import MessageStore
from tests.consumers.controls import parked
from tests.workshop import controls
from tests.workshop.controls import EVERY_SUBSCRIBER, run_ours
from tests.workshop.double import TRANSCRIPTION, YOUTUBE_URI
from videos.models import Video

VIDEO_ID = controls.VIDEO_ID
STREAM = controls.catalog_stream()


@pytest.fixture(autouse=True)
def simulated_media(settings, tmp_path):
    settings.SIMULATED_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", password="a-long-password-1")


def our_upload(owner) -> NewMessage:
    command = messages.Catalog(
        video_id=VIDEO_ID,
        uri=controls.SOURCE_URI,
        title="Our title",
        description="Our words",
        visibility=messages.PRIVATE,
    )
    return NewMessage(
        id=controls.shape_id(100),
        stream_name=messages.command_stream(VIDEO_ID),
        type=command.type_name,
        data=command.to_data(),
        metadata={"traceId": controls.TRACE_ID, "userId": str(owner.pk)},
    )


def types(store: MessageStore) -> list[str]:
    return [m.type for m in store.read_stream(STREAM)]


def row() -> Video:
    return Video.objects.get(pk=VIDEO_ID)


def test_a_foreign_cataloged_makes_nothing_ready_until_a_good_transcoded(store):
    for shape in (
        controls.v0_started(),
        controls.v0_transcoded_copy(transcoded_uri=YOUTUBE_URI),
        controls.v0_transcribed_copy(transcription=TRANSCRIPTION),
        controls.v0_cataloged(),
    ):
        shape.write(store)

    run_ours(store, "catalog-events", "videos-aggregator")

    assert (row().status, row().is_ready, row().video_name) == ("transcribed", False, "")
    assert not store.fetch(STREAM, projection)[0].finished
    assert types(store) == ["Started", "Transcoded", "Transcribed", "Cataloged"]

    controls.v0_transcoded(transcode_id=messages.transcode_id(VIDEO_ID)).write(store)
    run_ours(store, "catalog-transcode-events", "catalog-events", "videos-aggregator")

    assert types(store)[4:] == ["Transcoded", "Cataloged"]
    assert (row().status, row().is_playable) == ("cataloged", True)
    assert row().video_name == f"videos/{messages.transcode_id(VIDEO_ID)}/web.mp4"
    assert parked() == []


def test_a_foreign_started_after_ours_wipes_nothing(store, owner):
    store.write(our_upload(owner))
    run_ours(store, "catalog-commands", "videos-aggregator-commands")
    controls.v0_started(n=301).write(store)

    run_ours(store, *EVERY_SUBSCRIBER)

    video = row()
    assert (video.title, video.owner, video.description, video.visibility) == (
        "Our title",
        owner,
        "Our words",
        "private",
    )
    assert (video.status, video.trace_id) == ("cataloged", controls.TRACE_ID)
    assert store.fetch(STREAM, projection)[0].owner_id == str(owner.pk)


def test_our_started_follows_a_foreign_one_and_the_owner_keeps_the_video(store, owner):
    """The workshop's catalog handled the upload first: ours still records who owns it, so its
    owner's commands are accepted."""
    store.write(our_upload(owner))
    controls.v0_started(n=302).write(store)
    run_ours(store, *EVERY_SUBSCRIBER)

    assert types(store)[:2] == ["Started", "Started"]
    change = messages.ChangeDetails(video_id=VIDEO_ID, title="Renamed", description="")
    store.write(
        NewMessage(
            id=controls.shape_id(303),
            stream_name=messages.command_stream(VIDEO_ID),
            type=change.type_name,
            data=change.to_data(),
            metadata={"userId": str(owner.pk)},
        )
    )
    run_ours(store, *EVERY_SUBSCRIBER)

    assert "DetailsChanged" in types(store)
    assert "CommandRefused" not in types(store)
    video = row()
    assert (video.title, video.owner, video.visibility, video.status) == (
        "Renamed",
        owner,
        "private",
        "cataloged",
    )
    assert parked() == []


def test_a_copy_of_ours_without_poster_or_playlist_is_completed_by_ours(store):
    """The workshop's catalog copies our transcode's reply first, dropping every field it does
    not know: ours copies the reply too, and the view has the poster and the HLS ladder."""
    controls.v0_started().write(store)
    run_ours(store, "catalog-events", "transcode")
    [ours] = store.read("transcode", batch_size=-1)
    lossy = {key: ours.data[key] for key in ("transcodeId", "uri", "transcodedUri")}
    controls.Shape(
        controls.shape_id(304), STREAM, "Transcoded", {"videoId": VIDEO_ID, **lossy}, {}
    ).write(store)

    run_ours(store, *EVERY_SUBSCRIBER)

    video = row()
    assert (video.status, bool(video.poster_name), bool(video.playlist_name)) == (
        "cataloged",
        True,
        True,
    )
    assert video.captions_name


def test_a_lossy_copy_after_ours_wipes_nothing(store):
    controls.v0_started().write(store)
    run_ours(store, *EVERY_SUBSCRIBER)
    before = row()
    transcoded = store.read_last(STREAM, "Transcoded")
    transcribed = store.read_last(STREAM, "Transcribed")
    for n, (copy, keys) in enumerate(
        (
            (transcoded, ("videoId", "transcodeId", "uri", "transcodedUri")),
            (transcribed, ("videoId", "transcribeId", "uri", "transcription")),
        )
    ):
        data = {key: copy.data[key] for key in keys}
        controls.Shape(controls.shape_id(310 + n), STREAM, copy.type, data, {}).write(store)
    controls.v0_transcribed_copy(n=312, transcription=TRANSCRIPTION).write(store)

    run_ours(store, *EVERY_SUBSCRIBER)

    after = row()
    for column in ("poster_name", "playlist_name", "renditions", "duration_seconds", "width"):
        assert getattr(after, column) == getattr(before, column), column
    assert (after.transcript, after.captions_name, after.segments) == (
        before.transcript,
        before.captions_name,
        before.segments,
    )
    assert after.status == "cataloged"


def test_a_copy_written_into_a_deleted_videos_stream_is_erased_too(store, owner):
    """The workshop's catalog may copy an outcome (ours: the person's speech) into the stream
    of a video deleted meanwhile: our catalog erases it as well, and the view keeps nothing."""
    store.write(our_upload(owner))
    run_ours(store, *EVERY_SUBSCRIBER)
    delete = messages.Delete(video_id=VIDEO_ID)
    store.write(
        NewMessage(
            id=controls.shape_id(320),
            stream_name=messages.command_stream(VIDEO_ID),
            type=delete.type_name,
            data=delete.to_data(),
            metadata={"userId": str(owner.pk)},
        )
    )
    run_ours(store, *EVERY_SUBSCRIBER)
    controls.v0_transcribed_copy(n=321, transcription="the words of the person").write(store)

    run_ours(store, *EVERY_SUBSCRIBER)

    copy = store.read_last(STREAM, "Transcribed")
    assert copy.id == controls.shape_id(321)
    assert copy.data["transcription"] == ""
    assert "erasedAt" in copy.metadata
    assert (row().status, row().transcript) == ("deleted", "")
    assert parked() == []
