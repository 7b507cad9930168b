"""The pronunciation lexicon: whole-word respellings and phonemes, and its file's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrate.errors import InputError
from narrate.text.lexicon import Lexicon, load_lexicon

LEXICON = Lexicon(
    (
        ("Shue", "Shoo-ee"),
        ("Nguyen", "[[w'In]]"),
        ("New", "Noo"),
        ("New Orleans", "New Orlins"),
        ("O'Brien", "Oh Bryan"),
    )
)


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Elisabeth Shue acts.", "Elisabeth Shoo-ee acts."),
        ("Shuey and Shuer and MacShue stay.", "Shuey and Shuer and MacShue stay."),
        ("Shue’s film and Shue's film.", "Shoo-ee’s film and Shoo-ee's film."),
        ("(Shue), “Shue”, Shue-like.", "(Shoo-ee), “Shoo-ee”, Shoo-ee-like."),
        ("Mr. Nguyen said.", "Mr. [[w'In]] said."),
        ("shue and sHUE stay.", "shue and sHUE stay."),
        ("ELISABETH SHUE", "ELISABETH Shoo-ee"),
        ("New Orleans is new.", "New Orlins is new."),
        ("New\nOrleans and New York.", "New Orlins and Noo York."),
        ("O’Brien and O'Brien.", "Oh Bryan and Oh Bryan."),
    ],
)
def test_whole_words_are_replaced_longest_first(written: str, said: str) -> None:
    assert LEXICON.apply(written) == said


def test_text_inside_phoneme_spans_is_never_touched() -> None:
    assert LEXICON.apply("[[Shue Nguyen]] Shue") == "[[Shue Nguyen]] Shoo-ee"
    assert LEXICON.apply("[[a\nShue]]") == "[[a\nShue]]"


def test_replacements_are_not_replaced_again() -> None:
    lexicon = Lexicon((("Shue", "Nguyen"), ("Nguyen", "Win")))
    assert lexicon.apply("Shue Nguyen") == "Nguyen Win"


def test_matching_can_ignore_case() -> None:
    lexicon = Lexicon((("shue", "Shoo-ee"),), case_sensitive=False)
    assert lexicon.apply("Shue SHUE shue sHuE Shuey") == "Shoo-ee Shoo-ee Shoo-ee Shoo-ee Shuey"


def test_an_empty_lexicon_is_a_no_op() -> None:
    empty = Lexicon()
    text = "Shue [[x]] New Orleans’s"
    assert empty.apply(text) is text
    assert empty == Lexicon(()) and hash(empty) == hash(Lexicon(()))


def test_lexicons_compare_and_hash_by_their_entries() -> None:
    again = Lexicon(LEXICON.entries)
    assert again == LEXICON and hash(again) == hash(LEXICON)
    assert Lexicon((("a", "b"),)) != Lexicon((("a", "c"),))


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        Lexicon(((" ", "x"),))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pronunciations.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pronunciations_file_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '# names\n[words]\nShue = "Shoo-ee"\nNguyen = "[[w\'In]]"\n"New Orleans" = "New Orlins"\n',
    )
    lexicon = load_lexicon(path)
    assert lexicon.entries == (
        ("Shue", "Shoo-ee"), ("Nguyen", "[[w'In]]"), ("New Orleans", "New Orlins"),
    )  # fmt: skip
    assert lexicon.apply("Shue met Nguyen in New Orleans.") == (
        "Shoo-ee met [[w'In]] in New Orlins."
    )


def test_an_empty_words_table_loads_as_an_empty_lexicon(tmp_path: Path) -> None:
    assert load_lexicon(_write(tmp_path, "[words]\n")) == Lexicon()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[words]\nShue "Shoo-ee"\n', r"not valid TOML: .*line 2"),
        ('[words]\nShue = "a"\nShue = "b"\n', r"not valid TOML: .*line 3"),
        ('Shue = "Shoo-ee"\n', r"unknown key 'Shue': pronunciations go in a \[words\] table"),
        ("# nothing here\n", r"no \[words\] table"),
        ('words = "Shue"\n', r"'words' must be a table \(\[words\]\), not a string"),
        ('[words]\nShue = ""\n', r"\[words\] 'Shue' = '': the pronunciation must be a non-empty"),
        ('[words]\nShue = "   "\n', r"\[words\] 'Shue' = '   ': the pronunciation must be"),
        ("[words]\nShue = 5\n", r"\[words\] 'Shue' = 5: the pronunciation must be a non-empty"),
        ('[words]\nShue = ["a"]\n', r"\[words\] 'Shue' = \['a'\]: the pronunciation must be"),
        ('[words]\nDr.Who = "x"\n', r"'Dr' is a table.*quote a key that holds a dot: \"Dr.Who\""),
        ('[words]\n"" = "x"\n', r"\[words\] has an empty key"),
        ('[words]\n" Shue" = "x"\n', r"key ' Shue' has leading, trailing"),
        ('[words]\n"[[x]]" = "x"\n', r"phonemes belong in the value"),
        ('[words]\nShue = "[[w\'In"\n', r"unbalanced \[\[ \]\]"),
        ('[words]\nShue = """a\nb"""\n', r"must be one line"),
    ],
)
def test_each_problem_in_the_file_is_named_on_one_line(
    tmp_path: Path, content: str, message: str
) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(InputError, match=message) as caught:
        load_lexicon(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ")
    assert "\n" not in text


def test_a_missing_or_undecodable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the pronunciations file"):
        load_lexicon(tmp_path / "absent.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes('[words]\nCafé = "Caffay"\n'.encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        load_lexicon(path)


def test_changing_an_entry_remakes_only_the_chapters_holding_its_word(tmp_path: Path) -> None:
    import json

    from tests.conftest import build_json, copy_data, run_narrate

    script = copy_data("two-chapters.txt", tmp_path)  # "harbour" is in chapter 2 only
    lexicon = tmp_path / "pronunciations.toml"
    lexicon.write_text('[words]\nharbour = "harbor"\n')
    out = str(tmp_path / "out")
    build_json(str(script), "--out", out)
    spoken = json.loads(run_narrate("chapters", str(script), "--spoken", "--json").stdout)
    assert "harbor" in " ".join(spoken["chapters"][1]["spoken"])
    lexicon.write_text('[words]\nharbour = "[[h\'A:b@]]"\n')
    episode = build_json(str(script), "--out", out)["episodes"][0]
    assert [c["synthesized"] for c in episode["chapters"]] == [False, True, False]
    lexicon.write_text(
        '[words]\nharbour = "[[h\'A:b@]]"\nNobody = "No one"\n'
    )  # a word no chapter has
    episode = build_json(str(script), "--out", out)["episodes"][0]
    assert not any(c["synthesized"] for c in episode["chapters"])
