"""Media on object storage: what the bucket costs the jobs and the pages (`./dev bench-storage`).

A local S3-compatible server (moto, as in the tests) holds the files; it is a Python process on
the same machine, so its transfer rate is far below S3's (printed, for scale), and every figure
here is noisy on a shared machine. Nothing here asserts. Three questions:

1. Should the transcribe job let ffmpeg read the upload from a presigned URL instead of a local
   copy? The job's reading as it runs: the probe, then the sound decoded to 16 kHz samples
   (the windows Whisper reads), from a downloaded copy and straight from the URL, for an upload
   with its index at the end (as cameras write) and at the front (`+faststart`); with one run
   of Whisper on the same clip beside it, for scale.
2. Do files stream? Peak memory of a process storing an upload in the bucket and of one
   downloading it for a job, for a small and a large file, against a process that only
   starts (each in its own process): it must not grow with the file.
3. What do signed URLs cost a page? One presigned URL, and a two-hour rendition playlist
   (1,800 segments) rewritten with signed URIs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES_MB = (32, 256)
PARAGRAPH = (
    "The catalog turns every upload into a video that plays in any browser. "
    "It writes down what people say, so that everyone can follow along. "
)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return
    from tests.object_storage import s3_bucket

    with s3_bucket() as bucket, tempfile.TemporaryDirectory(prefix="bench-storage-") as folder:
        os.environ.update(bucket.env)
        import django

        django.setup()
        reading_the_source(bucket, Path(folder))
        streaming(bucket, Path(folder))
        signing()


def reading_the_source(bucket, folder: Path) -> None:
    from tests.media_factory import make_spoken_clip
    from transcode.ffmpeg import ffmpeg_exe
    from transcribe import speech

    print("\n1. the transcribe job's source: a local copy, or ffmpeg reading a presigned URL")
    moov_last = make_spoken_clip(
        folder / "moov-last.mp4", PARAGRAPH * 4, seconds=60, size=(1280, 720)
    )
    moov_first = folder / "moov-first.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(moov_last), "-c", "copy", "-movflags",
         "+faststart", str(moov_first)],
        check=True,
    )  # fmt: skip
    for label, clip in (("index at the end", moov_last), ("index at the front", moov_first)):
        name = f"uploads/bench/{clip.name}"
        bucket.client().upload_file(str(clip), bucket.name, name)
        size_mb = clip.stat().st_size / 1e6
        copy = min((_read_from_copy(name) for _ in range(2)), key=lambda run: run["total"])
        url = min((_read_from_url(name) for _ in range(2)), key=lambda run: run["total"])
        print(
            f"  60 s 720p, {size_mb:4.1f} MB, {label:<18}  local copy {copy['total']:5.2f} s "
            f"(download {copy['download']:4.2f} s = {size_mb / copy['download']:5.0f} MB/s, "
            f"probe {copy['probe']:4.2f} s, decode {copy['decode']:4.2f} s)   "
            f"presigned URL {url['total']:5.2f} s (probe {url['probe']:4.2f} s, "
            f"decode {url['decode']:4.2f} s)   URL/copy {url['total'] / copy['total']:4.2f}"
        )
    started = time.perf_counter()
    speech.transcribe(moov_last)
    print(f"  Whisper on the same clip (model loaded): {time.perf_counter() - started:5.2f} s")


def _read_from_copy(name: str) -> dict[str, float]:
    from transcode import files

    started = time.perf_counter()
    with files.local_copy(name) as local:
        downloaded = time.perf_counter()
        probe, decode = _probe_and_decode(str(local))
    return {
        "download": downloaded - started,
        "probe": probe,
        "decode": decode,
        "total": time.perf_counter() - started,
    }


def _read_from_url(name: str) -> dict[str, float]:
    from videos.media import signing_storage

    started = time.perf_counter()
    probe, decode = _probe_and_decode(signing_storage().url(name))
    return {"probe": probe, "decode": decode, "total": time.perf_counter() - started}


def _probe_and_decode(source: str) -> tuple[float, float]:
    """What the job's reading costs: ffmpeg's header read, then every window of samples."""
    from transcode.ffmpeg import _execute
    from transcribe import audio

    started = time.perf_counter()
    _execute(["-i", source], timeout=60)
    probed = time.perf_counter()
    for _ in audio.windows(source):
        pass
    return probed - started, time.perf_counter() - probed


def streaming(bucket, folder: Path) -> None:
    print("\n2. streaming: peak memory (VmHWM) of a process moving a file, by the file's size")
    base = _run_child("start", "")["rss_mb"]
    print(f"  a process that only starts: {base:4.0f} MB")
    for megabytes in SIZES_MB:
        big = folder / "big.mp4"
        with big.open("wb") as out:
            for _ in range(megabytes):
                out.write(os.urandom(1024 * 1024))
        for kind, label in (("upload", "stores an upload (web)"), ("download", "copies it (job)")):
            figures = _run_child(kind, str(big))
            print(
                f"  {megabytes:4d} MB: {label:<24} peak {figures['rss_mb']:5.0f} MB "
                f"(+{figures['rss_mb'] - base:4.0f} MB) in {figures['seconds']:5.2f} s"
            )
        bucket.client().delete_object(Bucket=bucket.name, Key="uploads/bench/big.mp4")


def _run_child(kind: str, argument: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.storage", "--child", kind, argument],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def child(kind: str, path: str) -> dict:
    import django

    django.setup()
    from django.core.files import File

    from transcode import files

    name = "uploads/bench/big.mp4"
    started = time.perf_counter()
    if kind == "upload":
        with open(path, "rb") as content:
            files.store_upload(File(content), name)
    elif kind == "download":
        with files.local_copy(name) as local:
            assert local.stat().st_size == Path(path).stat().st_size
    else:
        files.check()
    return {"seconds": time.perf_counter() - started, "rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    """This process's peak resident memory since its exec (`VmHWM`: `ru_maxrss` would report
    the parent's, which Linux carries over a fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def signing() -> None:
    from types import SimpleNamespace

    from videos import media, playlists

    print("\n3. signed URLs for the pages")
    video = SimpleNamespace(is_private=True, duration_seconds=7200.0)
    count = 2000
    started = time.perf_counter()
    for number in range(count):
        media.file_url(video, f"videos/bench/360p/segment{number:04d}.m4s")
    per_url = (time.perf_counter() - started) / count
    segments = 1800
    text = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n' + "".join(
        f"#EXTINF:4.000000,\nsegment{number:04d}.m4s\n" for number in range(segments)
    )
    resolve = playlists.resolver(
        "videos/bench/360p/index.m3u8",
        "videos/bench",
        playlist_url=lambda relative: relative,
        file_url=lambda name: media.file_url(video, name),
    )
    started = time.perf_counter()
    rewritten = playlists.rewrite(text, resolve)
    took = time.perf_counter() - started
    print(f"  one presigned URL: {per_url * 1e6:5.0f} us (botocore, computed locally)")
    print(
        f"  a two-hour rendition playlist ({segments} segments, {len(rewritten) / 1e3:.0f} kB "
        f"signed) rewritten: {took * 1e3:5.0f} ms (= {took / segments * 1e6:4.0f} us a segment)"
    )


if __name__ == "__main__":
    main()
