"""Cue cutting, on word timings made up for each rule: at most 7 s and two lines of 42
characters, a new sentence or a pause starts a new cue, cuts fall after a clause rather than
after a weak word, no straggler, a word is never split; and the WebVTT written from the cues."""

from __future__ import annotations

import webvtt

from transcribe.captions import (
    MAX_CUE_SECONDS,
    MAX_LINE_CHARS,
    MIN_CUE_SECONDS,
    Cue,
    Word,
    cues,
    layout,
    to_webvtt,
)


def spoken(text: str, *, start: float = 0.0, seconds_per_word: float = 0.3) -> list[Word]:
    """Words said one after the other without pauses."""
    return [
        Word(start + index * seconds_per_word, start + (index + 1) * seconds_per_word, word)
        for index, word in enumerate(text.split())
    ]


def test_a_short_sentence_is_one_cue_on_one_line() -> None:
    (cue,) = cues(spoken("Hello there, how are you?"), duration=10)
    assert cue.text == "Hello there, how are you?"
    assert layout(cue.text) == ["Hello there, how are you?"]


def test_long_unpunctuated_speech_is_cut_into_cues_that_fit() -> None:
    text = " ".join(["we keep talking about the weather and the news"] * 8)
    result = cues(spoken(text), duration=100)
    assert " ".join(cue.text for cue in result) == text
    for cue in result:
        assert cue.end - cue.start <= MAX_CUE_SECONDS
        lines = layout(cue.text)
        assert len(lines) <= 2
        assert all(len(line) <= MAX_LINE_CHARS for line in lines)


def test_cues_are_even_rather_than_leaving_a_straggler() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    result = cues(spoken(text, seconds_per_word=0.6), duration=100)
    lengths = [len(cue.text.split()) for cue in result]
    assert len(result) == 2
    assert min(lengths) >= 6, lengths


def test_a_new_sentence_starts_a_new_cue() -> None:
    result = cues(spoken("It rained. We stayed in."), duration=10)
    assert [cue.text for cue in result] == ["It rained.", "We stayed in."]


def test_a_pause_starts_a_new_cue() -> None:
    words = [*spoken("and then"), *spoken("nothing happened", start=2.0)]
    assert [cue.text for cue in cues(words, duration=10)] == ["and then", "nothing happened"]


def test_a_cut_inside_a_sentence_falls_after_a_clause() -> None:
    text = (
        "When the rain stopped and the sun came out over the hills, "
        "we walked down to the river and watched the boats"
    )
    first = cues(spoken(text), duration=100)[0]
    assert first.text.endswith("hills,")


def test_a_cue_never_ends_on_a_weak_word_when_it_can_help_it() -> None:
    text = "we walked all the way down to the old stone bridge over the river in the valley below"
    for cue in cues(spoken(text, seconds_per_word=0.45), duration=100)[:-1]:
        assert cue.text.split()[-1] not in ("the", "to", "over", "in")


def test_a_word_longer_than_a_line_stays_whole() -> None:
    word = "https://example.com/" + "x" * 40
    result = cues([Word(0.0, 1.0, "see"), Word(1.0, 2.0, word)], duration=5)
    assert " ".join(cue.text for cue in result) == f"see {word}"
    assert any(layout(cue.text) == [word] for cue in result)


def test_lines_are_balanced_and_break_after_punctuation() -> None:
    assert layout("Please remember to water the green plants, every single morning.") == [
        "Please remember to water the green plants,",
        "every single morning.",
    ]


def test_a_short_cue_stays_up_long_enough_without_overlapping_the_next() -> None:
    words = [Word(1.0, 1.2, "Yes."), Word(1.5, 1.9, "No."), Word(5.0, 5.1, "Maybe.")]
    first, second, third = cues(words, duration=10)
    assert first.end == second.start == 1.5
    assert second.end - second.start >= MIN_CUE_SECONDS - 1e-9
    assert third.end - third.start >= MIN_CUE_SECONDS - 1e-9


def test_cues_stay_inside_the_video() -> None:
    words = [Word(8.0, 8.5, "Hello"), Word(8.5, 12.0, "world.")]
    (cue,) = cues(words, duration=9.5)
    assert (cue.start, cue.end) == (8.0, 9.5)


def test_a_word_held_too_long_gives_a_cue_of_at_most_seven_seconds() -> None:
    (cue,) = cues([Word(0.0, 10.0, "Hmmmm.")], duration=12)
    assert cue.end == 10.0
    assert cue.end - cue.start == MAX_CUE_SECONDS


def test_webvtt_parses_with_long_times_and_escaped_markup() -> None:
    document = to_webvtt([Cue(start=3725.5, end=3726.0, text="fish & chips <b>")])
    assert "01:02:05.500 --> 01:02:06.000" in document
    (caption,) = webvtt.from_string(document).captions
    assert caption.raw_text == "fish &amp; chips &lt;b&gt;"


def test_no_cues_make_an_empty_webvtt() -> None:
    assert to_webvtt([]) == "WEBVTT\n"
    assert webvtt.from_string(to_webvtt([])).captions == []


def test_a_cue_as_event_data_has_seconds_and_text() -> None:
    assert Cue(start=1.23456, end=2.5, text="Hi.").as_data() == {
        "start": 1.235,
        "end": 2.5,
        "text": "Hi.",
    }
