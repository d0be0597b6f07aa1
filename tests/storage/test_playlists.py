"""Rewriting an HLS playlist: every URI and nothing else changes; rendition playlists go to
the site, other files to signed URLs; a URI outside the video's folder is refused."""

from __future__ import annotations

import pytest

from videos.playlists import PlaylistError, resolver, rewrite

MASTER = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="main",DEFAULT=YES,URI="audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=1210000,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aac"
360p/index.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="360p/iframes.m3u8"
"""

RENDITION = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init_0.mp4"
# a comment with URI="kept.mp4"
#EXTINF:4.000000,
segment0000.m4s
#EXTINF:2.500000,

https://cdn.example.com/segment0001.m4s
#EXT-X-ENDLIST
"""


def resolve_for(playlist: str):
    return resolver(
        playlist,
        "videos/t1",
        playlist_url=lambda relative: f"/videos/v1/hls/{relative}",
        file_url=lambda name: f"https://bucket.example.com/{name}?X-Amz-Signature=s",
    )


def test_a_master_playlist_points_at_the_site():
    assert rewrite(MASTER, resolve_for("videos/t1/master.m3u8")) == MASTER.replace(
        'URI="audio/index.m3u8"', 'URI="/videos/v1/hls/audio/index.m3u8"'
    ).replace("\n360p/index.m3u8", "\n/videos/v1/hls/360p/index.m3u8").replace(
        'URI="360p/iframes.m3u8"', 'URI="/videos/v1/hls/360p/iframes.m3u8"'
    )


def test_a_rendition_playlist_points_at_signed_files():
    signed = "https://bucket.example.com/videos/t1/360p/{}?X-Amz-Signature=s"

    assert rewrite(RENDITION, resolve_for("videos/t1/360p/index.m3u8")) == RENDITION.replace(
        '#EXT-X-MAP:URI="init_0.mp4"', f'#EXT-X-MAP:URI="{signed.format("init_0.mp4")}"'
    ).replace("\nsegment0000.m4s", "\n" + signed.format("segment0000.m4s"))


@pytest.mark.parametrize(
    "uri",
    ["../../other/web.mp4", "/videos/t1/360p/segment0000.m4s", "segment.m4s?x=1",
     "file:///etc/passwd", "//evil.example.com/a.m4s", "..", "../.."],
)  # fmt: skip
def test_a_uri_outside_the_videos_folder_is_refused(uri):
    resolve = resolve_for("videos/t1/360p/index.m3u8")

    with pytest.raises(PlaylistError):
        rewrite(f"#EXTM3U\n#EXTINF:4,\n{uri}\n", resolve)
