"""Exercise 08: `Started` -> a `Transcode` command, with the event handled twice."""

import preamble

from catalog.messages import entity_stream, transcode_id
from transcode.messages import command_stream


def main() -> None:
    preamble.title("Exercise 08: handle a Started event twice")
    video_id = preamble.new_uuid()
    started = preamble.write(
        entity_stream(video_id),
        "Started",
        {"videoId": video_id, "uri": preamble.sample_video(video_id), "title": "Exercise 08"},
        {"traceId": preamble.new_uuid()},
    )
    handle = preamble.handler("catalog-events", "Started")

    preamble.say("Calling the catalog's Started handler twice ...")
    handle(started, store=preamble.store())
    handle(started, store=preamble.store())

    commands = preamble.show_stream(command_stream(transcode_id(video_id)), "Transcode")
    preamble.say(
        f"\nHow many Transcode commands are there? {len(commands)}. The workshop writes one per"
        "\nhandling, each with a fresh random transcodeId: a duplicate job. Here the job id"
        "\nderives from the video id (catalog/messages.py, transcode_id) and the command is"
        "\nwritten only to an empty stream, so a second handling cannot start a second job."
        "\nIts metadata names the video's stream as origin and correlation, for the reply."
    )
    preamble.look_next(
        preamble.print_messages(command_stream(transcode_id(video_id))),
        "(with the system running, the transcode consumer also handles it)",
    )


preamble.run(main)
