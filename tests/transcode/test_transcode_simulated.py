"""With SIMULATED_MEDIA the job succeeds at once without touching files (for load tests)."""

from __future__ import annotations

from pathlib import Path

from message_store.store import MessageStore
from tests.consumers.controls import stored
from tests.transcode import controls
from transcode.handlers import handle_transcode
from transcode.messages import entity_stream


def test_transcoded_without_files(store: MessageStore, settings, tmp_path: Path) -> None:
    settings.SIMULATED_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    command = stored(store, controls.transcode_example(uri="uploads/never-written.mp4"))

    handle_transcode(command, store=store)

    events = list(store.read_stream(entity_stream(controls.TRANSCODE_ID)))
    assert [e.type for e in events] == ["Transcoded"]
    assert not (tmp_path / "media").exists()
