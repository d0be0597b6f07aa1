"""Exercise 13: one `Catalog` command, and the running system carries it to `Cataloged`.

As in the workshop, the command is {videoId, uri, name} with no metadata at all (the workshop's
exercise misspells `metadata` as `metdata`): the catalog understands that shape too.
"""

import sys

import preamble

from catalog.messages import command_stream, entity_stream
from videos.models import Video

WAIT_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 120.0
STEPS = ("Started", "Transcoded", "Transcribed", "Cataloged")


def main() -> None:
    preamble.title("Exercise 13: the whole process")
    video_id = preamble.new_uuid()
    uri = preamble.sample_video(video_id)
    command = preamble.write(
        command_stream(video_id),
        "Catalog",
        {"videoId": video_id, "uri": uri, "name": "Exercise 13"},
        None,
    )
    preamble.say("Written:")
    preamble.show(command)

    preamble.say(f"\nWaiting up to {WAIT_SECONDS:g} s for the system to catalog it ...")
    seen: list[str] = []

    def progress():
        for event in preamble.messages_of(entity_stream(video_id)):
            if event.type not in seen:
                seen.append(event.type)
                preamble.say(f"  {event.type}")
        failed = [kind for kind in seen if kind.endswith("Failed")]
        return "Cataloged" in seen or failed

    if not preamble.wait_for(progress, seconds=WAIT_SECONDS):
        preamble.say(
            f"Not cataloged yet (reached: {', '.join(seen) or 'nothing'}): is `./dev up` running?"
        )
    elif "Cataloged" in seen:
        video = preamble.wait_for(
            lambda: Video.objects.filter(pk=video_id, status=Video.Status.CATALOGED).first(),
            seconds=10,
        )
        if video is None:
            preamble.say("\nCataloged; the videos aggregator has not projected it yet.")
        else:
            preamble.say(f"\nThe view data has it: '{video.title}', {video.get_status_display()}.")
            preamble.say(f"Its page: http://127.0.0.1:8000{video.get_absolute_url()}")
    preamble.look_next(
        preamble.print_messages(entity_stream(video_id)),
        f"python manage.py print_messages '$all'  (everything, {', '.join(STEPS)} among it)",
        "the admin: Videos, and Message store > Messages filtered by trace",
    )


preamble.run(main)
