"""narrate.toml: a full file read right, and each mistake refused in one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrate.errors import InputError
from narrate.settings.config import (
    APPLE_CATEGORIES,
    Config,
    PodcastSettings,
    find_config,
    load_config,
)

FULL = """
[podcast]
title = "Essays Read Aloud"
author = "Ada Quill"
description = "Short essays & more 🐟"
language = "en-GB"
base_url = "https://example.org/podcast"
image = "art/cover.png"
category = "Society & Culture > Philosophy"
explicit = true
email = "ada@example.org"
guid = "9B024349-CCF0-5F69-A609-6B82873EAB3C"

[voice]
engine = "pyttsx3"
voice = "gmw/en-us"
rate = 175
voice_dir = "voices"

[pauses]
sentence_ms = 350
paragraph_ms = 800
title_ms = 1000
chapter_ms = 0

[audio]
bitrate = 96

[build]
format = ["mp3", "m4b"]
jobs = 0
lexicon = "pronunciations.toml"
"""


def _write(folder: Path, text: str) -> Path:
    path = folder / "narrate.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_file(tmp_path: Path) -> None:
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "cover.png").write_bytes(b"")
    (tmp_path / "voices").mkdir()
    (tmp_path / "pronunciations.toml").write_text("")
    path = _write(tmp_path, FULL)
    assert load_config(path) == Config(
        path=path,
        podcast=PodcastSettings(
            title="Essays Read Aloud",
            author="Ada Quill",
            description="Short essays & more 🐟",
            language="en-GB",
            base_url="https://example.org/podcast/",
            image=tmp_path / "art" / "cover.png",
            category=("Society & Culture", "Philosophy"),
            explicit=True,
            email="ada@example.org",
            guid="9b024349-ccf0-5f69-a609-6b82873eab3c",
        ),
        engine="pyttsx3",
        voice="gmw/en-us",
        rate=175,
        voice_dirs=(tmp_path / "voices",),
        pauses={"sentence_ms": 350, "paragraph_ms": 800, "title_ms": 1000, "chapter_ms": 0},
        bitrate=96,
        formats=("mp3", "m4b"),
        jobs=0,
        lexicon=tmp_path / "pronunciations.toml",
    )


def test_what_is_not_set_is_none_meaning_the_default(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, "[podcast]\ntitle = 'Show'\ncategory = 'History'\n"))
    assert config.podcast == PodcastSettings(title="Show", category=("History",))
    assert (config.engine, config.voice, config.rate, config.bitrate) == (None, None, None, None)
    assert (config.formats, config.jobs, config.lexicon, config.pauses) == (None, None, None, {})
    assert load_config(None) == Config()
    assert load_config(_write(tmp_path, "")).podcast == PodcastSettings()


def test_every_apple_category_and_subcategory_is_accepted(tmp_path: Path) -> None:
    for main, subcategories in APPLE_CATEGORIES.items():
        for category in [main, *(f"{main} > {sub}" for sub in subcategories)]:
            path = _write(tmp_path, f"[podcast]\ncategory = {category!r}\n")
            assert " > ".join(load_config(path).podcast.category) == category
    assert len(APPLE_CATEGORIES) == 19 and sum(map(len, APPLE_CATEGORIES.values())) == 91


def test_a_comma_list_of_formats_and_a_list_of_voice_dirs(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    config = load_config(_write(tmp_path, "[voice]\nvoice_dir = ['a', 'b']\n[build]\nformat = 'mp3, m4b'\n"))
    assert config.voice_dirs == (tmp_path / "a", tmp_path / "b")
    assert config.formats == ("mp3", "m4b")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[podcast\ntitle = 1", "not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 9)"),
        ("[podcast]\ntitle = 'x'\nauthor = \n", "not valid TOML: Invalid value (at line 3, column 10)"),
        ("[podcast]\ntitel = 'x'", "unknown key [podcast] titel"),
        ("[podcst]\ntitle = 'x'", "unknown section [podcst] (known: [podcast], [voice], [pauses], [audio], [build])"),
        ("title = 'x'", "unknown key title (settings go in a [section])"),
        ("[pauses]\nsentence = 300", "unknown key [pauses] sentence"),
        ("[podcast]\ntitle = 3", "[podcast] title must be a string, not a number"),
        ("[podcast]\nexplicit = 'no'", "[podcast] explicit must be true or false, not a string"),
        ("[podcast]\nbase_url = 'http://example.org/'", "[podcast] base_url must be an https:// address of ASCII characters, not 'http://example.org/'"),
        ("[podcast]\nbase_url = 'https://example.org/my podcast/'", "[podcast] base_url must be an https:// address"),
        ("[podcast]\nbase_url = 'https://'", "[podcast] base_url must be an https:// address"),
        ("[podcast]\ncategory = 'Arts > Cooking'", "[podcast] category is not one of Apple's categories: 'Arts > Cooking'"),
        ("[podcast]\ncategory = 'Books'", "[podcast] category is not one of Apple's categories: 'Books'"),
        ("[podcast]\ncategory = 'society & culture>philosophy'", "[podcast] category is not one of Apple's categories: 'society & culture>philosophy' (did you mean 'Society & Culture > Philosophy'?)"),
        ("[podcast]\nlanguage = 'English'", "[podcast] language must be an ISO 639 code like 'en' or 'en-GB', not 'English'"),
        ("[podcast]\nlanguage = 'en_US'", "[podcast] language must be an ISO 639 code"),
        ("[podcast]\nemail = 'ada at example'", "[podcast] email is not an e-mail address: 'ada at example'"),
        ("[podcast]\nguid = 'podnews'", "[podcast] guid must be a UUID, not 'podnews'"),
        ("[podcast]\nimage = 'missing.png'", "[podcast] image names 'missing.png', which does not exist"),
        ("[podcast]\nimage = 'cover.gif'", "[podcast] image must be a .jpg/.jpeg/.png file, not 'cover.gif'"),
        ("[voice]\nrate = 1000", "[voice] rate must be 80 to 450, not 1000"),
        ("[voice]\nrate = 79", "[voice] rate must be 80 to 450, not 79"),
        ("[voice]\nrate = '175'", "[voice] rate must be a whole number, not a string"),
        ("[voice]\nrate = 175.5", "[voice] rate must be a whole number, not a number"),
        ("[voice]\nvoice_dir = 3", "[voice] voice_dir must be a path or a list of paths"),
        ("[pauses]\ntitle_ms = -1", "[pauses] title_ms must be 0 to 10000, not -1"),
        ("[pauses]\nchapter_ms = true", "[pauses] chapter_ms must be a whole number, not a boolean"),
        ("[audio]\nbitrate = 70", "[audio] bitrate must be an MP3 bitrate (32, 40, 48"),
        ("[build]\nformat = 3", "[build] format must be a list of strings"),
        ("[build]\nformat = []", "[build] format must name at least one"),
        ("[build]\njobs = -1", "[build] jobs must be 0 to 256, not -1"),
        ("[build]\nlexicon = 'words.toml'", "[build] lexicon names 'words.toml', which does not exist"),
        ("[build]\nexecutor = 'dask'", "[build] executor must be one of local, ray, not 'dask'"),
        ("[build]\nray_address = 6379", "[build] ray_address must be a string, not a number"),
    ],
)
def test_each_problem_is_one_line_naming_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}: {message}")
    assert "\n" not in str(raised.value)


def test_a_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "narrate.toml"
    path.write_bytes(b"[podcast]\ntitle = '\xff'\n")
    with pytest.raises(InputError, match=r"narrate.toml: cannot be read: it is not UTF-8 text$"):
        load_config(path)


def test_the_executor_and_cluster_address(tmp_path: Path) -> None:
    path = _write(tmp_path, '[build]\nexecutor = "ray"\nray_address = "10.0.0.5:6379"\n')
    config = load_config(path)
    assert (config.executor, config.ray_address) == ("ray", "10.0.0.5:6379")
    assert (load_config(None).executor, load_config(None).ray_address) == (None, None)


def test_find_config(tmp_path: Path) -> None:
    assert find_config(None, tmp_path) is None
    path = _write(tmp_path, "")
    assert find_config(None, tmp_path) == path
    other = tmp_path / "other.toml"
    other.write_text("")
    assert find_config(Path("other.toml"), tmp_path) == other
    assert find_config(other, Path("/")) == other
    with pytest.raises(InputError, match=r"^nope.toml: no such configuration file$"):
        find_config(Path("nope.toml"), tmp_path)
