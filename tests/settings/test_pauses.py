"""Pauses from defaults, front matter and flags; what `narrate chapters --spoken` shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrate.errors import InputError
from narrate.planning import plan_episode
from narrate.settings.resolve import BuildSettings
from narrate.text.script import read_script
from tests.conftest import build_json, copy_data, run_narrate

IDENTITY = {"engine": "test"}


def _plan(script: Path, **flags: object):  # type: ignore[no-untyped-def]
    settings = BuildSettings(flags=flags)
    essay = read_script(script)
    chosen = settings.for_script(essay)
    return plan_episode(essay, chosen, script.parent, {chosen.voice: IDENTITY}, settings)


def _pauses_after(script: Path, **flags: object) -> list[int]:
    return [s.pause_after_ms for s in _plan(script, **flags).chapters[1].sentences]


def test_front_matter_overrides_defaults_and_flags_override_front_matter(tmp_path: Path) -> None:
    script = tmp_path / "e.txt"
    body = "Opening words.\n\nThe Part\n\nOne. Two.\n\nThree.\n"
    script.write_text(body)
    assert _pauses_after(script) == [1000, 350, 800, 1600]
    script.write_text("---\npauses: {sentence: 200, chapter_ms: 3000}\n---\n" + body)
    assert _pauses_after(script) == [1000, 200, 800, 3000]
    assert _pauses_after(script, chapter_pause=500) == [1000, 200, 800, 500]


@pytest.mark.parametrize(
    ("front", "phrase"),
    [("pauses: {breath: 10}", "unknown pause"), ("pauses: {title: -5}", "0 to 10000"), ("pauses: 7", "must map")],
)
def test_bad_pauses_in_front_matter(tmp_path: Path, front: str, phrase: str) -> None:
    script = tmp_path / "e.txt"
    script.write_text(f"---\n{front}\n---\nOpening words.\n")
    with pytest.raises(InputError, match=phrase):
        _plan(script)


def test_a_longer_chapter_pause_lengthens_every_chapter(tmp_path: Path) -> None:
    script = copy_data("two-chapters.txt", tmp_path)
    short = build_json(str(script), "--out", str(tmp_path / "a"))["episodes"][0]["chapters"]
    long = build_json(str(script), "--out", str(tmp_path / "b"), "--chapter-pause", "3600")["episodes"][0]["chapters"]
    for a, b in zip(short, long, strict=True):
        grown = (b["end_ms"] - b["start_ms"]) - (a["end_ms"] - a["start_ms"])
        assert abs(grown - 2000) <= 30  # one MP3 frame


def test_chapters_spoken_prints_what_will_be_said(tmp_path: Path) -> None:
    script = tmp_path / "e.md"
    script.write_text("# Title Here\n\nIt is *short*. Dr. Who came.\n\n## Next & Last\n\nDone.\n")
    done = run_narrate("chapters", str(script), "--spoken", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["chapters"]
    assert rows[0]["spoken"][0] == "Title Here"
    assert len(rows[0]["spoken"]) == 3  # title, then two sentences: "Dr." does not end one
    assert rows[1]["title"] == "Next & Last"
