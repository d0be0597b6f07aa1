"""`manage.py parked list|replay|dismiss`: the messages subscribers gave up on.

`replay` asks the consumer that owns each message to handle it again (it must be running, or
it does so when it starts); the admin offers the same under Message store → Parked messages.
"""

from django.core.management.base import BaseCommand, CommandError

from message_store import parking
from message_store.models import ParkedMessage


class Command(BaseCommand):
    help = "List parked messages, or request their replay, or dismiss them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["list", "replay", "dismiss"])
        parser.add_argument("ids", nargs="*", type=int, help="parked message ids (see list)")
        parser.add_argument("--subscriber", help="only this subscriber's parked messages")
        parser.add_argument(
            "--all", action="store_true", help="list: every status; replay/dismiss: all parked"
        )

    def handle(self, *args, action: str, ids: list[int], **options) -> None:
        rows = ParkedMessage.objects.order_by("global_position")
        if options["subscriber"]:
            rows = rows.filter(subscriber_id=options["subscriber"])
        if action == "list":
            if not options["all"]:
                rows = rows.filter(status=ParkedMessage.Status.PARKED)
            for row in rows:
                self.stdout.write(
                    f"{row.pk:>6}  {row.status:<16} {row.subscriber_id}  {row.type} "
                    f"{row.stream_name} (global position {row.global_position}, "
                    f"{row.attempts} attempts): {row.error.splitlines()[0] if row.error else ''}"
                )
            return
        if ids:
            rows = rows.filter(pk__in=ids)
        elif not options["all"]:
            raise CommandError(f"{action} needs parked message ids, or --all")
        selected = list(rows.values_list("pk", flat=True))
        count = (
            parking.request_replay(selected) if action == "replay" else parking.dismiss(selected)
        )
        self.stdout.write(f"{action}: {count} message(s)")
