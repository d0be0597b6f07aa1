"""A transcribe job is finished by its outcome, whichever it was."""

from __future__ import annotations

from tests.consumers.controls import read_example
from tests.transcribe import controls
from transcribe.projection import TranscribeJob, projection


def test_a_job_without_outcome_is_not_finished() -> None:
    assert projection.fold([]) == TranscribeJob(finished=False)


def test_transcribed_finishes_the_job() -> None:
    assert projection.fold([read_example(controls.transcribed_example())]).finished


def test_transcribe_failed_finishes_the_job() -> None:
    assert projection.fold([read_example(controls.transcribe_failed_example())]).finished


def test_the_command_does_not_finish_the_job() -> None:
    assert not projection.fold([read_example(controls.transcribe_example())]).finished
