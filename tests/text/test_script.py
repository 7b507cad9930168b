from pathlib import Path

import pytest

from narrate.errors import InputError
from narrate.names import file_name
from narrate.text.script import read_script


def test_front_matter_is_parsed_and_removed(tmp_path: Path) -> None:
    path = tmp_path / "essay.md"
    path.write_text("---\ntitle: A Title\nauthor: Someone\n---\n# A Title\n\nBody text.\n")
    script = read_script(path)
    assert script.meta == {"title": "A Title", "author": "Someone"}
    assert script.text.startswith("# A Title")
    assert script.markdown


def test_plain_text_may_carry_front_matter_too(tmp_path: Path) -> None:
    path = tmp_path / "essay.txt"
    path.write_text("---\nauthor: X\n---\nSome text here.\n")
    assert read_script(path).meta == {"author": "X"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (b"  \n\t\n ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "not a text file"),
        (b"---\ntitle: [unclosed\n---\nText.\n", "front matter is not valid YAML"),
        (b"---\n- a list\n---\nText.\n", "front matter must be a mapping"),
        (b"... --- !!! ...", "no text to narrate"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=reason):
        read_script(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_script(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_script(tmp_path)


def test_windows_1252_text_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\u00e9 \u201cquotes\u201d and more text.".encode("cp1252"))
    script = read_script(path)
    assert script.text == "Caf\u00e9 \u201cquotes\u201d and more text."
    assert script.warnings and "Windows-1252" in script.warnings[0]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("My Essay", "My-Essay"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON", "CON_"),
        ("🎙️", ""),
        ("Café—Crème", "Cafe-Creme"),
    ],
)
def test_published_file_names_are_ascii(name: str, stem: str) -> None:
    assert file_name(name, ascii_only=True) == stem
