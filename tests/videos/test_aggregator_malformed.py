"""Bad data never crashes a handler with anything but MalformedMessageError (which the runtime
parks), and never writes a row."""

import pytest

from message_store.contracts import MalformedMessageError
from tests.videos import controls
from tests.videos.conftest import deliver
from videos.models import Video

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(controls.catalog(title=None), id="missing-title"),
        pytest.param(controls.catalog(uri=""), id="empty-source"),
        pytest.param(controls.catalog(uri="../../etc/passwd"), id="source-outside-media"),
        pytest.param(controls.catalog(uri="/etc/passwd"), id="absolute-source"),
        pytest.param(controls.catalog(videoId="not-a-uuid"), id="video-id-not-a-uuid"),
        pytest.param(controls.catalog(videoId=controls.OTHER_VIDEO_ID), id="id-not-the-stream"),
        pytest.param(controls.started(ownerId=7), id="owner-not-a-string"),
        pytest.param(controls.transcoded(width=-1), id="negative-width"),
        pytest.param(controls.transcoded(height=2**40), id="huge-height"),
        pytest.param(controls.transcoded(durationSeconds="long"), id="duration-not-a-number"),
        pytest.param(controls.transcoded(durationSeconds=-3), id="negative-duration"),
        pytest.param(controls.transcoded(transcodedUri="javascript:alert(1)"), id="script-uri"),
        pytest.param(controls.transcoded(posterUri="x" * 600), id="name-too-long"),
        pytest.param(controls.transcribed(captionsUri="ftp://host/c.vtt"), id="foreign-scheme"),
        pytest.param(controls.transcode_failed(reason=None), id="reason-missing"),
        pytest.param(
            controls.message("Cataloged", {}, global_position=5), id="cataloged-without-id"
        ),
    ],
)
def test_malformed_message_raises_and_writes_nothing(bad):
    with pytest.raises(MalformedMessageError):
        deliver(bad)

    assert not Video.objects.exists()


def test_nul_characters_are_dropped_from_text():
    deliver(controls.catalog(title="a\x00b"))

    assert Video.objects.get().title == "ab"
