"""A rebuild takes the sentences of unchanged chapters from the last build's plans."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from narrate import planning as planning_module
from narrate.planning import PlannedEpisode, plan_episode
from narrate.render.cache import ChapterCache
from narrate.settings.resolve import BuildSettings
from narrate.text import plans
from narrate.text.script import read_script
from tests.conftest import build_json, copy_data

IDENTITY = {"engine": "test"}


def _plan(script: Path, plans: dict | None = None, **flags: object):  # type: ignore[no-untyped-def]
    settings = BuildSettings(flags=flags)
    essay = read_script(script)
    chosen = settings.for_script(essay)
    return plan_episode(essay, chosen, script.parent, {chosen.voice: IDENTITY}, settings, plans)


def _plans(episode: PlannedEpisode) -> dict:
    return plans.record((c.plan_key, c.sentences) for c in episode.chapters)


def _marked(plans: dict) -> dict:
    """The plans with every recorded sentence said as "marked": what is taken from them shows."""
    return {
        "chapters": {
            key: [[w, "marked", p] for w, _, p in sentences]
            for key, sentences in plans["chapters"].items()
        }
    }


def test_unchanged_chapters_come_from_the_plans_and_an_edited_one_is_planned_anew(
    tmp_path: Path,
) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    fresh = _plan(script)
    recorded = _marked(_plans(fresh))
    text = script.read_text()
    script.write_text(text.replace("Every story starts somewhere.", "Every story starts here."))
    again = _plan(script, recorded)
    taken = [all(s.spoken == "marked" for s in c.sentences) for c in again.chapters]
    edited = [
        c.chapter.index for c in again.chapters if "starts here" in " ".join(c.chapter.paragraphs)
    ]
    assert edited and taken.count(False) == len(edited)
    assert not any(taken[i - 1] for i in edited)
    assert [c.keys for c in _plan(script).chapters] != [c.keys for c in again.chapters]


@pytest.mark.parametrize("change", ["pauses", "narrate's version"])
def test_plans_made_another_way_are_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    recorded = _marked(_plans(_plan(script)))
    if change == "pauses":
        again = _plan(script, recorded, sentence_pause=500)
    else:
        monkeypatch.setattr(planning_module, "planning_version", lambda: "another")
        again = _plan(script, recorded)
    assert not [s for c in again.chapters for s in c.sentences if s.spoken == "marked"]


def test_damaged_plans_are_planned_anew(tmp_path: Path) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    fresh = _plan(script)
    broken = {"chapters": {key: [["only two", 1]] for key in _plans(fresh)["chapters"]}}
    assert _plan(script, broken) == fresh


def test_a_rebuild_from_plans_gives_what_a_clean_build_of_the_edited_essay_gives(
    tmp_path: Path,
) -> None:
    edited_text = (
        copy_data("heading-styles.txt", tmp_path)
        .read_text()
        .replace("Every story starts somewhere.", "Every story starts at the start.")
    )
    first = tmp_path / "first"
    first.mkdir()
    script = copy_data("heading-styles.txt", first)
    build_json(str(script), "--out", str(first / "out"))
    output = first / "out" / "heading-styles.mp3"
    assert ChapterCache(first / "out" / ".narrate-cache").plans(output)["chapters"]
    script.write_text(edited_text)
    rebuilt = build_json(str(script), "--out", str(first / "out"))["episodes"][0]

    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "heading-styles.txt").write_text(edited_text)
    fresh = build_json(str(clean / "heading-styles.txt"), "--out", str(clean / "out"))
    assert [_unflagged(c) for c in rebuilt["chapters"]] == [
        _unflagged(c) for c in fresh["episodes"][0]["chapters"]
    ]
    for suffix in (".mp3", ".vtt", ".srt", ".chapters.json"):
        made = [folder / "out" / f"heading-styles{suffix}" for folder in (first, clean)]
        assert _digest(made[0]) == _digest(made[1]), suffix


def _unflagged(chapter: dict) -> dict:
    """A chapter's report without whether this build spoke it."""
    return {k: v for k, v in chapter.items() if k != "synthesized"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
