"""Offline recognition turns synthetic speech into roughly the right words and valid captions.

Recognition is approximate by nature, so assertions compare sets of words with a tolerance;
they never expect an exact transcript.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.media_factory import make_silent_clip, make_spoken_clip, make_video_without_audio
from transcode.ffmpeg import NoAudioError, probe
from transcribe.speech import Cue, Transcript, extract_pcm, transcribe

SENTENCE = "Welcome to the video catalog. Today we talk about the weather and the news."
CLIP_SECONDS = 7.0
_TIMESTAMP = r"(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})"
_CUE_TIMING_RE = re.compile(rf"^{_TIMESTAMP} --> {_TIMESTAMP}$")


@pytest.fixture(scope="module")
def spoken_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("speech") / "spoken.mp4"
    return make_spoken_clip(path, SENTENCE, seconds=CLIP_SECONDS)


@pytest.fixture(scope="module")
def transcript(spoken_clip: Path) -> Transcript:
    return transcribe(spoken_clip)


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def parse_webvtt(document: str) -> list[tuple[float, float, str]]:
    """Check the WebVTT structure strictly and return the cues it contains."""
    assert document.startswith("WEBVTT\n")
    assert document.endswith("\n")
    header, _, body = document.partition("\n\n")
    assert header == "WEBVTT"
    cues = []
    for block in filter(None, body.split("\n\n")):
        timing, *text_lines = block.strip("\n").split("\n")
        match = _CUE_TIMING_RE.match(timing)
        assert match, f"bad cue timing line: {timing!r}"
        assert text_lines
        assert all("-->" not in line and line.strip() for line in text_lines)
        numbers = [int(n) for n in match.groups()]
        start = numbers[0] * 3600 + numbers[1] * 60 + numbers[2] + numbers[3] / 1000
        end = numbers[4] * 3600 + numbers[5] * 60 + numbers[6] + numbers[7] / 1000
        cues.append((start, end, "\n".join(text_lines)))
    return cues


@pytest.mark.slow
def test_spoken_sentence_is_mostly_recognised(transcript: Transcript) -> None:
    expected = words(SENTENCE)
    overlap = len(expected & words(transcript.text)) / len(expected)
    assert overlap >= 0.7, f"recognised only {overlap:.0%}: {transcript.text!r}"


@pytest.mark.slow
def test_no_filler_tokens_in_text(transcript: Transcript) -> None:
    assert not re.search(r"<|>|\[|\]|\(\d+\)|\+\+", transcript.text)


@pytest.mark.slow
def test_cues_are_in_order_inside_the_clip(transcript: Transcript, spoken_clip: Path) -> None:
    duration = probe(spoken_clip).duration_seconds
    assert transcript.cues
    previous_end = 0.0
    for cue in transcript.cues:
        assert previous_end <= cue.start < cue.end <= duration
        assert cue.text.strip()
        previous_end = cue.end
    assert " ".join(cue.text for cue in transcript.cues) == transcript.text


@pytest.mark.slow
def test_webvtt_is_valid_and_matches_cues(transcript: Transcript) -> None:
    parsed = parse_webvtt(transcript.to_webvtt())
    assert len(parsed) == len(transcript.cues)
    for (start, end, text), cue in zip(parsed, transcript.cues, strict=True):
        assert start == pytest.approx(cue.start, abs=0.001)
        assert end == pytest.approx(cue.end, abs=0.001)
        assert text == cue.text


@pytest.mark.slow
def test_pcm_is_16khz_mono_16bit(spoken_clip: Path) -> None:
    pcm = extract_pcm(spoken_clip)
    assert len(pcm) % 2 == 0
    assert len(pcm) / (16_000 * 2) == pytest.approx(CLIP_SECONDS, abs=0.1)


@pytest.mark.slow
def test_silent_clip_gives_empty_transcript(tmp_path: Path) -> None:
    result = transcribe(make_silent_clip(tmp_path / "silent.mp4", seconds=2))
    assert result.text == ""
    assert result.cues == ()
    assert result.to_webvtt() == "WEBVTT\n"


@pytest.mark.slow
def test_video_without_audio_raises_no_audio(tmp_path: Path) -> None:
    with pytest.raises(NoAudioError, match="no audio"):
        transcribe(make_video_without_audio(tmp_path / "mute.mp4", seconds=1))


def test_webvtt_formats_long_times_and_escapes_markup() -> None:
    transcript = Transcript(
        text="fish & chips <b>",
        cues=(Cue(start=3725.5, end=3726.0, text="fish & chips <b>"),),
    )
    document = transcript.to_webvtt()
    assert "01:02:05.500 --> 01:02:06.000" in document
    assert parse_webvtt(document) == [(3725.5, 3726.0, "fish &amp; chips &lt;b&gt;")]
