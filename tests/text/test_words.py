"""`narrate words`: names and rare words, with how the real voice says them, as a
pronunciations.toml block that narrate itself reads back."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from narrate.text.lexicon import load_lexicon
from narrate.text.words import FoundWord, find_words, pronunciations_block
from tests.conftest import run_narrate

PROSE = [
    "After dinner with Flambeau I went home. Valentin followed Flambeau to the café.",
    'Then he said, "Come here." The Long walk was long. We met Dvořák, naïve as ever.',
    "Mr. Brown and St. Paul's were there. I'm sure Flambeau's hat was grey.",
]


def test_names_are_capitalised_words_inside_sentences() -> None:
    found = {w.word: w for w in find_words(PROSE)}
    assert found["Flambeau"] == FoundWord("Flambeau", 3, "name")  # "Flambeau's" counts too
    assert found["Dvořák"].kind == "name" and found["Brown"].kind == "name"
    assert found["café"].kind == "rare" and found["naïve"].kind == "rare"
    # sentence starts, quoted speech, the pronoun, words also written in lowercase, and
    # abbreviations the normalizer says in full are not names
    for word in ("After", "Valentin", "Come", "Then", "I", "I'm", "Long", "Mr", "St", "The"):
        assert word not in found, word


def test_words_with_a_pronunciation_already_are_left_out() -> None:
    assert "Flambeau" not in {w.word for w in find_words(PROSE, known=["flambeau"])}


def test_the_block_is_toml_that_narrate_reads(tmp_path: Path) -> None:
    words = [FoundWord('Odd "Name"', 2, "name"), FoundWord("Zoë", 1, "name")]
    block = pronunciations_block(words, ["'Od n'eIm", None])
    assert tomllib.loads(block)["words"] == {'Odd "Name"': "[['Od n'eIm]]", "Zoë": "Zoë"}
    (tmp_path / "pronunciations.toml").write_text(block, encoding="utf-8")
    assert load_lexicon(tmp_path / "pronunciations.toml").entries


def test_the_command_lists_names_with_the_voices_phonemes(tmp_path: Path) -> None:
    essay = tmp_path / "essay.txt"
    essay.write_text("A Visit\n\n" + "\n\n".join(PROSE) + "\n", encoding="utf-8")
    done = run_narrate("words", str(essay))
    assert done.returncode == 0, done.stderr
    table = tomllib.loads(done.stdout)["words"]
    assert table["Flambeau"].startswith("[[fl") and table["Flambeau"].endswith("]]")
    assert set(table) >= {"Flambeau", "Dvořák", "Brown", "café", "naïve"}
    # pasted as it is, the block is a pronunciations file the next command uses
    (tmp_path / "pronunciations.toml").write_text(done.stdout, encoding="utf-8")
    spoken = run_narrate("chapters", str(essay), "--spoken", "--json")
    assert spoken.returncode == 0, spoken.stderr
    lines = [s for c in json.loads(spoken.stdout)["chapters"] for s in c["spoken"]]
    assert any(table["Flambeau"] in line for line in lines)
    again = run_narrate("words", str(essay), "--json")
    assert "Flambeau" not in {row["word"] for row in json.loads(again.stdout)["words"]}


def test_an_unknown_voice_is_one_line(tmp_path: Path) -> None:
    essay = tmp_path / "essay.txt"
    essay.write_text("A Visit\n\nWe met Flambeau.\n", encoding="utf-8")
    done = run_narrate("words", str(essay), "--voice", "no-such-voice")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == ["narrate: espeak-ng has no voice 'no-such-voice'"]
