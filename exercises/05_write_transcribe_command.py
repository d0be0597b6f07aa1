"""Exercise 05: write a `Transcribe` command; the running transcribe consumer handles it."""

import sys

import preamble

from transcribe.messages import command_stream, entity_stream

WAIT_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0


def main() -> None:
    preamble.title("Exercise 05: write a Transcribe command")
    video_id, transcribe_id = preamble.new_uuid(), preamble.new_uuid()
    command = preamble.write(
        command_stream(transcribe_id),
        "Transcribe",
        {"transcribeId": transcribe_id, "uri": preamble.sample_video(video_id)},
        {"traceId": preamble.new_uuid(), "originStreamName": f"catalog-{video_id}"},
    )
    preamble.say("Written:")
    preamble.show(command)

    preamble.say(f"\nWaiting up to {WAIT_SECONDS:g} s for the transcribe consumer to handle it ...")
    outcome = preamble.wait_for(
        lambda: preamble.messages_of(entity_stream(transcribe_id)), seconds=WAIT_SECONDS
    )
    if outcome:
        preamble.say("The subscription 'transcribe' (transcribe/component.py) handled it:")
        preamble.show_stream(entity_stream(transcribe_id))
    else:
        preamble.say(
            "Nothing yet: is the system running? Start `./dev up` (or"
            "\n`python manage.py consume transcribe`) and it will handle the command."
        )
    preamble.look_next(
        preamble.print_messages(command_stream(transcribe_id)),
        preamble.print_messages(entity_stream(transcribe_id)),
        "python manage.py print_messages subscriberPosition-transcribe  (its stored position)",
    )


preamble.run(main)
