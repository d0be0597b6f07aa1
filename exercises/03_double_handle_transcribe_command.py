"""Exercise 03: call the `Transcribe` handler twice with the same command."""

import preamble

from transcribe.messages import command_stream, entity_stream


def main() -> None:
    preamble.title("Exercise 03: handle a Transcribe command twice")
    video_id, transcribe_id = preamble.new_uuid(), preamble.new_uuid()
    command = preamble.in_hand(
        command_stream(transcribe_id),
        "Transcribe",
        {"transcribeId": transcribe_id, "uri": preamble.sample_video(video_id)},
        {"traceId": preamble.new_uuid(), "originStreamName": f"catalog-{video_id}"},
    )
    handle = preamble.handler("transcribe", "Transcribe")

    preamble.say("Calling the handler twice (a crash, a redeploy or a restart does this) ...")
    handle(command, store=preamble.store())
    handle(command, store=preamble.store())

    events = preamble.show_stream(entity_stream(transcribe_id), "Transcribed")
    preamble.say(
        f"\nOne command handled twice wrote {len(events)} Transcribed event."
        "\nWhy only one: the handler first folds the job's stream with its projection"
        "\n(transcribe/projection.py) and returns when the job is finished (message_store/"
        "\nhandling.py, run_once). And it writes with the stream's expected version and an id"
        "\nderived from the command, so two handlers racing on it still write once."
    )
    preamble.look_next(preamble.print_messages(entity_stream(transcribe_id)))


preamble.run(main)
