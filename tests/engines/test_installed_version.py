"""The engines' versions in a chapter's key, read from installed metadata folders' names."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from narrate.engines import installed_version


@pytest.mark.parametrize(
    "name", ["pyttsx3", "espeakng-loader", "espeakng_loader", "Click", "mutagen", "pydub"]
)
def test_gives_what_importlib_metadata_gives(name: str) -> None:
    assert installed_version(name) == metadata.version(name)


def test_an_absent_distribution_has_no_version() -> None:
    assert installed_version("no-such-distribution-here") is None


def test_the_first_on_the_path_wins_as_for_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, name, version in [(first, "Some_Tool", "2.0"), (second, "some_tool", "1.0")]:
        info = folder / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        info.joinpath("METADATA").write_text(f"Name: {name}\nVersion: {version}\n")
    monkeypatch.setattr(sys, "path", [str(first), str(second), *sys.path])
    assert installed_version("some-tool") == metadata.version("some-tool") == "2.0"
