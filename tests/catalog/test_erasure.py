"""After `Deleted`: the video's files leave the storage and what its owner wrote or said leaves
every stream of the video and the parked messages, positions intact; `Erased` records it. A job
that was still running when the video was deleted never brings it back."""

from __future__ import annotations

import pytest

import transcode.messages as transcode_messages
import transcribe.messages as transcribe_messages
from catalog import messages
from catalog.erasure import video_streams
from catalog.handlers import handle_job_transcoded
from catalog.owner import handle_delete, handle_deleted
from message_store.messages import NewMessage, derived_id
from message_store.models import ParkedMessage
from message_store.parking import park
from message_store.store import MessageStore
from tests.catalog import controls
from tests.consumers.controls import stored

WORD = "zanzibarquux"
VIDEO_ID = controls.VIDEO_ID
OTHER_VIDEO_ID = controls.video_id_example(2)
TRANSCODE_ID = messages.transcode_id(VIDEO_ID)
TRANSCRIBE_ID = messages.transcribe_id(VIDEO_ID)
SOURCE = f"uploads/{VIDEO_ID}/original.mp4"
WEB = f"videos/{TRANSCODE_ID}/web.mp4"
POSTER = f"videos/{TRANSCODE_ID}/poster.jpg"
SEGMENT = f"videos/{TRANSCODE_ID}/hls/360p/segment0.m4s"
CAPTIONS = f"captions/{TRANSCRIBE_ID}.vtt"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for name in (SOURCE, WEB, POSTER, SEGMENT, CAPTIONS, f"uploads/{OTHER_VIDEO_ID}/original.mp4"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{WEB} {WORD}")
    return tmp_path


def write(store: MessageStore, stream: str, kind: str, data: dict, **metadata) -> None:
    store.write(
        NewMessage(
            id=derived_id("erasure-test", stream, kind),
            stream_name=stream,
            type=kind,
            data=data,
            metadata={"traceId": "trace-1", "userId": controls.USER_ID, **metadata},
        )
    )


@pytest.fixture
def video(store: MessageStore, media_root):
    """A finished video whose title, description, transcript and files carry WORD."""
    said = f"we say {WORD} out loud"
    origin = {"originStreamName": messages.entity_stream(VIDEO_ID)}
    details = {"title": f"Title {WORD}", "description": f"About {WORD}"}
    write(
        store,
        messages.command_stream(VIDEO_ID),
        "Catalog",
        {"videoId": VIDEO_ID, "uri": SOURCE, **details},
    )
    write(
        store,
        messages.entity_stream(VIDEO_ID),
        "Started",
        {"videoId": VIDEO_ID, "uri": SOURCE, "ownerId": controls.USER_ID, **details},
    )
    write(
        store,
        transcode_messages.command_stream(TRANSCODE_ID),
        "Transcode",
        {"transcodeId": TRANSCODE_ID, "uri": SOURCE},
        **origin,
    )
    transcoded = {
        "uri": SOURCE,
        "transcodedUri": WEB,
        "posterUri": POSTER,
        "durationSeconds": 3.0,
        "width": 160,
        "height": 90,
    }
    write(
        store,
        transcode_messages.entity_stream(TRANSCODE_ID),
        "Transcoded",
        {"transcodeId": TRANSCODE_ID, **transcoded},
        **origin,
    )
    write(
        store,
        messages.entity_stream(VIDEO_ID),
        "Transcoded",
        {"videoId": VIDEO_ID, "transcodeId": TRANSCODE_ID, **transcoded},
    )
    write(
        store,
        transcribe_messages.command_stream(TRANSCRIBE_ID),
        "Transcribe",
        {"transcribeId": TRANSCRIBE_ID, "uri": SOURCE},
        **origin,
    )
    transcribed = {
        "uri": SOURCE,
        "transcription": said,
        "captionsUri": CAPTIONS,
        "segments": [{"start": 0.5, "end": 2.0, "text": said}],
    }
    write(
        store,
        transcribe_messages.entity_stream(TRANSCRIBE_ID),
        "Transcribed",
        {"transcribeId": TRANSCRIBE_ID, **transcribed},
        **origin,
    )
    write(
        store,
        messages.entity_stream(VIDEO_ID),
        "Transcribed",
        {"videoId": VIDEO_ID, "transcribeId": TRANSCRIBE_ID, **transcribed},
    )
    write(store, messages.entity_stream(VIDEO_ID), "Cataloged", {"videoId": VIDEO_ID})
    write(
        store,
        messages.command_stream(VIDEO_ID),
        "ChangeDetails",
        {"videoId": VIDEO_ID, "title": f"New {WORD}", "description": ""},
    )
    write(
        store,
        messages.entity_stream(OTHER_VIDEO_ID),
        "Started",
        {"videoId": OTHER_VIDEO_ID, "uri": "x.mp4", "title": f"Someone else's {WORD}"},
    )
    broken = store.read(messages.entity_stream(VIDEO_ID))[2]
    park(subscriber_id="videos-aggregator", message=broken, error=f"bad {WORD}", attempts=3)
    return store


def delete(store: MessageStore) -> None:
    handle_delete(stored(store, controls.delete_example()), store=store)
    deleted = store.read_last(messages.entity_stream(VIDEO_ID))
    handle_deleted(deleted, store=store)


def rows_with_the_word(store: MessageStore) -> list[tuple]:
    with store.connection() as connection:
        return connection.execute(
            "SELECT stream_name, type FROM message_store.messages"
            " WHERE data::text ILIKE %s OR metadata::text ILIKE %s",
            (f"%{WORD}%", f"%{WORD}%"),
        ).fetchall()


def snapshot(store: MessageStore) -> list[tuple]:
    with store.connection() as connection:
        return connection.execute(
            "SELECT global_position, stream_name, position, type, id, time"
            " FROM message_store.messages ORDER BY global_position"
        ).fetchall()


def test_the_files_are_removed(video, media_root) -> None:
    delete(video)

    left = sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())
    assert left == [f"uploads/{OTHER_VIDEO_ID}/original.mp4"]
    assert not (media_root / "videos" / TRANSCODE_ID).exists()


def test_the_words_leave_the_store_but_the_positions_stay(video) -> None:
    before = snapshot(video)

    delete(video)

    after = snapshot(video)
    assert after[: len(before)] == before
    assert [row[3] for row in after[len(before) :]] == ["Delete", "Deleted", "Erased"]
    assert rows_with_the_word(video) == [
        (messages.entity_stream(OTHER_VIDEO_ID), "Started")  # another video keeps its words
    ]


def test_erased_messages_keep_their_identifiers_and_say_so(video) -> None:
    delete(video)

    started = video.read(messages.entity_stream(VIDEO_ID))[0]
    assert started.type == "Started"
    assert started.data == {"videoId": VIDEO_ID, "ownerId": controls.USER_ID}
    assert started.metadata["traceId"] == "trace-1"
    assert isinstance(started.metadata["erasedAt"], str)
    deleted = video.read_last(messages.entity_stream(VIDEO_ID), "Deleted")
    assert "erasedAt" not in deleted.metadata  # nothing to erase: readers still see it


def test_every_stream_of_the_video_is_still_readable_by_message_db_functions(video) -> None:
    delete(video)

    with video.connection() as connection:
        for stream in video_streams(VIDEO_ID):
            rows = connection.execute(
                "SELECT position FROM message_store.get_stream_messages(%s)", (stream,)
            ).fetchall()
            assert [row[0] for row in rows] == list(range(len(rows)))
            assert rows
        category = connection.execute(
            "SELECT count(*) FROM message_store.get_category_messages('catalog')"
        ).fetchone()[0]
    assert category == 7  # 4 of the process, Deleted, Erased, the other video's Started


def test_parked_copies_are_erased(video) -> None:
    delete(video)

    parked = ParkedMessage.objects.get()
    assert WORD not in str(parked.data) + str(parked.metadata) + parked.error
    assert parked.data == {"videoId": VIDEO_ID, "transcribeId": TRANSCRIBE_ID}


def test_erased_once(video) -> None:
    delete(video)
    deleted = video.read_last(messages.entity_stream(VIDEO_ID), "Deleted")

    handle_deleted(deleted, store=video)

    erased = video.read_last(messages.entity_stream(VIDEO_ID), "Erased")
    types = [m.type for m in video.read(messages.entity_stream(VIDEO_ID))]
    assert types.count("Erased") == 1
    assert erased.data["messages"] == 9
    assert erased.data["files"] == 5


def test_a_late_transcoded_never_brings_the_video_back(store: MessageStore, media_root) -> None:
    stored(store, controls.started_example())
    delete(store)
    late_file = media_root / controls.VIDEO_URI
    late_file.parent.mkdir(parents=True, exist_ok=True)
    late_file.write_text(WORD)

    handle_job_transcoded(stored(store, controls.job_transcoded_example()), store=store)

    types = [m.type for m in store.read(messages.entity_stream(VIDEO_ID))]
    assert types == ["Started", "Deleted", "Erased"]
    assert not late_file.exists()
    reply = store.read(transcode_messages.entity_stream(TRANSCODE_ID))[0]
    assert reply.data == {"transcodeId": TRANSCODE_ID}
