"""`manage.py status`: one line per subscriber, and an exit code for cron and probes.

Each line: component, subscriber, slot, stored position, lag in messages and in seconds (the age
of the oldest message not yet handled), alive or down (from the processes' heartbeats), parked
messages, and the message in hand; then one line per live process: where it runs, how many
subscribers it runs, how many messages it handled, and its metrics port (its `/metrics` and
`/healthz`). Exits 1 when a subscriber is down or lags past `--max-lag` / `--max-lag-seconds`,
naming each problem on stderr; `--json` prints everything, the processes too, as one JSON
object.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from config.components import COMPONENTS
from message_store.errors import MessageStoreError, first_line
from message_store.status import ProcessStatus, Status, SubscriberStatus, current

COLUMNS = ("component", "subscriber", "slot", "position", "lag", "lag_s", "alive", "parked", "busy")
PROCESS_COLUMNS = ("component", "process", "subscribers", "handled", "metrics_port")


class Command(BaseCommand):
    help = "Show every subscriber's position, lag and liveness; exit 1 if one is down or lags."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--component",
            action="append",
            choices=sorted(COMPONENTS),
            help="only this component (may be repeated)",
        )
        parser.add_argument(
            "--max-lag", type=int, help="a problem when more messages than this wait"
        )
        parser.add_argument(
            "--max-lag-seconds",
            type=float,
            help="a problem when the oldest message waiting is older than this",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        try:
            status = current(options["component"])
        except MessageStoreError as error:
            raise CommandError(f"cannot read the status: {first_line(error)}") from None
        problems = status.problems(
            max_lag=options["max_lag"], max_lag_seconds=options["max_lag_seconds"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(_as_data(status, problems), indent=2, default=str))
        else:
            self.stdout.write(
                _table(COLUMNS, [_row(subscriber) for subscriber in status.subscribers])
            )
            live = [process for process in status.processes if process.alive]
            if live:
                self.stdout.write("")
                self.stdout.write(_table(PROCESS_COLUMNS, [_process_row(p) for p in live]))
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} problem(s)", returncode=1)


def _row(subscriber: SubscriberStatus) -> tuple[str, ...]:
    lag = subscriber.lag
    return (
        subscriber.component,
        subscriber.subscriber_id,
        subscriber.slot or "-",
        str(subscriber.position),
        f"{lag.messages}{'+' if lag.capped else ''}",
        "-" if lag.seconds is None else f"{lag.seconds:.1f}",
        "alive" if subscriber.alive else "DOWN",
        str(subscriber.parked),
        subscriber.busy or "-",
    )


def _process_row(process: ProcessStatus) -> tuple[str, ...]:
    return (
        process.component,
        process.where,
        str(len(process.subscriber_ids)),
        str(process.handled),
        "-" if process.metrics_port is None else str(process.metrics_port),
    )


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [columns, *rows]
    )


def _as_data(status: Status, problems: list[str]) -> dict[str, object]:
    return {
        "ok": not problems,
        "problems": problems,
        "subscribers": [subscriber.as_data() for subscriber in status.subscribers],
        "processes": [{**process.__dict__, "state": process.state} for process in status.processes],
    }
