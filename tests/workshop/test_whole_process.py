"""A whole workshop-shaped process: exercise 13's `Catalog` {videoId, uri, name}, with no
metadata at all, is carried by our components to `Cataloged` and a ready, playable video."""

from __future__ import annotations

import catalog.component
import transcode.component
import transcribe.component
import videos.component
from catalog import messages
from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import parked
from tests.workshop import controls
from videos.models import Video

SUBSCRIPTIONS = [
    s
    for module in (catalog.component, transcode.component, transcribe.component, videos.component)
    for s in module.subscriptions()
]


def test_exercise_13s_catalog_ends_cataloged(store: MessageStore, settings, tmp_path) -> None:
    settings.SIMULATED_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    controls.v0_catalog_of_exercise_13().write(store)

    Consumer(SUBSCRIPTIONS, store=store).run(until_idle=True)

    stream = list(store.read_stream(messages.entity_stream(controls.VIDEO_ID)))
    assert [m.type for m in stream] == ["Started", "Transcoded", "Transcribed", "Cataloged"]
    assert stream[0].data["title"] == controls.NAME
    video = Video.objects.get(pk=controls.VIDEO_ID)
    assert (video.title, video.owner_id, video.is_ready, video.is_playable) == (
        controls.NAME,
        None,
        True,
        True,
    )
    assert parked() == []
