"""Turn an uploaded video into adaptive streaming (HLS), one download MP4 and a poster.

Uploads arrive in whatever container and codec a camera or phone produced. Each is decoded once
and encoded once per rung of the ladder (`transcode.ladder`) in a single ffmpeg run: H.264 High
yuv420p with AAC, in fMP4 segments of about 4 s (keyframes forced every 4 s, so the rungs'
segments line up and a player can switch between them), one playlist per rung and a master
playlist. ffmpeg measures each rung's peak and average bitrate into the master playlist.
The download MP4 is the highest rung up to 720p, copied out of its segments with the index at
the front (`+faststart`): no second encode. The poster comes from the same run: frames sampled
evenly over the whole video go through ffmpeg's `thumbnail` filter, which keeps the frame
closest to the average picture (so not the black first frame of a fade-in).

Everything is written into a local folder the caller provides; on any failure the caller
discards the folder, so no half-made output survives.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import m3u8

from transcode.ffmpeg import MediaError, VideoInfo, probe, run_ffmpeg
from transcode.ladder import AUDIO_KBPS, Rung, ladder, mp4_rung

SEGMENT_SECONDS = 4
MAX_FPS = 60
POSTER_CANDIDATES = 24
"""Frames the poster is chosen from; the thumbnail filter holds them all in memory at once."""

MASTER_PLAYLIST = "master.m3u8"
MP4_NAME = "web.mp4"
POSTER_NAME = "poster.jpg"
RUNG_PLAYLIST = "index.m3u8"

# Mono stays mono; anything with more channels is downmixed to stereo.
_AUDIO_FILTER = "aformat=sample_rates=48000:channel_layouts=mono|stereo"


@dataclass(frozen=True)
class Rendition:
    """A rung as encoded: its size, the bandwidth ffmpeg measured, and its playlist's path."""

    width: int
    height: int
    bandwidth: int
    playlist: str


@dataclass(frozen=True)
class WebMedia:
    """What a transcode made, as paths relative to its folder, and the facts pages need."""

    master_playlist: str
    mp4: str
    poster: str
    renditions: tuple[Rendition, ...]
    duration_seconds: float
    width: int
    height: int


def transcode_to_web(
    source: Path, folder: Path, *, cancel: threading.Event | None = None
) -> WebMedia:
    """Write the HLS ladder, the MP4 and the poster of `source` into the empty `folder`.

    Raises MediaError (bad input) or JobCancelled; the folder's contents are then garbage.
    """
    source, folder = Path(source), Path(folder)
    info = probe(source)
    rungs = ladder(info.width, info.height)
    download = mp4_rung(rungs)
    for rung in rungs:
        (folder / rung.name).mkdir(parents=True)
    timeout = _timeout(info, len(rungs))
    run_ffmpeg(_ladder_args(source, folder, info, rungs, download), timeout=timeout, cancel=cancel)
    if not (folder / POSTER_NAME).is_file() or (folder / POSTER_NAME).stat().st_size == 0:
        raise MediaError("ffmpeg could not process the video: no poster frame came out")
    rung_playlist = folder / download.name / RUNG_PLAYLIST
    run_ffmpeg(_mp4_args(rung_playlist, folder / MP4_NAME), timeout=timeout, cancel=cancel)
    mp4 = probe(folder / MP4_NAME)
    top = rungs[-1]
    return WebMedia(
        master_playlist=MASTER_PLAYLIST,
        mp4=MP4_NAME,
        poster=POSTER_NAME,
        renditions=_renditions(folder, rungs),
        duration_seconds=mp4.duration_seconds,
        width=top.width,
        height=top.height,
    )


def _ladder_args(
    source: Path, folder: Path, info: VideoInfo, rungs: list[Rung], download: Rung
) -> list[str]:
    count = len(rungs)
    branches = "".join(f"[s{index}]" for index in range(count))
    graph = [f"[0:v:0]split={count + 1}{branches}[p]"]
    graph += [
        f"[s{index}]scale={rung.width}:{rung.height}:flags=bicubic,setsar=1,format=yuv420p[v{index}]"
        for index, rung in enumerate(rungs)
    ]
    sample_rate = POSTER_CANDIDATES / max(info.duration_seconds, 1.0)
    graph.append(
        f"[p]fps={sample_rate:.6f},scale={download.width}:{download.height},setsar=1,"
        f"thumbnail={POSTER_CANDIDATES}[poster]"
    )
    args = ["-loglevel", "error", "-i", str(source), "-filter_complex", ";".join(graph)]
    for index in range(count):
        args += ["-map", f"[v{index}]"]
        if info.has_audio:
            args += ["-map", "0:a:0"]
    # Dropping container metadata also drops things like a phone's GPS position.
    args += ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-crf", "23"]
    args += [
        "-fpsmax",
        str(MAX_FPS),
        "-force_key_frames",
        f"expr:gte(t,n_forced*{SEGMENT_SECONDS})",
    ]
    for index, rung in enumerate(rungs):
        args += [f"-maxrate:v:{index}", f"{rung.video_kbps}k"]
        args += [f"-bufsize:v:{index}", f"{2 * rung.video_kbps}k"]
    if info.has_audio:
        args += ["-af", _AUDIO_FILTER, "-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k"]
    streams = " ".join(
        f"v:{index}" + (f",a:{index}" if info.has_audio else "") + f",name:{rung.name}"
        for index, rung in enumerate(rungs)
    )
    args += [
        "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
        "-hls_segment_type", "fmp4", "-hls_flags", "independent_segments",
        "-hls_fmp4_init_filename", "init.mp4",
        "-hls_segment_filename", str(folder / "%v" / "segment%04d.m4s"),
        "-master_pl_name", MASTER_PLAYLIST, "-var_stream_map", streams,
        str(folder / "%v" / RUNG_PLAYLIST),
    ]  # fmt: skip
    args += [
        "-map", "[poster]", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", "3",
        "-f", "image2", "-update", "1", str(folder / POSTER_NAME),
    ]  # fmt: skip
    return args


def _mp4_args(rung_playlist: Path, target: Path) -> list[str]:
    return [
        "-loglevel", "error", "-i", str(rung_playlist), "-map", "0", "-c", "copy",
        "-movflags", "+faststart", "-f", "mp4", str(target),
    ]  # fmt: skip


def _renditions(folder: Path, rungs: list[Rung]) -> tuple[Rendition, ...]:
    """The rungs as the master playlist ffmpeg wrote describes them (with measured bandwidth)."""
    master = m3u8.load(str(folder / MASTER_PLAYLIST))
    bandwidths = {
        playlist.uri.split("/", 1)[0]: playlist.stream_info.bandwidth
        for playlist in master.playlists
    }
    if set(bandwidths) != {rung.name for rung in rungs}:
        raise MediaError("ffmpeg could not process the video: the playlists are incomplete")
    return tuple(
        Rendition(
            width=rung.width,
            height=rung.height,
            bandwidth=bandwidths[rung.name],
            playlist=f"{rung.name}/{RUNG_PLAYLIST}",
        )
        for rung in rungs
    )


def _timeout(info: VideoInfo, rungs: int) -> float:
    """Generous bound on encode time so a wedged ffmpeg cannot hold a worker forever."""
    return 120.0 + 2.0 * rungs * info.duration_seconds
