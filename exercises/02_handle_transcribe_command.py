"""Exercise 02: call the transcribe component's `Transcribe` handler with a command in hand."""

import preamble

from transcribe.messages import command_stream, entity_stream


def main() -> None:
    preamble.title("Exercise 02: handle a Transcribe command")
    video_id, transcribe_id = preamble.new_uuid(), preamble.new_uuid()
    uri = preamble.sample_video(video_id)
    command = preamble.in_hand(
        command_stream(transcribe_id),
        "Transcribe",
        {"transcribeId": transcribe_id, "uri": uri},
        {"traceId": preamble.new_uuid(), "originStreamName": f"catalog-{video_id}"},
    )
    handle = preamble.handler("transcribe", "Transcribe")

    preamble.say(f"Calling {handle.__module__}.{handle.__name__} with a Transcribe of {uri} ...")
    handle(command, store=preamble.store())

    preamble.say("The handler transcribed the file and recorded the outcome:")
    preamble.show_stream(entity_stream(transcribe_id))
    preamble.say(
        "\nThe handler is the function registered for the type 'Transcribe' in"
        "\ntranscribe/component.py; the store is passed in, as the workshop injects it."
        "\nThe reply carries the command's traceId and originStreamName, so it finds its way back."
    )
    preamble.look_next(preamble.print_messages(entity_stream(transcribe_id)))


preamble.run(main)
