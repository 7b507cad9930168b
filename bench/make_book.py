"""Write a deterministic generated book in narrate's plain-text style, or an edited copy of one.

An untitled opening paragraph, then N chapters: a Title Case heading line (no closing
punctuation, distinct per chapter), then paragraphs that are single long lines of 3-8 sentences of
8-25 words each, made from a few hundred common English words by a seeded random generator.

Chapter numbers are narrate's: 1 is the untitled opening, 2..N+1 the headed chapters.

    make_book.py OUT.txt [--chapters 60] [--words 100000] [--seed 1] [--edit CHAPTER]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path


def _words(text: str) -> list[str]:
    return text.split()


DETERMINERS = ["the", "a", "one", "every", "that", "this", "her", "his", "their", "our", "my"]
PLURAL_DETERMINERS = ["the", "some", "many", "few", "these", "those", "their", "our", "two"]
ADJECTIVES = _words(
    """
old new small large quiet loud bright dark cold warm early late long short high low young
green grey blue red white black heavy light soft hard calm wild narrow wide deep thin clear
gentle bitter sweet empty full strange familiar simple careful patient tired busy open hidden
distant nearby ordinary silent honest proud lonely steady sudden broken golden northern western
"""
)
NOUNS = _words(
    """
harbour village river garden window kitchen letter morning evening winter summer island road
bridge forest mountain valley field station market library teacher doctor sailor farmer painter
writer neighbour sister brother mother father child friend stranger captain keeper traveller
lamp boat ship storm wind rain snow cloud shadow light door wall table chair book page story
song voice silence memory promise question answer journey city street corner house room stair
tower coast shore wave stone hill meadow orchard bell clock candle fire map compass lantern
basket blanket coat hat glove cup plate bread apple letterbox fence gate path lane square
"""
)
PLURAL_NOUNS = _words(
    """
harbours villages rivers gardens windows letters mornings evenings winters roads bridges
forests mountains fields stations markets teachers doctors sailors farmers painters writers
neighbours sisters brothers children friends strangers lamps boats ships storms clouds shadows
doors walls tables chairs books pages stories songs voices memories promises questions answers
journeys streets houses rooms stairs towers waves stones hills bells clocks candles maps
lanterns baskets blankets coats cups plates apples fences gates paths
"""
)
VERBS = _words(
    """
watched carried found opened closed remembered crossed followed painted mended built kept
left reached noticed visited answered described wrote read counted cleaned lifted moved pulled
pushed held brought sold bought borrowed returned forgot explained studied measured chose shared
gathered lit guarded passed praised questioned
"""
)
INTRANSITIVE = _words(
    """
waited slept listened laughed paused wandered rested smiled worked travelled returned arrived
hesitated spoke sang walked lingered stayed
"""
)
ADVERBS = _words(
    """
slowly quietly carefully quickly gently softly suddenly patiently calmly happily sadly
eagerly firmly warmly boldly easily rarely often again today tonight
"""
)
PREPOSITIONS = _words(
    "near beside behind across along under above beyond toward through around past inside outside "
    "before after"
)
CONJUNCTIONS = ["and", "but", "while", "because", "although", "until", "so", "when", "before"]
OPENERS = ["In the end", "After a while", "For a moment", "Later that day", "Even so",
           "By the evening", "At first", "Long ago", "Once again", "Without a word"]  # fmt: skip
SUBJECTS = ["she", "he", "they", "we", "nobody", "everyone", "the keeper", "the old captain",
            "the teacher", "the young sailor", "her brother", "my neighbour"]  # fmt: skip

TITLE_ADJECTIVES = [w.capitalize() for w in ADJECTIVES]
TITLE_NOUNS = [w.capitalize() for w in NOUNS]
TITLE_PATTERNS = [
    "The {adj} {noun}",
    "The {noun} at {time}",
    "A {adj} {noun} by the {noun2}",
    "The {noun} of the {adj} {noun2}",
    "{adj} {noun} and {adj2} {noun2}",
    "Toward the {noun}",
    "What the {noun} Kept",
    "Letters from the {adj} {noun}",
    "Before the {noun} Came",
]
TIMES = ["Dawn", "Dusk", "Noon", "Midnight", "Night", "Sunrise", "Sunset", "Low Tide"]


def _noun_phrase(rng: random.Random) -> list[str]:
    if rng.random() < 0.3:
        words = [rng.choice(PLURAL_DETERMINERS)]
        if rng.random() < 0.5:
            words.append(rng.choice(ADJECTIVES))
        return [*words, rng.choice(PLURAL_NOUNS)]
    words = [rng.choice(DETERMINERS)]
    if words[0] == "a" and rng.random() < 0.5:
        words = ["the"]
    if rng.random() < 0.5:
        adjective = rng.choice(ADJECTIVES)
        if words[0] == "a" and adjective[0] in "aeiou":
            words = ["an"]
        words.append(adjective)
    return [*words, rng.choice(NOUNS)]


def _clause(rng: random.Random) -> list[str]:
    subject = _noun_phrase(rng) if rng.random() < 0.6 else rng.choice(SUBJECTS).split()
    if rng.random() < 0.25:
        words = [*subject, rng.choice(INTRANSITIVE)]
    else:
        words = [*subject, rng.choice(VERBS), *_noun_phrase(rng)]
    if rng.random() < 0.5:
        words += [rng.choice(PREPOSITIONS), *_noun_phrase(rng)]
    if rng.random() < 0.3:
        words.append(rng.choice(ADVERBS))
    return words


def sentence(rng: random.Random) -> str:
    """One sentence of 8-25 words: a capital first letter, a period last."""
    while True:
        words: list[str] = []
        if rng.random() < 0.2:
            words = [*rng.choice(OPENERS).split()]
            words[-1] += ","
        words += _clause(rng)
        while len(words) < 8 or (len(words) < 18 and rng.random() < 0.5):
            words[-1] += "," if rng.random() < 0.3 else ""
            words += [rng.choice(CONJUNCTIONS), *_clause(rng)]
        if 8 <= len(words) <= 25:
            break
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    """One paragraph: 3-8 sentences on a single line."""
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 8)))


def titles(count: int, rng: random.Random) -> list[str]:
    """`count` distinct Title Case headings with no closing punctuation."""
    seen: list[str] = []
    while len(seen) < count:
        adj, adj2 = rng.sample(TITLE_ADJECTIVES, 2)
        noun, noun2 = rng.sample(TITLE_NOUNS, 2)
        title = rng.choice(TITLE_PATTERNS).format(
            adj=adj, adj2=adj2, noun=noun, noun2=noun2, time=rng.choice(TIMES)
        )
        if title not in seen:
            seen.append(title)
    return seen


def make_book(chapters: int = 60, words: int = 100_000, seed: int = 1) -> str:
    """The book's text: about `words` words (headings included) in `chapters` headed chapters."""
    rng = random.Random(seed)
    headings = titles(chapters, rng)
    lines = [paragraph(rng)]
    total = len(lines[0].split())
    for number, heading in enumerate(headings, start=1):
        lines.append(heading)
        total += len(heading.split())
        chapter_end = words * number // chapters
        while True:
            text = paragraph(rng)
            lines.append(text)
            total += len(text.split())
            if total >= chapter_end:
                break
    return "\n\n".join(lines) + "\n"


def edit_sentence(text: str, heading: str | None) -> str:
    """`text` with one sentence changed: the first of the first paragraph under the line
    `heading` (None: the first paragraph of the text, i.e. the untitled opening)."""
    lines = text.split("\n")
    start = 0
    if heading is not None:
        start = next(i for i, line in enumerate(lines) if line.strip() == heading) + 1
    index = next(i for i in range(start, len(lines)) if lines[i].strip())
    line = lines[index]
    end = line.find(". ")
    end = len(line.rstrip()) - 1 if end < 0 else end
    lines[index] = line[:end] + ", as everyone still remembers" + line[end:]
    return "\n".join(lines)


def edit_book(text: str, chapter: int) -> str:
    """A generated book with one sentence of chapter `chapter` (narrate's numbering) changed."""
    return edit_sentence(text, None if chapter == 1 else book_headings(text)[chapter - 2])


def book_headings(text: str) -> list[str]:
    """The heading lines of a generated book (every non-empty line without a final period)."""
    return [line for line in text.split("\n")[1:] if line and not line.endswith(".")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chapters", type=int, default=60)
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edit", type=int, metavar="CHAPTER", help="change one sentence in it")
    args = parser.parse_args(argv)
    text = make_book(args.chapters, args.words, args.seed)
    if args.edit is not None:
        if not 1 <= args.edit <= args.chapters + 1:
            parser.error(f"--edit must be 1..{args.chapters + 1}")
        text = edit_book(text, args.edit)
    args.out.write_text(text, encoding="utf-8")
    words = len(text.split())
    print(f"{args.out}: {words} words, {args.chapters} headed chapters", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
