"""`manage.py write_message STREAM TYPE`: write one message by hand and print its position."""

import json

from django.core.management.base import BaseCommand, CommandError

from message_store.errors import MessageStoreError
from message_store.messages import NewMessage, new_id
from message_store.runtime import get_store


class Command(BaseCommand):
    help = "Write one message to a stream (as its own transaction) and print its stream position."

    def add_arguments(self, parser) -> None:
        parser.add_argument("stream", help="the stream to write to: category-id")
        parser.add_argument("message_type", metavar="TYPE", help="the message type, e.g. Started")
        parser.add_argument("--data", default="{}", help="a JSON object (default: {})")
        parser.add_argument("--metadata", help="a JSON object (default: none)")
        parser.add_argument("--id", help="the message id, a UUID (default: a new one)")
        parser.add_argument(
            "--expected-version",
            type=int,
            help="write only if the stream is at this version (-1: the stream is empty)",
        )

    def handle(self, *args, stream: str, message_type: str, **options) -> None:
        metadata = options["metadata"]
        try:
            message = NewMessage(
                id=options["id"] or new_id(),
                stream_name=stream,
                type=message_type,
                data=json_object("--data", options["data"]),
                metadata=None if metadata is None else json_object("--metadata", metadata),
                expected_version=options["expected_version"],
            )
            position = get_store().write(message)
        except MessageStoreError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(position))


def json_object(option: str, text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(f"{option} is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise CommandError(f"{option} must be a JSON object, not {_JSON_KINDS[type(value)]}")
    return value


_JSON_KINDS = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}
