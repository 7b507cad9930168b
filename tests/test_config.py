from pathlib import Path

import pytest

from narrate.config import find_config, load_config
from narrate.errors import InputError

FULL = """
[podcast]
title = "Essays"
author = "Ada"
description = "d"
language = "en-GB"
base_url = "https://example.org/p"
category = "Society & Culture > Philosophy"
explicit = true
email = "ada@example.org"

[voice]
engine = "pyttsx3"
voice = "gmw/en"
rate = 180

[pauses]
sentence_ms = 300

[audio]
bitrate = 96

[build]
format = ["mp3", "m4b"]
jobs = 2
"""


def test_a_full_file(tmp_path: Path) -> None:
    path = tmp_path / "narrate.toml"
    path.write_text(FULL)
    config = load_config(path)
    assert config.podcast.base_url == "https://example.org/p/"
    assert config.podcast.category == ("Society & Culture", "Philosophy")
    assert config.podcast.explicit is True
    assert (config.voice, config.rate, config.bitrate, config.jobs) == ("gmw/en", 180, 96, 2)
    assert config.formats == ("mp3", "m4b") and config.pauses == {"sentence_ms": 300}
    assert find_config(None, tmp_path) == path


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("[podcast\ntitle = 1", "not valid TOML"),
        ("[podcast]\ntitel = 'x'", "unknown key [podcast] titel"),
        ("[podcst]\ntitle = 'x'", "unknown section [podcst]"),
        ("[podcast]\ntitle = 3", "[podcast] title must be a string"),
        ("[podcast]\nbase_url = 'http://example.org/'", "[podcast] base_url must be an https"),
        ("[podcast]\ncategory = 'Arts > Cooking'", "[podcast] category is not one of Apple"),
        ("[podcast]\nlanguage = 'English'", "[podcast] language must be an ISO 639"),
        ("[podcast]\nexplicit = 'no'", "[podcast] explicit must be true or false"),
        ("[podcast]\nimage = 'missing.png'", "[podcast] image names 'missing.png'"),
        ("[voice]\nrate = 1000", "[voice] rate must be 80 to 450"),
        ("[pauses]\ntitle_ms = -1", "[pauses] title_ms must be 0 to 10000"),
        ("[build]\nformat = 3", "[build] format must be a list of strings"),
    ],
)
def test_each_problem_is_one_line_naming_the_key(tmp_path: Path, text: str, phrase: str) -> None:
    path = tmp_path / "narrate.toml"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        load_config(path)
    assert phrase in str(raised.value) and "\n" not in str(raised.value)


def test_an_explicit_config_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such configuration file"):
        find_config(tmp_path / "nope.toml", tmp_path)
    assert find_config(None, tmp_path) is None
