"""Exercise 07: `Catalog` -> `Started` in `catalog-{videoId}`, with one command twice."""

import preamble

from catalog.messages import command_stream, entity_stream


def main() -> None:
    preamble.title("Exercise 07: handle a Catalog command twice")
    video_id = preamble.new_uuid()
    command = preamble.in_hand(
        command_stream(video_id),
        "Catalog",
        {"videoId": video_id, "uri": preamble.sample_video(video_id), "title": "Exercise 07"},
        {"traceId": preamble.new_uuid(), "userId": "1"},
    )
    handle = preamble.handler("catalog-commands", "Catalog")

    preamble.say("Calling the catalog's Catalog handler twice ...")
    handle(command, store=preamble.store())
    handle(command, store=preamble.store())

    events = preamble.show_stream(entity_stream(video_id), "Started")
    preamble.say(
        f"\nOne command handled twice wrote {len(events)} Started event: the catalog drives the"
        "\nprocess from its own events, and the handler returns early once the video's stream"
        "\nsays it started (catalog/projection.py). The command stream and the video's stream"
        "\nshare the video id, so the entity is always found from the command."
    )
    preamble.look_next(preamble.print_messages(entity_stream(video_id)))


preamble.run(main)
