"""Plain URLs (`AWS_QUERYSTRING_AUTH=false`, a public-read bucket or a CDN): the files of public
and unlisted videos are readable by anyone, by plain URLs; a private video's never are: the
catalog takes their public-read ACL away when the video becomes private (and never gives it to
an upload), and its page, for owner and staff only, signs every URL as in the default mode."""

from __future__ import annotations

import io

import pytest
import requests
from django.core.management import call_command

from catalog import component, messages
from message_store.messages import NewMessage, new_id
from message_store.store import MessageStore
from tests.object_storage import S3Bucket
from tests.web.conftest import make_video

pytestmark = pytest.mark.django_db(transaction=True)

VIDEO_ID = "b7000000-0000-4000-8000-000000000001"
FOLDER = "videos/b7000000-0000-4000-8000-0000000000f1"
SOURCE = f"uploads/{VIDEO_ID}/original-00000000.mp4"
CAPTIONS = "captions/b7000000-0000-4000-8000-0000000000c1.vtt"
MEDIA = [
    f"{FOLDER}/master.m3u8",
    f"{FOLDER}/240p/index.m3u8",
    f"{FOLDER}/240p/init_0.mp4",
    f"{FOLDER}/240p/segment0000.m4s",
    f"{FOLDER}/web.mp4",
    f"{FOLDER}/poster.jpg",
    CAPTIONS,
]


@pytest.fixture
def public_s3(s3: S3Bucket, settings) -> S3Bucket:
    options = {**settings.STORAGES["default"]["OPTIONS"], "querystring_auth": False}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"],
                                                         "OPTIONS": options}}  # fmt: skip
    for key in [SOURCE, *MEDIA]:
        s3.put(key, b"#EXTM3U\n240p/index.m3u8\n" if key.endswith("master.m3u8") else b"bytes")
    return s3


def catalog_events():
    [events] = [s for s in component.subscriptions() if s.subscriber_id == "catalog-events"]
    return events.handlers


def record(store: MessageStore, event) -> None:
    """Write one of the catalog's events and handle it as the catalog's consumer would."""
    stream = messages.entity_stream(VIDEO_ID)
    store.write(
        NewMessage(
            id=new_id(),
            stream_name=stream,
            type=event.type_name,
            data=event.to_data(),
            metadata={"traceId": "trace-public-1"},
        )
    )
    message = store.read_last(stream)
    catalog_events()[message.type](message, store=store)


def process(store: MessageStore, visibility: str) -> None:
    record(store, messages.Started(video_id=VIDEO_ID, uri=SOURCE, visibility=visibility))
    record(
        store,
        messages.Transcoded(
            video_id=VIDEO_ID,
            transcode_id="b7000000-0000-4000-8000-0000000000f1",
            transcoded_uri=f"{FOLDER}/web.mp4",
            poster_uri=f"{FOLDER}/poster.jpg",
            playlist_uri=f"{FOLDER}/master.m3u8",
            renditions=[{"width": 426, "height": 240, "bandwidth": 1, "playlistUri": MEDIA[1]}],
        ),
    )
    record(
        store,
        messages.Transcribed(
            video_id=VIDEO_ID,
            transcribe_id="b7000000-0000-4000-8000-0000000000c1",
            captions_uri=CAPTIONS,
            transcription="hello",
        ),
    )


def anyone_reads(s3: S3Bucket) -> dict[str, int]:
    return {key: requests.get(s3.url(key), timeout=10).status_code for key in [SOURCE, *MEDIA]}


def everything(status: int) -> dict[str, int]:
    return {SOURCE: 403, **dict.fromkeys(MEDIA, status)}


def test_a_public_videos_files_are_readable_by_anyone_but_its_upload(
    store: MessageStore, public_s3: S3Bucket
) -> None:
    process(store, "public")

    assert anyone_reads(public_s3) == everything(200)


def test_a_private_video_keeps_its_files_private(store, public_s3: S3Bucket) -> None:
    process(store, "private")

    assert anyone_reads(public_s3) == everything(403)


def test_access_follows_the_visibility(store: MessageStore, public_s3: S3Bucket) -> None:
    process(store, "public")

    record(store, messages.VisibilityChanged(video_id=VIDEO_ID, visibility="private"))
    private = anyone_reads(public_s3)
    record(store, messages.VisibilityChanged(video_id=VIDEO_ID, visibility="unlisted"))
    unlisted = anyone_reads(public_s3)

    assert private == everything(403)
    assert unlisted == everything(200)


def test_with_presigned_urls_nothing_is_ever_public(store: MessageStore, s3: S3Bucket) -> None:
    for key in [SOURCE, *MEDIA]:
        s3.put(key, b"bytes")

    process(store, "public")

    assert anyone_reads(s3) == everything(403)


def page_video(**fields):
    return make_video(
        video_name=f"{FOLDER}/web.mp4",
        playlist_name=f"{FOLDER}/master.m3u8",
        renditions=[{"width": 426, "height": 240, "bandwidth": 1, "playlist_name": MEDIA[1]}],
        poster_name=f"{FOLDER}/poster.jpg",
        captions_name=CAPTIONS,
        segments=[{"start": 0.0, "end": 1.0, "text": "hello"}],
        **fields,
    )


def test_a_public_videos_page_gives_plain_urls(client, public_s3: S3Bucket) -> None:
    video = page_video()

    page = client.get(f"/videos/{video.id}/").content.decode()

    for key in MEDIA[0], MEDIA[4], MEDIA[5], CAPTIONS:
        assert f'"{public_s3.url(key)}"' in page, key
    assert "X-Amz-Signature" in page  # the download link only, for its file name


def test_a_private_videos_page_signs_for_its_owner_only(
    client, user, other_user, public_s3: S3Bucket
) -> None:
    video = page_video(owner=user, visibility="private")

    refused = client.get(f"/videos/{video.id}/").status_code
    client.force_login(user)
    page = client.get(f"/videos/{video.id}/").content.decode()

    assert refused == 404
    assert f'<source src="/videos/{video.id}/hls/master.m3u8"' in page
    for key in MEDIA[4], MEDIA[5], CAPTIONS:
        assert f'"{public_s3.url(key)}?' in page, key  # signed
        assert f'"{public_s3.url(key)}"' not in page, key


def test_media_access_sets_the_files_of_videos_stored_before_the_switch(
    store: MessageStore, s3: S3Bucket, settings
) -> None:
    for key in [SOURCE, *MEDIA]:
        s3.put(key, b"bytes")
    process(store, "public")  # with presigned URLs: all private
    options = {**settings.STORAGES["default"]["OPTIONS"], "querystring_auth": False}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"],
                                                         "OPTIONS": options}}  # fmt: skip
    output = io.StringIO()

    call_command("media_access", stdout=output)

    assert anyone_reads(s3) == everything(200)
    assert output.getvalue().strip().endswith("1 videos, 7 files set")
