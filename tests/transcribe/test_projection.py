"""A transcribe job is finished by its outcome, whichever it was, when it is an outcome of real
work (ours always comes with captions): the workshop's fixed text is not."""

from __future__ import annotations

from tests.consumers.controls import read_example
from tests.transcribe import controls
from tests.workshop import controls as old
from tests.workshop.double import TRANSCRIPTION
from transcribe.projection import TranscribeJob, projection


def test_a_job_without_outcome_is_not_finished() -> None:
    assert projection.fold([]) == TranscribeJob(finished=False)


def test_transcribed_finishes_the_job() -> None:
    assert projection.fold([read_example(controls.transcribed_example())]).finished


def test_transcribe_failed_finishes_the_job() -> None:
    assert projection.fold([read_example(controls.transcribe_failed_example())]).finished


def test_the_command_does_not_finish_the_job() -> None:
    assert not projection.fold([read_example(controls.transcribe_example())]).finished


def test_a_fixed_text_without_captions_does_not_finish_the_job() -> None:
    answer = old.v0_transcribed(transcription=TRANSCRIPTION).as_read()

    assert not projection.fold([answer]).finished
    assert projection.fold([answer, read_example(controls.transcribed_example())]).finished
    assert projection.fold([old.v1_transcribed().as_read()]).finished
