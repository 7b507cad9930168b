"""Odd but valid input builds: old encodings, one enormous line, titles that look like paths."""

from __future__ import annotations

from pathlib import Path

import eyed3

from narrate.text.utterances import MAX_UTTERANCE_CHARS
from tests.conftest import build_json, ffmpeg_chapters, run_narrate


def test_cp1252_text_builds_with_a_warning(tmp_path: Path) -> None:
    script = tmp_path / "old.txt"
    script.write_bytes(
        "Caf\u00e9 Days\n\nWe drank caf\u00e9 cr\u00e8me \u2014 twice.\n".encode("cp1252")
    )
    done = run_narrate("build", str(script), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "warning" in done.stderr and "Windows-1252" in done.stderr
    assert [m[2] for m in ffmpeg_chapters(tmp_path / "out" / "old.mp3")] == ["Caf\u00e9 Days"]


def test_a_100_kb_line_without_punctuation_is_spoken_in_bounded_pieces(tmp_path: Path) -> None:
    words = ("river stone bridge lantern morning harbour window letter " * 2000).split()
    script = tmp_path / "one-line.txt"
    script.write_text(" ".join(words)[:100_000] + "\n")
    episode = build_json(str(script), "--out", str(tmp_path / "out"))["episodes"][0]
    assert len(episode["chapters"]) == 1
    # ~16,000 words at 175 wpm: about 90 minutes; every piece was spoken, none dropped
    assert episode["duration_ms"] > 0.8 * len(" ".join(words)[:100_000].split()) / 175 * 60_000
    from narrate.text.sentences import split_sentences

    assert max(len(p) for p in split_sentences(script.read_text().strip())) <= MAX_UTTERANCE_CHARS


def test_titles_like_paths_reserved_names_emoji_and_very_long(tmp_path: Path) -> None:
    long_title = "The " + " ".join(["Very"] * 12) + " Long Title"
    titles = ["A/B Testing \\ And More", "..", "CON", "Fish & Chips 🐟", long_title]
    # Markdown headings, so that every title above is a heading whatever its shape
    script = tmp_path / "odd titles?.md"
    script.write_text(
        "# Odd Titles\n\nAn opening line.\n\n"
        + "\n\n".join(f"## {title}\n\nA paragraph under it." for title in titles)
    )
    out = tmp_path / "out"
    episode = build_json(str(script), "--out", str(out))["episodes"][0]
    assert Path(episode["output"]) == out / "odd-titles.mp3"
    assert [m[2] for m in ffmpeg_chapters(out / "odd-titles.mp3")] == ["Odd Titles", *titles]
    tag = eyed3.load(out / "odd-titles.mp3").tag
    assert [c.title for c in tag.chapters] == ["Odd Titles", *titles]
    # no title ever names a file: every file is named after the script
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "odd-titles.chapters.json", "odd-titles.mp3", "odd-titles.srt", "odd-titles.vtt",
    ]  # fmt: skip
