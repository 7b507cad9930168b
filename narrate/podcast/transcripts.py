"""WebVTT and SRT transcripts, pure: cues of a sentence each, or a clause of a long one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

VTT_LINE, SRT_LINE = 65, 32
_ARROW = re.compile(r"--+>")
_CLAUSE_END = re.compile(r"[,;:\u2014\u2013][\"'\u201d\u2019)\]]*$")
_INNER_DASH = re.compile(r"(?<=[\u2014\u2013])(?=\S)")


@dataclass(frozen=True)
class Cue:
    """One transcript cue: a sentence, or a clause of a long one."""

    start_ms: int
    end_ms: int
    text: str
    """At most two lines, joined by "\\n"."""


# A token is a word and whether it joins the previous one with no space (the parts of a word cut
# at an inner dash or at the line width).
_Token = tuple[str, bool]


def sentence_cues(sentences: Sequence[tuple[int, int, str]], max_line: int) -> list[Cue]:
    """Cues for spoken sentences given as (start_ms, end_ms, written text): one per sentence, or
    per clause of one too long for two lines of `max_line` characters, sharing its time by length.
    A span shorter than its cues need (1 ms each) loses the cues that do not fit."""
    cues: list[Cue] = []
    for start, end, written in sorted(sentences, key=lambda sentence: sentence[0]):
        tokens = _tokens(_ARROW.sub("->", written), max_line)
        if not tokens or end <= start:
            continue
        pieces = _pieces(tokens, max_line)
        sizes = [len(_joined(piece)) for piece in pieces]
        total, done, position = sum(sizes), 0, start
        for number, (piece, size) in enumerate(zip(pieces, sizes, strict=True)):
            done += size
            latest = end - (len(pieces) - 1 - number)  # leave each later cue 1 ms
            until = min(latest, max(position + 1, start + round((end - start) * done / total)))
            if until <= position:
                break
            cues.append(Cue(position, until, "\n".join(_lines(piece, max_line) or [])))
            position = until
    return cues


def _tokens(text: str, width: int) -> list[_Token]:
    """The words, cut after an inner dash and into slices where longer than a line."""
    tokens: list[_Token] = []
    for word in text.split():
        if len(word) <= width and "\u2014" not in word and "\u2013" not in word:
            tokens.append((word, False))  # most words: no dash inside, shorter than a line
            continue
        for part_number, part in enumerate(_INNER_DASH.split(word)):
            for start in range(0, len(part), width):
                tokens.append((part[start : start + width], part_number > 0 or start > 0))
    return tokens


def _pieces(tokens: list[_Token], width: int) -> list[list[_Token]]:
    """The sentence, else its clauses (else runs of words), each fitting two lines; neighbours
    that fit two lines together are put back together."""
    if _filled(_EMPTY, tokens, width) is not None:
        return [tokens]
    pieces: list[list[_Token]] = []
    last: _Fill | None = None  # how the last piece fills its lines
    for clause in _clauses(tokens):
        for run in _runs(clause, width):
            joined = _filled(last, run, width) if last is not None else None
            if joined is not None:
                pieces[-1] = pieces[-1] + run
                last = joined
            else:
                pieces.append(run)
                last = _filled(_EMPTY, run, width)
    return pieces


def _clauses(tokens: list[_Token]) -> list[list[_Token]]:
    clauses: list[list[_Token]] = [[]]
    for token in tokens:
        clauses[-1].append(token)
        if _CLAUSE_END.search(token[0]):
            clauses.append([])
    return [clause for clause in clauses if clause]


def _runs(tokens: list[_Token], width: int) -> list[list[_Token]]:
    """The longest runs of words that fit two lines, from the start."""
    runs: list[list[_Token]] = []
    last: _Fill | None = None
    for token in tokens:
        added = _fill(last, token, width) if last is not None else None
        if added is None:
            runs.append([])
            added = _fill(_EMPTY, token, width)  # a token is never longer than a line
        runs[-1].append(token)
        last = added
    return runs


_Fill = tuple[int, int, bool]
"""Lines filled so far: the line being filled (1 or 2), its length, and whether it is empty."""
_EMPTY: _Fill = (1, 0, True)


def _fits(tokens: list[_Token], width: int) -> bool:
    """Whether `_lines` can lay the tokens out, told without joining them."""
    return _filled(_EMPTY, tokens, width) is not None


def _filled(state: _Fill | None, tokens: list[_Token], width: int) -> _Fill | None:
    for token in tokens:
        if state is None:
            break
        state = _fill(state, token, width)
    return state


def _fill(state: _Fill, token: _Token, width: int) -> _Fill | None:
    """`state` with one more token, the first line filled as far as it goes (which leaves the
    least for the second); None if two lines cannot hold it. Fits are told token by token, so
    a sentence costs its length, not its length squared (a book has ~6,000 sentences)."""
    line, length, empty = state
    word, glued = token
    added = len(word) if empty or glued else len(word) + 1
    if length + added <= width:
        return line, length + added, False
    if line == 1 and not empty and len(word) <= width:
        return 2, len(word), False
    return None


def _lines(tokens: list[_Token], width: int) -> list[str] | None:
    """The tokens as one line, or two balanced lines, of at most `width` characters; None if
    they need more."""
    if not tokens:
        return [""]
    # Lengths are added up, not joined and measured, for every cut: a book has ~6,000
    # sentences and each is tried word by word, so this runs ~100,000 times.
    lengths = [len(word) for word, _ in tokens]
    spaces = [0] + [0 if glued else 1 for _, glued in tokens[1:]]
    whole = sum(lengths) + sum(spaces)
    if whole <= width:
        return [_joined(tokens)]
    best: tuple[int, int] | None = None
    top = lengths[0]
    for cut in range(1, len(tokens)):
        if top > width:
            break  # the top line only grows from here
        bottom = whole - top - spaces[cut]
        longest = max(top, bottom)
        if longest <= width and (best is None or longest < best[0]):
            best = (longest, cut)
        top += spaces[cut] + lengths[cut]
    return [_joined(tokens[: best[1]]), _joined(tokens[best[1] :])] if best else None


def _joined(tokens: Sequence[_Token]) -> str:
    text = ""
    for word, glued in tokens:
        text += word if glued or not text else " " + word
    return text


def webvtt(cues: Sequence[Cue]) -> str:
    """A WebVTT file: a header, then each cue's times and text with & < > escaped."""
    blocks = ["WEBVTT"]
    for cue in cues:
        text = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        blocks.append(f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}\n{text}")
    return "\n\n".join(blocks) + "\n"


def srt(cues: Sequence[Cue]) -> str:
    """A SubRip file: cues numbered from 1, with comma-separated milliseconds."""
    blocks = [
        f"{number}\n{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}\n{cue.text}"
        for number, cue in enumerate(cues, 1)
    ]
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(max(ms, 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"
