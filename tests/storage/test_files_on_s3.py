"""`transcode.files` on object storage: files stream down into a scratch folder that goes away,
folders are key prefixes (removed whole, and never a neighbour sharing the first letters),
stored files carry the content types players require."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.object_storage import S3Bucket
from transcode import files
from transcode.ffmpeg import MediaError

CONTENT = bytes(range(256)) * 4096  # 1 MiB


def test_a_local_copy_is_downloaded_and_removed_after(s3: S3Bucket) -> None:
    s3.put("uploads/v1/original.mp4", CONTENT)

    with files.local_copy("uploads/v1/original.mp4") as local:
        copied = local.read_bytes()
        folder = local.parent

    assert copied == CONTENT
    assert local.suffix == ".mp4"
    assert folder.name.startswith(files.SCRATCH_PREFIX)
    assert not folder.exists()


def test_a_local_copy_is_removed_when_the_block_fails(s3: S3Bucket) -> None:
    s3.put("uploads/v1/original.mp4", CONTENT)

    with pytest.raises(RuntimeError), files.local_copy("uploads/v1/original.mp4") as local:
        raise RuntimeError("ffmpeg went wrong")

    assert not local.parent.exists()


def test_a_missing_file_is_a_media_error(s3: S3Bucket) -> None:
    with pytest.raises(MediaError, match="no longer stored"), files.local_copy("uploads/gone.mp4"):
        pass


def test_a_missing_bucket_is_not_a_missing_file(s3: S3Bucket) -> None:
    s3.client().delete_bucket(Bucket=s3.name)

    with pytest.raises(files.StorageUnavailable) as raised, files.local_copy("uploads/a.mp4"):
        pass

    assert raised.value.reason == "the bucket 'media' does not exist"


def test_a_folder_is_stored_with_the_types_players_require(s3: S3Bucket, tmp_path: Path) -> None:
    made = {
        "master.m3u8": b"#EXTM3U\n",
        "360p/index.m3u8": b"#EXTM3U\n",
        "360p/init.mp4": b"init",
        "360p/segment0000.m4s": b"segment",
        "web.mp4": b"mp4",
        "poster.jpg": b"jpeg",
    }
    for name, body in made.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(body)

    stored = files.save_folder(tmp_path, "videos/t1", last=("master.m3u8",))

    assert stored == {name: f"videos/t1/{name}" for name in made}
    types = {
        key: s3.client().head_object(Bucket=s3.name, Key=key)["ContentType"]
        for key in s3.object_keys("videos/t1/")
    }
    assert types == {
        "videos/t1/master.m3u8": "application/vnd.apple.mpegurl",
        "videos/t1/360p/index.m3u8": "application/vnd.apple.mpegurl",
        "videos/t1/360p/init.mp4": "video/mp4",
        "videos/t1/360p/segment0000.m4s": "video/iso.segment",
        "videos/t1/web.mp4": "video/mp4",
        "videos/t1/poster.jpg": "image/jpeg",
    }


def test_a_rerun_replaces_what_an_earlier_attempt_left(s3: S3Bucket, tmp_path: Path) -> None:
    s3.put("videos/t1/1080p/segment0009.m4s", b"left by a killed attempt")
    (tmp_path / "web.mp4").write_bytes(b"new")

    files.save_folder(tmp_path, "videos/t1")

    assert s3.object_keys() == ["videos/t1/web.mp4"]


def test_many_files_are_uploaded_on_several_threads(s3: S3Bucket, tmp_path: Path) -> None:
    names = [f"360p/segment{n:04d}.m4s" for n in range(3 * files.FILES_PER_THREAD)]
    for name in names:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(name.encode())

    files.save_folder(tmp_path, "videos/t1")

    assert s3.object_keys() == sorted(f"videos/t1/{name}" for name in names)
    body = s3.client().get_object(Bucket=s3.name, Key=f"videos/t1/{names[-1]}")["Body"].read()
    assert body == names[-1].encode()


def test_a_folder_is_a_prefix_ending_in_a_slash(s3: S3Bucket) -> None:
    for key in ("videos/ab/web.mp4", "videos/ab/360p/segment0.m4s", "videos/abc/web.mp4",
                "videos/ab-2/web.mp4", "videos/ab.mp4"):  # fmt: skip
        s3.put(key, b"x")

    removed = files.delete_folder("videos/ab")

    assert removed == 2
    assert s3.object_keys() == ["videos/ab-2/web.mp4", "videos/ab.mp4", "videos/abc/web.mp4"]


def test_remove_takes_files_and_folders_and_can_repeat(s3: S3Bucket) -> None:
    for key in ("uploads/v1/original.mp4", "videos/t1/web.mp4", "videos/t1/360p/a.m4s",
                "captions/t1.vtt", "captions/t10.vtt"):  # fmt: skip
        s3.put(key, b"x")
    names = ["uploads/v1", "videos/t1", "captions/t1.vtt", "captions/never-written.vtt"]

    assert files.remove(names) == 4
    assert files.remove(names) == 0
    assert s3.object_keys() == ["captions/t10.vtt"]


def test_a_text_file_is_read_up_to_a_limit(s3: S3Bucket) -> None:
    s3.put("videos/t1/master.m3u8", b"#EXTM3U\n" * 10)

    assert files.read_text("videos/t1/master.m3u8", max_bytes=100) == "#EXTM3U\n" * 10
    with pytest.raises(ValueError, match="larger than"):
        files.read_text("videos/t1/master.m3u8", max_bytes=50)
    with pytest.raises(FileNotFoundError):
        files.read_text("videos/t1/missing.m3u8", max_bytes=50)
