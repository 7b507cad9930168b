from pathlib import Path

import pytest

from narrate.audio import AudioFormat, ChapterPcm
from narrate.audio.ffmpeg import encode_mp3
from narrate.errors import CacheError
from narrate.render.cache import ChapterCache, chapter_key

IDENTITY = {"engine": "pyttsx3", "voice": "gmw/en-us", "rate": "175"}
SPOKEN = [["A title", 1000], ["Some words.", 1600]]


def test_key_changes_with_everything_that_shapes_the_audio() -> None:
    base = chapter_key(SPOKEN, IDENTITY, AudioFormat())
    assert chapter_key([list(x) for x in SPOKEN], dict(IDENTITY), AudioFormat()) == base
    changed = [
        chapter_key([["A title", 1000], ["Other words.", 1600]], IDENTITY, AudioFormat()),
        chapter_key([["A title", 900], ["Some words.", 1600]], IDENTITY, AudioFormat()),
        chapter_key(SPOKEN, {**IDENTITY, "voice": "gmw/en"}, AudioFormat()),
        chapter_key(SPOKEN, {**IDENTITY, "rate": "180"}, AudioFormat()),
        chapter_key(SPOKEN, {**IDENTITY, "pyttsx3": "3.0"}, AudioFormat()),
        chapter_key(SPOKEN, IDENTITY, AudioFormat(bitrate_kbps=96)),
        chapter_key(SPOKEN, IDENTITY, AudioFormat(loudness_lufs=-19.0)),
        chapter_key(SPOKEN, IDENTITY, AudioFormat(true_peak_db=-2.0)),
    ]
    assert len({base, *changed}) == len(changed) + 1


def _mp3() -> bytes:
    return encode_mp3(ChapterPcm(bytes(22050), 22050, ()), AudioFormat())


def test_store_then_lookup(tmp_path: Path) -> None:
    cache = ChapterCache(tmp_path)
    key = "ab" * 32
    stored = cache.store(key, _mp3(), 44100, ((10, 20),))
    found, problem = cache.lookup(key)
    assert problem is None and found == stored
    assert cache.entries() == [(key, stored.size + stored.path.with_suffix(".json").stat().st_size)]
    assert not list(tmp_path.rglob("*.tmp"))


def test_what_was_made_of_an_entry_goes_with_it(tmp_path: Path) -> None:
    """An M4B's AAC part beside an entry is counted with it, dropped when the entry's audio is
    written again or the entry removed, and stray once its entry is gone."""
    cache = ChapterCache(tmp_path)
    key = "ef" * 32
    entry = cache.store(key, _mp3(), 44100, ())
    derived = entry.path.with_suffix(".64k.aac")
    derived.write_bytes(b"aac" * 100)
    meta = entry.path.with_suffix(".json")
    assert cache.entries() == [(key, entry.size + meta.stat().st_size + 300)]
    cache.store(key, _mp3(), 44100, ())
    assert not derived.exists()
    derived.write_bytes(b"aac")
    cache.remove(key)
    assert list(entry.path.parent.iterdir()) == []
    derived.write_bytes(b"aac")
    assert cache.stray_files() == [derived]


@pytest.mark.parametrize(
    "damage",
    [
        lambda audio, meta: audio.write_bytes(audio.read_bytes()[:-100]),
        lambda audio, meta: audio.write_bytes(b"\x00" * audio.stat().st_size),
        lambda audio, meta: audio.unlink(),
        lambda audio, meta: meta.write_text("{not json"),
        lambda audio, meta: meta.write_text('{"key": "x"}'),
    ],
)
def test_damaged_entries_are_detected(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    cache = ChapterCache(tmp_path)
    key = "cd" * 32
    entry = cache.store(key, _mp3(), 44100, ())
    damage(entry.path, entry.path.with_suffix(".json"))
    found, problem = cache.lookup(key)
    assert found is None and problem


def test_missing_entry_is_not_a_problem(tmp_path: Path) -> None:
    assert ChapterCache(tmp_path).lookup("ef" * 32) == (None, None)


def test_keys_never_become_paths(tmp_path: Path) -> None:
    with pytest.raises(CacheError):
        ChapterCache(tmp_path).lookup("../../etc/passwd")


def test_an_entry_stored_from_files_is_the_entry_stored_from_their_bytes(tmp_path: Path) -> None:
    parts = [_mp3(), encode_mp3(ChapterPcm(bytes(4 * 22050), 22050, ()), AudioFormat())]
    files = []
    for number, data in enumerate(parts):
        files.append(tmp_path / f"part-{number}.mp3")
        files[-1].write_bytes(data)
    cache = ChapterCache(tmp_path / "cache")
    from_files = cache.store_parts("ab" * 32, files, 44100, ((1, 2),))
    from_bytes = cache.store("cd" * 32, b"".join(parts), 44100, ((1, 2),))
    assert (from_files.frames, from_files.size, from_files.sha256) == (
        from_bytes.frames, from_bytes.size, from_bytes.sha256,
    )  # fmt: skip
    found, problem = cache.lookup("ab" * 32)
    assert problem is None and found == from_files


def test_a_workspace_is_removed_after_use_and_a_dead_process_one_next_time(tmp_path: Path) -> None:
    cache = ChapterCache(tmp_path)
    dead = tmp_path / "work" / f"999999999.{'ef' * 32}"
    dead.mkdir(parents=True)
    (dead / "chapter.pcm").write_bytes(b"\0" * 10)
    with cache.workspace("ab" * 32) as scratch:
        (scratch / "chapter.pcm").write_bytes(b"\0" * 10)
        assert not dead.exists()
    assert not scratch.exists()


def _settle(entry_path: Path) -> None:
    """Make an entry look written ten seconds ago (its stamp and its file's time agree)."""
    import json
    import os

    stat = entry_path.stat()
    os.utime(entry_path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**10))
    meta_path = entry_path.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    meta["stamp"] = [stat.st_size, stat.st_mtime_ns - 10**10, stat.st_ino]
    meta_path.write_text(json.dumps(meta))


def test_a_settled_untouched_entry_is_not_read_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cache = ChapterCache(tmp_path)
    stored = cache.store("ab" * 32, _mp3(), 44100, ())
    _settle(stored.path)

    def no_reading(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    found, problem = cache.lookup("ab" * 32)
    assert problem is None and found == stored


def test_a_settled_entry_changed_later_is_checked_and_found_damaged(tmp_path: Path) -> None:
    cache = ChapterCache(tmp_path)
    stored = cache.store("ab" * 32, _mp3(), 44100, ())
    _settle(stored.path)
    stored.path.write_bytes(b"\x00" * stored.size)  # same size, a new time
    found, problem = cache.lookup("ab" * 32)
    assert found is None and problem and "checksum" in problem
