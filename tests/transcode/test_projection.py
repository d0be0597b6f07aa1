"""A transcode job is finished by its outcome, whichever it was."""

from __future__ import annotations

from tests.consumers.controls import read_example
from tests.transcode import controls
from transcode.projection import TranscodeJob, projection


def test_a_job_without_outcome_is_not_finished() -> None:
    assert projection.fold([]) == TranscodeJob(finished=False)


def test_transcoded_finishes_the_job() -> None:
    assert projection.fold([read_example(controls.transcoded_example())]).finished


def test_transcode_failed_finishes_the_job() -> None:
    assert projection.fold([read_example(controls.transcode_failed_example())]).finished


def test_the_command_does_not_finish_the_job() -> None:
    assert not projection.fold([read_example(controls.transcode_example())]).finished
