"""A message the row already reflects (a duplicate, or one older than the row) changes nothing."""

import pytest

from tests.videos import controls
from tests.videos.conftest import deliver, snapshot
from videos import aggregator

pytestmark = pytest.mark.django_db


def test_a_duplicate_changes_nothing():
    for message in controls.happy_path():
        deliver(message)
    before = snapshot(controls.VIDEO_ID)

    for message in controls.happy_path():
        deliver(message)

    assert snapshot(controls.VIDEO_ID) == before


def test_the_same_message_twice_in_a_row_changes_nothing():
    deliver(controls.catalog())
    deliver(controls.started())
    before = snapshot(controls.VIDEO_ID)

    deliver(controls.started())

    assert snapshot(controls.VIDEO_ID) == before


def test_a_late_command_does_not_step_back():
    """The command subscription may lag behind the events one: its Catalog arrives last."""
    deliver(controls.started(title="From the event"))
    deliver(controls.transcoded())

    deliver(controls.catalog(title="Late command"))

    row = snapshot(controls.VIDEO_ID)
    assert row["status"] == "transcoded"
    assert row["title"] == "From the event"
    assert row["last_global_position"] == 3


def test_an_older_failure_does_not_undo_a_finished_video():
    for message in controls.happy_path():
        deliver(message)

    deliver(controls.transcode_failed(global_position=3))

    row = snapshot(controls.VIDEO_ID)
    assert row["status"] == "cataloged"
    assert row["failure_reason"] == ""


def test_apply_reports_whether_the_row_changed():
    change = aggregator.project_started(controls.started())

    assert aggregator.apply(change) is True
    assert aggregator.apply(change) is False
