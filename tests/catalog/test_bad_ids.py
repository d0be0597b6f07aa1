"""Bad ids never travel: a `Catalog` (or another writer's `Started`) whose videoId is not a UUID
or whose source is not a storage name of ours is parked with its reason at the catalog, before
any job starts, and nothing reaches the view; the same with simulated and with real media."""

from __future__ import annotations

import pytest

import catalog.component
import transcode.component
import transcribe.component
import videos.component
from message_store.consumer import Consumer
from message_store.store import MessageStore
from message_store.streams import ALL
from tests.consumers.controls import parked, settings_example, write_raw
from videos.models import Video

VIDEO_ID = "ba000000-0000-4000-8000-000000000001"
GOOD_SOURCE = f"uploads/{VIDEO_ID}/original.mp4"
SUBSCRIPTIONS = [
    s
    for module in (catalog.component, transcode.component, transcribe.component, videos.component)
    for s in module.subscriptions()
]

BAD_CATALOGS = {
    # name: (video id, uri or data, words of the reason)
    "video id not a UUID": ("not-a-uuid", GOOD_SOURCE, "'videoId' 'not-a-uuid' is not a UUID"),
    "video id not canonical": (VIDEO_ID.upper(), GOOD_SOURCE, "is not a UUID (lowercase"),
    "video id a path": ("../../x", GOOD_SOURCE, "is not a UUID"),
    "source leaves the storage": (VIDEO_ID, "../../etc/passwd", "it is absolute, leaves the"),
    "source absolute": (VIDEO_ID, "/etc/passwd", "it is absolute, leaves the storage"),
    "source a URL": (VIDEO_ID, "https://example.com/v.mp4", "it is a URL, and the catalog"),
    "source a file URL": (VIDEO_ID, "file:///etc/passwd", "it is a URL"),
    "source with backslashes": (VIDEO_ID, "uploads\\..\\..\\x.mp4", "it contains a backslash"),
    "source with a control character": (VIDEO_ID, "uploads/a\nb.mp4", "control characters"),
    "source a folder": (VIDEO_ID, "uploads/", "names no file"),
    "data not an object": (VIDEO_ID, ["a", "list"], "data is not an object (JSON array)"),
}


def write_catalog(store: MessageStore, n: int, video_id: str, uri) -> str:
    message_id = f"bad00000-0000-4000-8000-{n:012d}"
    data = uri if isinstance(uri, list) else {"videoId": video_id, "uri": uri, "title": "t"}
    write_raw(
        store,
        message_id=message_id,
        stream_name=f"catalog:command-{video_id}",
        type="Catalog",
        data=data,
        metadata={"traceId": f"trace-{n}", "userId": "1"},
    )
    return message_id


@pytest.mark.parametrize("simulated", [True, False], ids=["simulated media", "real media"])
def test_bad_catalogs_are_parked_at_the_catalog_and_start_nothing(
    store: MessageStore, settings, tmp_path, simulated: bool
) -> None:
    settings.SIMULATED_MEDIA = simulated
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ids = {
        write_catalog(store, n, video_id, uri): (name, reason)
        for n, (name, (video_id, uri, reason)) in enumerate(BAD_CATALOGS.items(), start=1)
    }
    before = store.read(ALL, batch_size=-1)

    Consumer(SUBSCRIPTIONS, store=store, settings=settings_example()).run(until_idle=True)

    at_catalog = {str(row.message_id): row.error for row in parked("catalog-commands")}
    assert set(at_catalog) == set(ids)
    for message_id, (name, reason) in ids.items():
        assert reason in at_catalog[message_id], name
        assert at_catalog[message_id].startswith(f"malformed message: Catalog {message_id}")
    written = [m for m in store.read(ALL, batch_size=-1) if m not in before]
    assert {m.stream_name.split("-", 1)[0] for m in written} <= {"subscriberPosition"}
    assert not Video.objects.exists()


def test_another_writers_started_with_a_bad_source_starts_no_job(store: MessageStore, settings):
    settings.SIMULATED_MEDIA = True
    write_raw(
        store,
        message_id="bad00000-0000-4000-8000-0000000000aa",
        stream_name=f"catalog-{VIDEO_ID}",
        type="Started",
        data={"videoId": VIDEO_ID, "uri": "https://example.com/v.mp4"},
        metadata={"traceId": "t"},
    )

    Consumer(SUBSCRIPTIONS, store=store, settings=settings_example()).run(until_idle=True)

    assert {row.subscriber_id for row in parked()} == {"catalog-events", "videos-aggregator"}
    assert store.read("transcode:command") == []
    assert not Video.objects.exists()
