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
        for part_number, part in enumerate(_INNER_DASH.split(word)):
            for start in range(0, len(part), width):
                tokens.append((part[start : start + width], part_number > 0 or start > 0))
    return tokens


def _pieces(tokens: list[_Token], width: int) -> list[list[_Token]]:
    """The sentence, else its clauses (else runs of words), each fitting two lines; neighbours
    that fit two lines together are put back together."""
    if _fits(tokens, width):
        return [tokens]
    pieces: list[list[_Token]] = []
    for clause in _clauses(tokens):
        for run in _runs(clause, width):
            if pieces and _fits(pieces[-1] + run, width):
                pieces[-1] = pieces[-1] + run
            else:
                pieces.append(run)
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
    for token in tokens:
        if runs and _fits([*runs[-1], token], width):
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def _fits(tokens: list[_Token], width: int) -> bool:
    """Whether `_lines` can lay the tokens out, told without joining them: the first line
    filled as far as it goes leaves the least for the second (a book's ~6,000 sentences are
    tried word by word, ~100,000 times)."""
    line, length, empty = 1, 0, True
    for word, glued in tokens:
        added = len(word) if empty or glued else len(word) + 1
        if length + added <= width:
            length, empty = length + added, False
        elif line == 1 and not empty and len(word) <= width:
            line, length = 2, len(word)
        else:
            return False
    return True


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
