"""Where settings come from: flags over front matter over narrate.toml over defaults; and what
the quick commands leave unimported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA, build_json, copy_data, run_narrate


def _lengths(episode: dict) -> list[int]:
    return [c["end_ms"] - c["start_ms"] for c in episode["chapters"]]


def test_front_matter_rate_applies_unless_a_flag_says_otherwise(tmp_path: Path) -> None:
    script = copy_data("two-chapters.txt", tmp_path)
    out = str(tmp_path / "out")
    plain = build_json(str(script), "--out", out)["episodes"][0]
    script.write_text("---\nrate: 240\n---\n" + script.read_text())
    fast = build_json(str(script), "--out", out)["episodes"][0]
    assert all(c["synthesized"] for c in fast["chapters"])
    assert all(f < p for f, p in zip(_lengths(fast), _lengths(plain), strict=True))
    flagged = build_json(str(script), "--out", out, "--rate", "175")["episodes"][0]
    assert not any(c["synthesized"] for c in flagged["chapters"])  # the first build's chapters
    assert _lengths(flagged) == _lengths(plain)


def test_narrate_toml_supplies_defaults_and_flags_override_it(tmp_path: Path) -> None:
    copy_data("two-chapters.txt", tmp_path)
    (tmp_path / "narrate.toml").write_text("[voice]\nrate = 240\n\n[build]\nformat = ['mp3', 'm4b']\n")
    fast = build_json("two-chapters.txt", "--out", "a", cwd=tmp_path)["episodes"][0]
    assert any(f.endswith(".m4b") for f in fast["files"])
    slow = build_json("two-chapters.txt", "--out", "b", "--rate", "175", "--format", "mp3", cwd=tmp_path)["episodes"][0]
    assert not any(f.endswith(".m4b") for f in slow["files"])
    assert all(f < s for f, s in zip(_lengths(fast), _lengths(slow), strict=True))


def test_a_malformed_narrate_toml_is_one_line_naming_the_key(tmp_path: Path) -> None:
    copy_data("two-chapters.txt", tmp_path)
    (tmp_path / "narrate.toml").write_text("[voice]\nrat = 240\n")
    done = run_narrate("build", "two-chapters.txt", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"narrate: {tmp_path / 'narrate.toml'}: unknown key [voice] rat"]
    assert not (tmp_path / "audio_out").exists() or not any((tmp_path / "audio_out").glob("*.mp3"))


def test_quick_commands_do_not_import_audio_or_speech_libraries() -> None:
    probe = (
        "import sys, runpy; sys.argv = ['narrate', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('narrate', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = {'pydub', 'mutagen', 'pyttsx3', 'onnxruntime', 'piper', 'PIL', 'yaml'} & set(sys.modules)\n"
        "print(sorted(heavy), file=sys.stderr)"
    )
    for args in (["--help"], ["chapters", str(DATA / "two-chapters.txt")]):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
        assert done.stderr.strip().splitlines()[-1] == "[]", (args, done.stderr)


def test_a_voice_in_front_matter_that_is_not_a_name_is_one_line(tmp_path: Path) -> None:
    script = tmp_path / "e.txt"
    script.write_text("---\nvoice: [a, b]\n---\nSome words.\n")
    done = run_narrate("build", str(script), "--out", str(tmp_path / "out"))
    assert done.returncode == 1 and "front matter 'voice' must be a name" in done.stderr
    assert "Traceback" not in done.stderr
