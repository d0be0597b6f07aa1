"""The reason an uploader reads when ffmpeg gives up: plain words for the failures people meet
most (an upload cut short, a damaged file), ffmpeg's last line (without paths) otherwise."""

from __future__ import annotations

import pytest

from transcode.ffmpeg import readable_reason

NO_PACKETS = (
    "[vost#0:0/libx264 @ 0x55d0c8a0] Error submitting a packet to the muxer\n"
    "Output file #0 does not contain any stream\n"
    "[out#0/hls @ 0x55d0c8b0] Nothing was written into output file, because at least one of"
    " its streams received no packets.\n"
)
NO_INDEX = (
    "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5581] moov atom not found\n"
    "/tmp/media-job-1/source.mp4: Invalid data found when processing input\n"
)


@pytest.mark.parametrize(
    ("stderr", "reason"),
    [
        (NO_PACKETS, "no picture or sound in it could be decoded (is it damaged?)"),
        (NO_INDEX, "the file is incomplete, its index is missing (was it cut short?)"),
        (
            "/tmp/x/a.mp4: Invalid data found when processing input\n",
            "the file is damaged or in an unknown format",
        ),
        (
            "[h264 @ 0x1] /srv/media/a.mp4: Unknown encoder 'foo'\n",
            "the file: Unknown encoder 'foo'",
        ),
    ],
)
def test_the_reason_is_plain_and_names_no_file(stderr: str, reason: str) -> None:
    assert readable_reason(stderr) == reason
