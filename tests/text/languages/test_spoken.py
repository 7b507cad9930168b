"""What is said for essays in other languages, through the real `narrate chapters --spoken`,
against expected text written out by hand for each language (conventions cited in each file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrate.errors import InputError
from tests.conftest import run_narrate

DATA = Path(__file__).parents[2] / "data" / "languages"
EXPECTED = Path(__file__).parent / "expected"
ESSAYS = sorted(path.name for path in DATA.iterdir())


def _expected(name: str) -> list[list[str]]:
    """The expected utterances, chapter by chapter (blank lines between chapters)."""
    text = (EXPECTED / f"{Path(name).stem}.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return [block.split("\n") for block in "\n".join(lines).strip().split("\n\n")]


def _spoken(path: Path, *flags: str) -> dict:
    done = run_narrate("chapters", "--spoken", "--json", str(path), *flags)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", ESSAYS)
def test_each_essay_is_said_as_its_readers_say_it(name: str) -> None:
    said = _spoken(DATA / name)
    assert [chapter["spoken"] for chapter in said["chapters"]] == _expected(name)


def test_every_language_of_the_issue_has_an_essay() -> None:
    languages = {name.split("-")[0] for name in ESSAYS}
    assert languages == {"fr", "de", "es", "it", "pt", "nl", "he", "ar"}
    assert {Path(name).stem for name in ESSAYS} == {p.stem for p in EXPECTED.glob("*.txt")}


def test_french_plain_text_finds_its_sentence_case_headings() -> None:
    said = _spoken(DATA / "fr-dernier-train.txt")
    titles = [chapter["title"] for chapter in said["chapters"]]
    assert titles == ["Le dernier train de nuit", "Le départ", "La nuit du chasseur"]


def test_the_same_text_read_as_english_keeps_english_rules(tmp_path: Path) -> None:
    """--language wins over the front matter; English reads with its own rules and headings."""
    said = _spoken(DATA / "fr-dernier-train.txt", "--language", "en")
    assert len(said["chapters"]) == 1  # sentence-case lines are not English headings
    spoken = " ".join(said["chapters"][0]["spoken"])
    assert "nineteen ninety-five" in spoken
    assert "mille neuf cent" not in spoken


def test_language_from_narrate_toml_when_the_essay_names_none(tmp_path: Path) -> None:
    essay = tmp_path / "essai.md"
    essay.write_text("# Le départ\n\nEn 1995, il partit à 14 h 30.\n", encoding="utf-8")
    (tmp_path / "narrate.toml").write_text('[voice]\nlanguage = "fr"\n', encoding="utf-8")
    done = run_narrate("chapters", "--spoken", "--json", str(essay), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    spoken = json.loads(done.stdout)["chapters"][0]["spoken"]
    assert (
        spoken[1] == "En mille neuf cent quatre-vingt-quinze, il partit à quatorze heures trente."
    )


@pytest.mark.parametrize(
    ("where", "args"),
    [("--language", ("--language", "français")), ("front matter", ())],
)
def test_a_bad_language_tag_is_one_line(tmp_path: Path, where: str, args: tuple[str, ...]) -> None:
    essay = tmp_path / "essai.md"
    essay.write_text("---\nlanguage: fr_FR!\n---\n# Titre\n\nTexte.\n", encoding="utf-8")
    done = run_narrate("chapters", "--spoken", str(essay), *args)
    assert done.returncode != 0
    assert done.stderr.startswith("narrate: ")
    assert len(done.stderr.strip().splitlines()) == 1
    assert where in done.stderr and "BCP 47" in done.stderr
    assert "Traceback" not in done.stderr


def test_pronunciations_per_language(tmp_path: Path) -> None:
    """`[words.fr]` serves French essays; the plain `[words]` entries still apply beneath it."""
    essay = tmp_path / "essai.md"
    essay.write_text(
        "---\nlanguage: fr\n---\n# Titre\n\nLe Dr Nguyen lit Proust à Figeac.\n", encoding="utf-8"
    )
    (tmp_path / "pronunciations.toml").write_text(
        '[words]\nNguyen = "Nouyenne"\nFigeac = "Fijak"\n\n'
        '[words.fr]\nFigeac = "Fi-jac"\n\n[words.de]\nProust = "Prusst"\n',
        encoding="utf-8",
    )
    spoken = _spoken(essay)["chapters"][0]["spoken"][1]
    assert spoken == "Le docteur Nouyenne lit Proust à Fi-jac."


def test_language_auto_detects_the_essays_language(tmp_path: Path) -> None:
    essay = tmp_path / "essai.txt"
    text = (DATA / "fr-dernier-train.txt").read_text(encoding="utf-8")
    essay.write_text(text.replace("language: fr", "language: auto"), encoding="utf-8")
    said = _spoken(essay)
    assert [chapter["spoken"] for chapter in said["chapters"]] == _expected("fr-dernier-train.txt")
    english = _spoken(
        Path(__file__).parents[3] / "script" / "a-short-walk.txt", "--language", "auto"
    )
    assert english == _spoken(Path(__file__).parents[3] / "script" / "a-short-walk.txt")


def test_the_podcast_language_follows_the_voice_language_unless_set(tmp_path: Path) -> None:
    from narrate.settings.config import load_config

    toml = tmp_path / "narrate.toml"
    toml.write_text('[voice]\nlanguage = "de-AT"\n', encoding="utf-8")
    assert load_config(toml).podcast.language == "de-AT"
    assert load_config(toml).language == "de-AT"
    toml.write_text('[podcast]\nlanguage = "de"\n[voice]\nlanguage = "fr"\n', encoding="utf-8")
    assert load_config(toml).podcast.language == "de"
    toml.write_text('[voice]\nlanguage = "fr_FR"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"\[voice\] language.*BCP 47"):
        load_config(toml)
