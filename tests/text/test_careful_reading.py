"""The issue's examples, read right: through the normalizer and through `narrate chapters
--spoken`, the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrate.text.normalize import spoken_form
from narrate.text.sentences import split_sentences
from tests.conftest import run_narrate

EXAMPLES = [
    # letters stay letters where a number is not near-certain
    ("After dinner with John I went home.", "After dinner with John I went home."),
    ("Robert C. Martin wrote it.", "Robert C Martin wrote it."),
    ("Peter V. Smith left.", "Peter V Smith left."),
    ("Mary M. and G. K. Chesterton.", "Mary M. and G K Chesterton."),
    ("In Part I explain why.", "In Part I explain why."),
    ("See Vol. IV and Henry V.", "See Volume four and Henry the Fifth."),
    ("Henry V. He was king.", "Henry V He was king."),  # an initial? left as letters
    # and numbers where it is
    ("Henry VIII and Charles I of England.", "Henry the Eighth and Charles the First of England."),
    ("World War I ended; World War II began.", "World War one ended; World War two began."),
    ("Super Bowl LVIII was close.", "Super Bowl fifty-eight was close."),
    ("Read Act III, Part I.", "Read Act three, Part one."),
    # the categories
    ("Install v1.2.3 today.", "Install version one point two point three today."),
    ("Call 1-800-555-1212 now.", "Call one, eight hundred, five five five, one two one two now."),
    ("You are the 1,000th visitor.", "You are the one thousandth visitor."),
    ("It costs $.50 only.", "It costs fifty cents only."),
    ("The clock read 0:00.", "The clock read midnight."),
    ("At 12:00 midnight or 12:00 noon.", "At twelve midnight or twelve noon."),
    ("Add ½ cup, ¼ cup, ¾ cup and 5½ cups.",
     "Add one half cup, one quarter cup, three quarters cup and five and a half cups."),
    ("Then x² plus 2³.", "Then x squared plus two cubed."),
    ("The U.S. Army arrived.", "The U.S Army arrived."),
    ("At 9 a.m. Monday, e.g. Paris, i.e. France.",
     "At nine a.m Monday, for example Paris, that is France."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("written", "said"),
    [*EXAMPLES, ("I shut the Book. I, too, was tired.", "I shut the Book. I, too, was tired.")],
)
def test_examples(written: str, said: str) -> None:
    assert spoken_form(written) == said


@pytest.mark.parametrize(
    "paragraph",
    [
        "The U.S. Army arrived.",
        "The U.K. Navy sailed at 9 a.m. Monday.",
        "We met at 5 p.m. near the U.S. Capitol, e.g. Mr. Smith and Robert C. Martin.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(paragraph: str) -> None:
    assert split_sentences(paragraph) == [paragraph]


def test_a_dotted_abbreviation_ends_a_sentence_before_a_new_one() -> None:
    assert split_sentences("I left at 5 p.m. The rest stayed in the U.S. They liked it.") == [
        "I left at 5 p.m.", "The rest stayed in the U.S.", "They liked it."
    ]  # fmt: skip


def test_every_example_through_the_command(tmp_path: Path) -> None:
    essay = tmp_path / "examples.txt"
    essay.write_text(
        "Examples\n\n" + "\n\n".join(written for written, _ in EXAMPLES) + "\n", encoding="utf-8"
    )
    done = run_narrate("chapters", str(essay), "--spoken", "--json")
    assert done.returncode == 0, done.stderr
    spoken = [line for c in json.loads(done.stdout)["chapters"] for line in c["spoken"]]
    for _, said in EXAMPLES:
        assert said in spoken  # one line each: no sentence was split
