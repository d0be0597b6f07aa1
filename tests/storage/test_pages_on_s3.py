"""The video page on object storage: the player gets signed URLs straight to the bucket (range
requests answered by the bucket), the HLS playlists come from the site with their URIs signed,
and a private video's media are reachable by its owner and staff only: anyone else gets the
page's 404 from every site URL and never a signed URL, and the bucket refuses unsigned ones."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from tests.object_storage import S3Bucket
from tests.web.conftest import make_video
from transcode import files

pytestmark = pytest.mark.django_db

FOLDER = "videos/7a000000-0000-4000-8000-0000000000f1"
MP4 = bytes(range(256)) * 64  # 16 KiB
MASTER = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=426x240\n240p/index.m3u8\n"
RENDITION = """#EXTM3U
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init_0.mp4"
#EXTINF:4.000000,
segment0000.m4s
#EXT-X-ENDLIST
"""
OBJECTS = {
    f"{FOLDER}/master.m3u8": MASTER.encode(),
    f"{FOLDER}/240p/index.m3u8": RENDITION.encode(),
    f"{FOLDER}/240p/init_0.mp4": b"init section",
    f"{FOLDER}/240p/segment0000.m4s": b"first segment",
    f"{FOLDER}/web.mp4": MP4,
    f"{FOLDER}/poster.jpg": b"jpeg",
    "captions/7a000000.vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n",
}


@pytest.fixture
def stored(s3: S3Bucket) -> S3Bucket:
    for key, body in OBJECTS.items():
        s3.put(key, body)
    return s3


def video_on_s3(**fields):
    return make_video(
        **{
            "title": "Harbour: at dawn?",
            "video_name": f"{FOLDER}/web.mp4",
            "playlist_name": f"{FOLDER}/master.m3u8",
            "renditions": [
                {
                    "width": 426,
                    "height": 240,
                    "bandwidth": 300000,
                    "playlist_name": f"{FOLDER}/240p/index.m3u8",
                }
            ],
            "poster_name": f"{FOLDER}/poster.jpg",
            "captions_name": "captions/7a000000.vtt",
            "segments": [{"start": 0.0, "end": 1.0, "text": "Hello"}],
            "duration_seconds": 75.4,
            **fields,
        }
    )


def player(client: Client, video) -> dict[str, str]:
    response = client.get(f"/videos/{video.id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<video id="player"[^>]* crossorigin="anonymous"', page)

    def attribute(pattern: str) -> str:
        return html.unescape(re.search(pattern, page).group(1))

    return {
        "poster": attribute(r'poster="([^"]+)"'),
        "hls": attribute(r'<source src="([^"]+)" type="application/vnd.apple.mpegurl">'),
        "mp4": attribute(r'<source src="([^"]+)" type="video/mp4">'),
        "captions": attribute(r'<track kind="captions" src="([^"]+)"'),
        "download": attribute(r'href="([^"]+)" download="[^"]*" id="download-link"'),
    }


def is_signed(url: str, s3: S3Bucket) -> bool:
    return url.startswith(f"{s3.endpoint_url}/{s3.name}/") and "X-Amz-Signature=" in url


def test_the_player_gets_signed_urls_and_the_sites_playlist(client, stored: S3Bucket) -> None:
    video = video_on_s3()

    urls = player(client, video)

    assert urls["hls"] == f"/videos/{video.id}/hls/master.m3u8"
    for kind in ("poster", "mp4", "captions", "download"):
        assert is_signed(urls[kind], stored), (kind, urls[kind])
    query = parse_qs(urlsplit(urls["mp4"]).query)
    assert query["X-Amz-Expires"] == [str(3600 + 76)]  # long enough to watch it to the end
    download = requests.get(urls["download"], timeout=10)
    assert download.content == MP4
    assert download.headers["Content-Disposition"] == ('attachment; filename="Harbour at dawn.mp4"')


def test_the_bucket_answers_ranges_and_cors_for_the_site(client, stored: S3Bucket) -> None:
    files.set_cors(["http://testserver"])
    urls = player(client, video_on_s3())

    ranged = requests.get(
        urls["mp4"], headers={"Range": "bytes=100-199", "Origin": "http://testserver"}, timeout=10
    )
    other = requests.get(urls["mp4"], headers={"Origin": "https://elsewhere.example"}, timeout=10)

    assert ranged.status_code == 206
    assert ranged.headers["Content-Range"] == f"bytes 100-199/{len(MP4)}"
    assert ranged.content == MP4[100:200]
    assert ranged.headers["Access-Control-Allow-Origin"] == "http://testserver"
    assert "Access-Control-Allow-Origin" not in other.headers
    assert files.cors_origins() == ["http://testserver"]


def test_the_playlists_come_from_the_site_with_every_uri_signed(client, stored: S3Bucket) -> None:
    video = video_on_s3()

    master = client.get(f"/videos/{video.id}/hls/master.m3u8")
    rendition = client.get(f"/videos/{video.id}/hls/240p/index.m3u8")

    assert master.status_code == 200
    assert master["Content-Type"] == "application/vnd.apple.mpegurl; charset=utf-8"
    assert master["Cache-Control"] == "private, max-age=300"
    assert master.content.decode() == MASTER.replace(
        "\n240p/index.m3u8", f"\n/videos/{video.id}/hls/240p/index.m3u8"
    )
    lines = rendition.content.decode().splitlines()
    init = re.fullmatch(r'#EXT-X-MAP:URI="([^"]+)"', lines[3]).group(1)
    segment = lines[5]
    assert is_signed(init, stored)
    assert is_signed(segment, stored)
    assert requests.get(init, timeout=10).content == b"init section"
    assert requests.get(segment, headers={"Range": "bytes=0-4"}, timeout=10).content == b"first"
    assert [line for line in lines if not line.startswith("#EXT-X-MAP") and line != segment] == [
        line for line in RENDITION.splitlines() if "init_0" not in line and "segment" not in line
    ]


def test_unsigned_urls_are_refused_by_the_bucket(stored: S3Bucket) -> None:
    for key in OBJECTS:
        assert requests.get(stored.url(key), timeout=10).status_code == 403, key


@pytest.mark.parametrize("path", ["240p/../../other/master.m3u8", "720p/index.m3u8", "web.mp4"])
def test_only_the_videos_own_playlists_are_served(client, stored: S3Bucket, path) -> None:
    video = video_on_s3()

    assert client.get(f"/videos/{video.id}/hls/{path}").status_code == 404


def site_urls(video) -> list[str]:
    return [
        f"/videos/{video.id}/",
        f"/videos/{video.id}/hls/master.m3u8",
        f"/videos/{video.id}/hls/240p/index.m3u8",
    ]


def test_a_private_videos_media_are_unreachable_for_others(
    client, user, other_user, stored: S3Bucket
) -> None:
    video = video_on_s3(owner=user, visibility="private")

    anonymous = [client.get(url).status_code for url in site_urls(video)]
    client.force_login(other_user)
    theirs = [client.get(url).status_code for url in site_urls(video)]
    home = client.get("/").content.decode()

    assert anonymous == theirs == [404, 404, 404]
    assert stored.endpoint_url not in home


@pytest.mark.parametrize("who", ["user", "staff_user"])
def test_a_private_videos_media_play_for_its_owner_and_staff(
    request, client, user, stored: S3Bucket, who
) -> None:
    video = video_on_s3(owner=user, visibility="private")
    client.force_login(request.getfixturevalue(who))

    urls = player(client, video)
    rendition = client.get(f"/videos/{video.id}/hls/240p/index.m3u8").content.decode()

    assert requests.get(urls["mp4"], timeout=10).content == MP4
    assert requests.get(urls["captions"], timeout=10).content.startswith(b"WEBVTT")
    assert requests.get(urls["poster"], timeout=10).content == b"jpeg"
    assert requests.get(rendition.splitlines()[5], timeout=10).content == b"first segment"


def test_a_playlist_the_site_reuses_is_still_refused_to_others(
    client, user, other_user, stored: S3Bucket
) -> None:
    video = video_on_s3(owner=user, visibility="private")
    client.force_login(user)
    mine = client.get(f"/videos/{video.id}/hls/240p/index.m3u8")
    client.force_login(other_user)
    theirs = client.get(f"/videos/{video.id}/hls/240p/index.m3u8")

    assert (mine.status_code, theirs.status_code) == (200, 404)


def test_a_deleted_videos_playlists_are_gone(client, stored: S3Bucket) -> None:
    video = video_on_s3(status="deleted")

    assert [client.get(url).status_code for url in site_urls(video)] == [410, 410, 410]


def test_media_url_serves_nothing_when_files_are_in_a_bucket(client, s3, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "web.mp4").write_bytes(MP4)

    assert client.get("/media/web.mp4").status_code == 404
