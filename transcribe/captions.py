"""Caption cues cut from timed words the way subtitle style guides ask, written as WebVTT.

The rules are those shared by the BBC Subtitle Guidelines and Netflix's Timed Text Style Guide:
a cue is on screen for at most 7 s and at least 5/6 s (when the next one leaves room), holds at
most two lines of 42 characters, starts a new sentence in a new cue, ends at a pause in the
speech, and when it must be cut within a sentence, is cut after a clause (a comma, a colon)
rather than after "the" or "to". Cuts fall between words only: the cues' words, in order, are
the transcript's words. Lines are balanced, breaking after punctuation where one can.
The WebVTT file is written with webvtt-py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import webvtt
from webvtt.models import Timestamp

MAX_CUE_SECONDS = 7.0
MIN_CUE_SECONDS = 5 / 6
MAX_LINE_CHARS = 42
PAUSE_SECONDS = 0.6
"""A silence this long between two words ends a cue."""

_CLOSERS = r"[\"')\]\u201d\u2019]*$"
"""Closing quotes and brackets after the punctuation that ends a sentence or a clause."""
_SENTENCE_END = re.compile(r"[.?!\u2026]" + _CLOSERS)
_CLAUSE_END = re.compile(r"[,;:\u2013\u2014]" + _CLOSERS)
_WEAK_ENDINGS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of"}
    | {"on", "or", "so", "than", "that", "the", "to", "with"}
)
"""Words a line or a cue should not end on (articles, conjunctions, prepositions)."""
_STRAGGLER_CHARS = 12


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Cue:
    """One caption: `text` (words separated by single spaces) from `start` to `end` seconds."""

    start: float
    end: float
    text: str

    def as_data(self) -> dict:
        return {"start": round(self.start, 3), "end": round(self.end, 3), "text": self.text}


def cues(words: Sequence[Word], *, duration: float) -> tuple[Cue, ...]:
    """Cut `words` (in spoken order) into cues that fit the rules and the `duration`."""
    groups: list[list[Word]] = []
    for run in _runs(words):
        groups += _split(run)
    return _timed(groups, duration)


def layout(text: str) -> list[str]:
    """The one or two lines a cue's text is shown on (a word is never split)."""
    lines = _lines(text.split())
    return lines if lines is not None else [text]


def to_webvtt(cue_list: Sequence[Cue]) -> str:
    """The cues as a WebVTT document for a `<track>` element."""
    captions = [
        webvtt.Caption(
            str(Timestamp.from_seconds(cue.start)),
            str(Timestamp.from_seconds(cue.end)),
            [_escape(line) for line in layout(cue.text)],
        )
        for cue in cue_list
    ]
    return webvtt.WebVTT(captions=captions).content


def _runs(words: Sequence[Word]) -> list[list[Word]]:
    """The words split where a cue must end anyway: after a sentence, and at a pause."""
    runs: list[list[Word]] = []
    for word in words:
        if runs and not _ends_cue(runs[-1][-1], word):
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs


def _ends_cue(previous: Word, word: Word) -> bool:
    return bool(_SENTENCE_END.search(previous.text)) or word.start - previous.end >= PAUSE_SECONDS


def _split(run: list[Word]) -> list[list[Word]]:
    """The cheapest cut of a run into cues that fit (dynamic programming over cut points):
    few cues, of even size, none a straggler, each ending where a reader expects a break."""
    best = [0.0] + [math.inf] * len(run)
    start_of = [0] * (len(run) + 1)
    for end in range(1, len(run) + 1):
        for start in range(end - 1, -1, -1):
            group = run[start:end]
            if len(group) > 1 and not _fits(group):
                break  # a longer group fits even less
            following = run[end] if end < len(run) else None
            cost = best[start] + _cost(group, following)
            if cost < best[end]:
                best[end], start_of[end] = cost, start
    groups, end = [], len(run)
    while end:
        groups.append(run[start_of[end] : end])
        end = start_of[end]
    return groups[::-1]


def _fits(group: Sequence[Word]) -> bool:
    if group[-1].end - group[0].start > MAX_CUE_SECONDS:
        return False
    return _lines([word.text for word in group]) is not None


def _cost(group: Sequence[Word], following: Word | None) -> float:
    chars = len(" ".join(word.text for word in group))
    seconds = group[-1].end - group[0].start
    cost = 1.0 + 0.5 * (chars / (2 * MAX_LINE_CHARS)) ** 2 + 0.5 * (seconds / MAX_CUE_SECONDS) ** 2
    if chars < _STRAGGLER_CHARS or seconds < MIN_CUE_SECONDS:
        cost += 0.75
    if following is not None:  # a cut inside a sentence
        last = group[-1].text
        if last.lower() in _WEAK_ENDINGS:
            cost += 1.0
        elif not _CLAUSE_END.search(last):
            cost += 0.4
        cost -= min(following.start - group[-1].end, 0.5)
    return cost


def _lines(words: Sequence[str]) -> list[str] | None:
    """The best one- or two-line layout of `words`, or None when none fits."""
    text = " ".join(words)
    if len(text) <= MAX_LINE_CHARS:
        return [text]
    best, best_score = None, float("-inf")
    for cut in range(1, len(words)):
        top, bottom = " ".join(words[:cut]), " ".join(words[cut:])
        if len(top) > MAX_LINE_CHARS or len(bottom) > MAX_LINE_CHARS:
            continue
        score = -abs(len(top) - len(bottom)) / MAX_LINE_CHARS
        score += 1.0 if _CLAUSE_END.search(top) or _SENTENCE_END.search(top) else 0.0
        score -= 0.5 if words[cut - 1].lower() in _WEAK_ENDINGS else 0.0
        if score > best_score:
            best, best_score = [top, bottom], score
    return best


def _timed(groups: list[list[Word]], duration: float) -> tuple[Cue, ...]:
    """Cues from word groups: inside [0, duration], in order, at most 7 s, and on screen at
    least 5/6 s where the next cue leaves room."""
    spans = []
    for group in groups:
        end = min(group[-1].end, duration)
        start = max(group[0].start, end - MAX_CUE_SECONDS, spans[-1][1] if spans else 0.0)
        spans.append((start, end))
    timed = []
    for index, (group, (start, end)) in enumerate(zip(groups, spans, strict=True)):
        limit = spans[index + 1][0] if index + 1 < len(spans) else duration
        end = max(end, min(start + MIN_CUE_SECONDS, limit))
        if end > start:
            timed.append(Cue(start=start, end=end, text=" ".join(word.text for word in group)))
    return tuple(timed)


def _escape(text: str) -> str:
    # WebVTT cue text treats "&" and "<" as markup; ">" is escaped so "-->" cannot appear.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
