"""All three formats from one real build, read back by readers narrate does not use."""

from __future__ import annotations

import subprocess
from pathlib import Path

import eyed3
from mutagen.mp4 import MP4

from tests.conftest import build_json, copy_data, decoded_samples, ffmpeg, ffmpeg_chapters


def test_adding_formats_synthesizes_nothing_and_every_format_matches_the_mp3(tmp_path: Path) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    out = tmp_path / "out"
    first = build_json(str(script), "--out", str(out))["episodes"][0]
    assert [Path(f).name for f in first["files"]] == [
        "heading-styles.mp3", "heading-styles.chapters.json", "heading-styles.vtt", "heading-styles.srt",
    ]  # fmt: skip
    episode = build_json(str(script), "--out", str(out), "--format", "mp3,m4b,chapter-mp3")["episodes"][0]
    assert not any(c["synthesized"] for c in episode["chapters"])
    mp3_marks = ffmpeg_chapters(out / "heading-styles.mp3")
    titles = [c["title"] for c in episode["chapters"]]
    assert [m[2] for m in mp3_marks] == titles

    m4b = out / "heading-styles.m4b"
    files = [Path(f) for f in episode["files"]]
    assert m4b in files
    m4b_marks = ffmpeg_chapters(m4b)
    assert [m[2] for m in m4b_marks] == titles
    assert m4b_marks[0][0] == 0 and all(a[1] == b[0] for a, b in zip(m4b_marks, m4b_marks[1:], strict=False))
    assert all(abs(a[0] - b[0]) <= 50 and abs(a[1] - b[1]) <= 50 for a, b in zip(m4b_marks, mp3_marks, strict=True))
    tags = MP4(m4b)
    assert [c.title for c in tags.chapters] == titles
    assert tags["stik"] == [2] and tags["\xa9gen"] == ["Audiobook"]
    assert tags["\xa9nam"] == ["Heading Styles"]
    probe = subprocess.run([ffmpeg(), "-hide_banner", "-i", str(m4b)], capture_output=True, text=True).stderr
    assert "Audio: aac (LC)" in probe and "44100 Hz, mono" in probe
    assert abs(decoded_samples(m4b) - decoded_samples(out / "heading-styles.mp3")) <= 0.05 * 44100

    per_chapter = [f for f in files if f.parent == out / "heading-styles" and f.suffix == ".mp3"]
    assert len(per_chapter) == len(titles)
    for number, (path, mark) in enumerate(zip(per_chapter, mp3_marks, strict=True), 1):
        tag = eyed3.load(path).tag
        assert tag.title == mark[2]
        assert tag.track_num == (number, len(titles))
        assert tag.album == "Heading Styles"
        assert abs(decoded_samples(path) * 1000 / 44100 - (mark[1] - mark[0])) <= 50
    playlist = (out / "heading-styles" / "heading-styles.m3u8").read_text(encoding="utf-8")
    listed = [line for line in playlist.splitlines() if line and not line.startswith("#")]
    assert listed == [p.name for p in per_chapter]

    again = build_json(str(script), "--out", str(out), "--format", "mp3,m4b,chapter-mp3")["episodes"][0]
    assert again["files"] == episode["files"]  # up to date: nothing written, the same files reported


def test_a_300_chapter_script_keeps_every_mark_in_the_mp3(tmp_path: Path) -> None:
    """One CTOC lists at most 255 children; narrate nests tables so no reader loses chapters."""
    script = tmp_path / "long.md"
    script.write_text("# Long\n\n" + "\n\n".join(f"## Part {n}\n\nWord {n}." for n in range(1, 301)))
    episode = build_json(str(script), "--out", str(tmp_path / "out"))["episodes"][0]
    titles = [f"Part {n}" for n in range(1, 301)]
    assert [m[2] for m in ffmpeg_chapters(Path(episode["output"]))] == titles
    tag = eyed3.load(episode["output"]).tag
    tables = {toc.element_id: toc for toc in tag.table_of_contents}
    (top,) = [toc for toc in tables.values() if toc.toplevel]
    listed = [child for table in top.child_ids for child in tables[table].child_ids]
    by_id = {chapter.element_id: chapter.title for chapter in tag.chapters}
    assert [by_id[i] for i in listed] == titles


def test_an_edit_encodes_one_aac_part_and_gives_the_m4b_of_a_clean_build(tmp_path: Path) -> None:
    script = copy_data("heading-styles.txt", tmp_path)
    out = tmp_path / "out"
    build_json(str(script), "--out", str(out), "--format", "m4b")
    parts = {path: path.stat().st_mtime_ns for path in out.rglob("*.64k.aac")}
    assert len(parts) == 8  # a part per chapter, the opening's included

    edited = script.read_text(encoding="utf-8").replace("more or less", "to the letter")
    script.write_text(edited, encoding="utf-8")
    episode = build_json(str(script), "--out", str(out), "--format", "m4b")["episodes"][0]
    assert [c["synthesized"] for c in episode["chapters"]] == [False, True, *[False] * 6]
    after = {path: path.stat().st_mtime_ns for path in out.rglob("*.64k.aac")}
    assert {path: after[path] for path in parts if path in after} == parts  # none encoded again
    assert len(set(after) - set(parts)) == 1

    clean = tmp_path / "clean"
    build_json(str(script), "--out", str(clean), "--format", "m4b")
    assert (out / "heading-styles.m4b").read_bytes() == (clean / "heading-styles.m4b").read_bytes()
