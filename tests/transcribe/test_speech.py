"""Whisper turns speech in several voices into the sentence's words, punctuated and cased, with
caption cues that follow the subtitle rules; in windows as well as in one piece.

Recognition is approximate by nature, so assertions compare words with a tolerance; they
never expect an exact transcript.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest
import webvtt

from tests.media_factory import make_spoken_clip
from tests.transcribe.controls import word_overlap, words
from transcode.ffmpeg import JobCancelled, probe
from transcribe import audio
from transcribe.captions import MAX_CUE_SECONDS, MAX_LINE_CHARS
from transcribe.speech import Transcript, transcribe

pytestmark = pytest.mark.slow

SENTENCE = (
    "Please remember to water the green plants in the kitchen every morning. "
    "The weather will be warm and sunny tomorrow, so open the windows."
)


@pytest.fixture(scope="module", params=["awb", "slt"])
def spoken(request, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Transcript]:
    clip = tmp_path_factory.mktemp("speech") / f"{request.param}.mp4"
    make_spoken_clip(clip, SENTENCE, voice=request.param)
    return clip, transcribe(clip)


def test_the_transcript_has_the_sentences_words(spoken: tuple[Path, Transcript]) -> None:
    _, transcript = spoken
    assert word_overlap(SENTENCE, transcript.text) >= 0.9, transcript.text
    assert transcript.language == "en"


def test_the_transcript_is_punctuated_and_cased(spoken: tuple[Path, Transcript]) -> None:
    _, transcript = spoken
    assert transcript.text[0].isupper()
    assert transcript.text.endswith(".")
    assert "Please" in transcript.text.split()


def test_the_captions_parse_and_follow_the_rules(spoken: tuple[Path, Transcript]) -> None:
    clip, transcript = spoken
    duration = probe(clip).duration_seconds
    captions = webvtt.from_string(transcript.to_webvtt()).captions
    assert len(captions) == len(transcript.cues) >= 2
    previous_end = 0.0
    for caption, cue in zip(captions, transcript.cues, strict=True):
        start, end = (
            caption.start_time.in_milliseconds() / 1000,
            caption.end_time.in_milliseconds() / 1000,
        )
        assert start == pytest.approx(cue.start, abs=0.001)
        assert end == pytest.approx(cue.end, abs=0.001)
        assert previous_end <= start < end <= duration + 0.001
        assert end - start <= MAX_CUE_SECONDS + 0.001
        assert 1 <= len(caption.lines) <= 2
        assert all(len(line) <= MAX_LINE_CHARS for line in caption.lines), caption.lines
        assert " ".join(caption.lines) == cue.text
        previous_end = end


def test_cues_are_cut_between_words_only(spoken: tuple[Path, Transcript]) -> None:
    _, transcript = spoken
    assert " ".join(cue.text for cue in transcript.cues) == transcript.text
    assert all(cue.text == cue.text.strip() and "  " not in cue.text for cue in transcript.cues)


def test_a_new_sentence_starts_a_new_cue(spoken: tuple[Path, Transcript]) -> None:
    _, transcript = spoken
    for cue in transcript.cues:
        assert cue.text.rstrip(".").count(". ") == 0, cue.text


def test_windows_cut_at_quiet_moments_lose_no_words(spoken, monkeypatch) -> None:
    clip, whole = spoken
    monkeypatch.setattr(audio, "WINDOW_SECONDS", 3.0)
    monkeypatch.setattr(audio, "CUT_SEARCH_SECONDS", 1.0)

    windowed = transcribe(clip)

    assert word_overlap(whole.text, windowed.text) >= 0.9, windowed.text
    assert len(words(windowed.text)) <= len(words(whole.text)) + 1


def test_windows_cover_the_sound_in_order_within_their_size(spoken) -> None:
    clip, _ = spoken
    windows = list(audio.windows(clip, window_seconds=3.0))

    assert len(windows) >= 3
    assert all(window.seconds <= 3.0 for window in windows)
    for before, after in itertools.pairwise(windows):
        assert after.offset == pytest.approx(before.offset + before.seconds, abs=1e-6)
    total = windows[-1].offset + windows[-1].seconds
    assert total == pytest.approx(probe(clip).duration_seconds, abs=0.1)


def test_recognition_stops_when_cancelled(spoken) -> None:
    clip, _ = spoken
    cancel = threading.Event()
    cancel.set()

    with pytest.raises(JobCancelled):
        transcribe(clip, cancel=cancel)
