"""The player on the video page: the HLS master playlist first, the MP4 second, captions in
the transcript's language when there is speech, and "No speech in this video" when there is
none; and the media files it asks for are served with the types players require."""

import pytest

from tests.web.conftest import make_video

pytestmark = pytest.mark.django_db

CUES = [{"start": 0.0, "end": 1.5, "text": "Hello there."}]


def player_html(client, **fields) -> str:
    video = make_video(**fields)
    response = client.get(f"/videos/{video.id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_hls_comes_first_then_the_mp4(client):
    html = player_html(client, playlist_name="videos/x/master.m3u8", segments=CUES, language="en")

    hls = '<source src="/media/videos/x/master.m3u8" type="application/vnd.apple.mpegurl">'
    mp4 = '<source src="/media/videos/x/web.mp4" type="video/mp4">'
    assert hls in html
    assert mp4 in html
    assert html.index(hls) < html.index(mp4)
    assert (
        '<track kind="captions" src="/media/captions/x.vtt" srclang="en" label="English" default>'
        in html
    )


def test_a_video_from_before_hls_plays_its_mp4(client):
    html = player_html(client, playlist_name="")

    assert "mpegurl" not in html
    assert '<source src="/media/videos/x/web.mp4" type="video/mp4">' in html


def test_captions_are_labelled_in_their_language(client):
    html = player_html(client, segments=CUES, language="fr")

    assert 'srclang="fr" label="français"' in html


def test_a_video_without_speech_says_so_and_has_no_captions_track(client):
    html = player_html(client, transcript="", segments=[])

    assert '<p class="muted" id="no-speech">No speech in this video.</p>' in html
    assert "<track" not in html
    assert '<video id="player"' in html


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("master.m3u8", "application/vnd.apple.mpegurl"),
        ("360p/segment0000.m4s", "video/iso.segment"),
        ("360p/init.mp4", "video/mp4"),
        ("captions.vtt", "text/vtt"),
    ],
)
def test_media_files_have_the_types_players_require(client, media_root, name, content_type):
    path = media_root / "videos" / "x" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"0123456789" * 10)

    whole = client.get(f"/media/videos/x/{name}")
    part = client.get(f"/media/videos/x/{name}", HTTP_RANGE="bytes=10-19")

    assert whole.status_code == 200
    assert whole["Content-Type"].split(";")[0] == content_type
    assert part.status_code == 206
    assert part["Content-Type"].split(";")[0] == content_type
    assert part["Content-Range"] == "bytes 10-19/100"
    assert b"".join(part.streaming_content) == b"0123456789"
