"""What every exercise starts from: the workshop's preamble, for this project.

It wires the message store and the components in one place (this project's composition roots
are `config/settings.py` for the databases and `config/components.py` for the components), then
gives each exercise a few helpers: a component's handlers exactly as its subscriptions call them
(upcasters first), example messages in memory, a sample video in the media storage, and ways to
print what happened and what to look at next. `run(main)` closes the store when the exercise is
done, so the script exits, as the workshop's exercises stop theirs.

The exercises use the same databases and media folder as `./dev up` (or DATABASE_URL,
MESSAGE_STORE_URL and MEDIA_ROOT when set), so a learner sees their messages with
`python manage.py print_messages ...` and in the admin. With SIMULATED_MEDIA=true the jobs skip
ffmpeg and speech recognition.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402

from config.components import COMPONENTS, subscriptions  # noqa: E402
from message_store.errors import StoreUnavailableError  # noqa: E402
from message_store.messages import Message, NewMessage, new_id  # noqa: E402
from message_store.runtime import get_store, reset_store  # noqa: E402
from message_store.store import MessageStore  # noqa: E402
from transcode.ffmpeg import ffmpeg_exe  # noqa: E402

Handler = Callable[..., None]
SAMPLE_SENTENCE = "Hello from the video catalog workshop."
PATTERN = "testsrc2=size=320x240:rate=25"


def store() -> MessageStore:
    return get_store()


def handler(subscriber_id: str, message_type: str) -> Handler:
    """The handler a subscription calls for a message type (see each `component.py`)."""
    for component in COMPONENTS:
        for subscription in subscriptions(component):
            if subscription.subscriber_id == subscriber_id:
                return subscription.handlers[message_type]
    raise KeyError(f"no subscription {subscriber_id!r} in config/components.py")


def in_hand(stream_name: str, message_type: str, data: dict, metadata: dict | None) -> Message:
    """A message as a handler receives it, never written: a handler is a function of a message."""
    return Message(
        id=new_id(),
        stream_name=stream_name,
        type=message_type,
        position=0,
        global_position=0,
        data=data,
        metadata=metadata or {},
        time=datetime.now(UTC),
    )


def write(stream_name: str, message_type: str, data: dict, metadata: dict | None) -> Message:
    """Write a message (no expected version, as the workshop's exercises do); return it as read."""
    message = NewMessage(
        id=new_id(), stream_name=stream_name, type=message_type, data=data, metadata=metadata
    )
    store().write(message)
    return next(m for m in store().read_stream(stream_name) if m.id == message.id)


def messages_of(stream_name: str, message_type: str | None = None) -> list[Message]:
    return [m for m in store().read_stream(stream_name) if message_type in (None, m.type)]


def new_uuid() -> str:
    return str(uuid.uuid4())


def sample_video(video_id: str) -> str:
    """A short clip (a test pattern and a spoken sentence when flite is installed, a tone
    otherwise) stored as an upload of ours; returns its storage name."""
    name = f"uploads/{video_id}/original.mp4"
    with tempfile.TemporaryDirectory() as folder:
        clip = Path(folder) / "sample.mp4"
        audio = ["-f", "lavfi", "-i", "sine=frequency=440:duration=3"]
        if shutil.which("flite"):
            speech = Path(folder) / "speech.wav"
            subprocess.run(["flite", "-t", SAMPLE_SENTENCE, "-o", str(speech)], check=True)
            audio = ["-i", str(speech)]
        subprocess.run(
            [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", PATTERN, *audio, "-t", "3",
             "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip)],
            check=True,
        )  # fmt: skip
        with clip.open("rb") as content:
            return default_storage.save(name, File(content))


def wait_for(find: Callable[[], Any], *, seconds: float, interval: float = 0.25) -> Any:
    """Poll `find` until it returns something, or None after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = find()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(interval)


# Printing ---------------------------------------------------------------------------------------


def title(text: str) -> None:
    print(f"\n{text}\n{'=' * len(text)}")


def say(text: str = "") -> None:
    print(text)


def show(message: Message) -> None:
    print(f"  {message.type} in {message.stream_name} at position {message.position}"
          f" (global position {message.global_position})")  # fmt: skip
    print(f"    id:       {message.id}")
    print(f"    data:     {_compact(message.data)}")
    print(f"    metadata: {_compact(message.metadata)}")


def show_stream(stream_name: str, message_type: str | None = None) -> list[Message]:
    found = messages_of(stream_name, message_type)
    kind = f"{message_type} " if message_type else ""
    say(f"{stream_name} holds {len(found)} {kind}message{'' if len(found) == 1 else 's'}:")
    for message in found:
        show(message)
    return found


def look_next(*lines: str) -> None:
    say("\nLook next:")
    for line in lines:
        say(f"  {line}")


def print_messages(target: str) -> str:
    return f"python manage.py print_messages {target}"


def _compact(value: object) -> str:
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)


def run(main: Callable[[], None]) -> None:
    """Run an exercise, then close the store so the script exits."""
    try:
        main()
    except StoreUnavailableError as error:
        sys.exit(f"The message store is unreachable ({error}). Is `./dev up` running?")
    finally:
        reset_store()
