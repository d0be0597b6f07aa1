"""Deleting a video on object storage: every object of the video leaves the bucket, the ones
its events name and the ones under its folders (segments of every rendition, a second upload
attempt, files a late job wrote), and no other video's object, even one whose key starts with
the same characters."""

from __future__ import annotations

import pytest

from catalog.erasure import erase_video
from tests.catalog.test_erasure import (
    CAPTIONS,
    OTHER_VIDEO_ID,
    POSTER,
    SEGMENT,
    SOURCE,
    TRANSCODE_ID,
    VIDEO_ID,
    WEB,
    delete,
    video,
)
from tests.object_storage import S3Bucket

__all__ = ["video"]  # the fixture, with `media_root` below

NAMED = [SOURCE, WEB, POSTER, SEGMENT, CAPTIONS]
UNNAMED = [
    f"uploads/{VIDEO_ID}/original-0a1b2c3d.mp4",  # a resent form's copy
    f"videos/{TRANSCODE_ID}/hls/1080p/segment0007.m4s",
    f"videos/{TRANSCODE_ID}/hls/1080p/index.m3u8",
    f"videos/{TRANSCODE_ID}/master.m3u8",
]
OTHERS = [
    f"uploads/{OTHER_VIDEO_ID}/original.mp4",
    f"uploads/{VIDEO_ID}0/original.mp4",
    f"videos/{TRANSCODE_ID}-copy/web.mp4",
    f"{CAPTIONS}.bak",
]


@pytest.fixture
def media_root(s3: S3Bucket) -> S3Bucket:
    """The erasure test's files, in the bucket (the `video` fixture asks for this name)."""
    for key in NAMED + UNNAMED + OTHERS:
        s3.put(key, b"bytes")
    return s3


def test_every_object_of_the_video_leaves_the_bucket(video, media_root: S3Bucket) -> None:
    delete(video)

    assert media_root.object_keys() == sorted(OTHERS)
    erased = video.read_last(f"catalog-{VIDEO_ID}", "Erased")
    assert erased.data["files"] == len(NAMED + UNNAMED)


def test_erasing_again_finds_nothing_more(video, media_root: S3Bucket) -> None:
    delete(video)
    media_root.put(f"videos/{TRANSCODE_ID}/late.mp4", b"written by a job after the delete")

    result = erase_video(video, VIDEO_ID, [])

    assert result.files == 1
    assert media_root.object_keys() == sorted(OTHERS)
