"""A transcode job is finished by its outcome, whichever it was, when it is an outcome of real
work: the workshop's transcode answers every command with a YouTube URL, which is not."""

from __future__ import annotations

import dataclasses

from tests.consumers.controls import read_example
from tests.transcode import controls
from tests.workshop import controls as old
from tests.workshop.double import YOUTUBE_URI
from transcode.projection import TranscodeJob, projection


def test_a_job_without_outcome_is_not_finished() -> None:
    assert projection.fold([]) == TranscodeJob(finished=False)


def test_transcoded_finishes_the_job() -> None:
    assert projection.fold([read_example(controls.transcoded_example())]).finished


def test_transcode_failed_finishes_the_job() -> None:
    assert projection.fold([read_example(controls.transcode_failed_example())]).finished


def test_the_command_does_not_finish_the_job() -> None:
    assert not projection.fold([read_example(controls.transcode_example())]).finished


def test_a_youtube_answer_does_not_finish_the_job() -> None:
    answer = old.v0_transcoded(transcoded_uri=YOUTUBE_URI).as_read()

    assert not projection.fold([answer]).finished
    assert projection.fold([answer, read_example(controls.transcoded_example())]).finished


def test_an_erased_outcome_and_our_first_shape_finish_the_job() -> None:
    erased = read_example(controls.transcoded_example())
    erased = dataclasses.replace(
        erased,
        data={"transcodeId": controls.TRANSCODE_ID, "uri": "", "transcodedUri": ""},
        metadata={"erasedAt": "2026-01-01T00:00:00.000000Z"},
    )

    assert projection.fold([erased]).finished
    assert projection.fold([old.v1_transcoded().as_read()]).finished
