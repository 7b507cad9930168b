"""`--cache-dir`, `narrate cache stats` and `narrate cache clean`, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import build_json, copy_data, run_narrate


def _stats(*args: str) -> dict:
    done = run_narrate("cache", "stats", *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_cache_dir_elsewhere_stats_and_clean(tmp_path: Path) -> None:
    script = copy_data("two-chapters.txt", tmp_path)
    out, cache = tmp_path / "out", tmp_path / "elsewhere"
    build_json(str(script), "--out", str(out), "--cache-dir", str(cache))
    assert not (out / ".narrate-cache").exists()
    assert _stats("--cache-dir", str(cache))["entries"] == 3

    script.write_text(
        script.read_text().replace("Everyone went back to work.", "Nobody went back.")
    )
    again = build_json(str(script), "--out", str(out), "--cache-dir", str(cache))["episodes"][0]
    assert [c["synthesized"] for c in again["chapters"]] == [False, False, True]
    stats = _stats("--cache-dir", str(cache))
    assert (stats["entries"], stats["in_use"], stats["unused"]) == (4, 3, 1)

    stray = cache / "chapters" / "ab" / ".left-by-a-killed-build.123.tmp"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"x" * 100)
    done = run_narrate("cache", "clean", "--cache-dir", str(cache))
    assert done.returncode == 0 and "removed 1 entries" in done.stdout
    assert not stray.exists()
    stats = _stats("--cache-dir", str(cache))
    assert (stats["entries"], stats["unused"]) == (3, 0)
    # what is left still serves the build
    final = build_json(str(script), "--out", str(out), "--cache-dir", str(cache), "--force")[
        "episodes"
    ][0]
    assert all(c["synthesized"] for c in final["chapters"])


def test_a_hostile_cache_folder_cannot_make_narrate_write_outside_it(tmp_path: Path) -> None:
    script = copy_data("two-chapters.txt", tmp_path)
    out, cache = tmp_path / "out", tmp_path / "cache"
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    (cache / "uses").mkdir(parents=True)
    (cache / "uses" / "x.json").write_text(
        json.dumps({"output": str(victim), "keys": ["../../precious"]})
    )
    (cache / "chapters" / "..").mkdir(parents=True, exist_ok=True)
    (cache / "chapters" / "zz").mkdir()
    (cache / "chapters" / "zz" / "..%2F..%2Fprecious.json").write_text(
        '{"key": "../../precious.txt"}'
    )
    build_json(str(script), "--out", str(out), "--cache-dir", str(cache))
    assert run_narrate("cache", "clean", "--cache-dir", str(cache)).returncode == 0
    assert victim.read_text() == "keep me"
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert all(
        p in (victim, script) or cache in p.parents or out in p.parents for p in written
    )


def test_an_audiobook_only_build_is_named_by_its_m4b_and_keeps_its_cache(tmp_path: Path) -> None:
    """No MP3 is asked for: the report names the M4B written (not an MP3 that is not there), and
    `cache clean` keeps the chapters that M4B was made from, so the next build reuses them."""
    script = copy_data("two-chapters.txt", tmp_path)
    out = tmp_path / "out"
    done = run_narrate("build", str(script), "--out", str(out), "--format", "m4b")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{out / 'two-chapters.m4b'}: 3 chapters"), done.stdout
    assert (out / "two-chapters.m4b").is_file() and not (out / "two-chapters.mp3").exists()

    cleaned = run_narrate("cache", "clean", "--out", str(out))
    assert cleaned.returncode == 0 and "removed 0 entries" in cleaned.stdout, cleaned.stdout
    stats = _stats("--out", str(out))
    assert (stats["entries"], stats["in_use"]) == (3, 3)

    again = build_json(str(script), "--out", str(out), "--format", "m4b")["episodes"][0]
    assert again["output"] == str(out / "two-chapters.m4b")
    # --format repeated adds formats, as a comma-separated list does; nothing is spoken again
    both = build_json(str(script), "--out", str(out), "--format", "m4b", "--format", "mp3")
    episode = both["episodes"][0]
    assert episode["output"] == str(out / "two-chapters.mp3")
    assert {Path(f).suffix for f in episode["files"]} >= {".mp3", ".m4b"}
    assert not any(c["synthesized"] for c in episode["chapters"])
