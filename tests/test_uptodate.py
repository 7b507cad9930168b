"""The no-op rebuild told from the inputs alone: quick, and never wrong about a change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import narrate.uptodate as uptodate
from narrate.settings.resolve import BuildSettings
from tests.conftest import build_json, copy_data, run_narrate

ESSAY = "heading-styles.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    folder = tmp_path_factory.mktemp("uptodate")
    script = copy_data(ESSAY, folder)
    report = build_json(str(script), "--out", str(folder / "out"))["episodes"][0]
    return script, folder / "out", report


def _modules_of_a_noop(script: Path, out: Path, *flags: str) -> tuple[set[str], dict]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "narrate", "build", str(script),
         "--out", str(out), "--json", *flags],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    return imported, json.loads(done.stdout)["episodes"][0]


def test_a_noop_reads_no_essay_and_reports_the_last_build(built: tuple[Path, Path, dict]) -> None:
    script, out, report = built
    first = {**report, "chapters": [{**c, "synthesized": False} for c in report["chapters"]]}
    imported, again = _modules_of_a_noop(script, out)
    assert "narrate.uptodate" in imported
    assert not imported & {"narrate.build", "narrate.text.normalize", "narrate.text.script"}
    assert again == first  # chapters, marks, files, language and voice, all as recorded


def test_any_change_to_what_goes_in_takes_the_full_check(
    built: tuple[Path, Path, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, out, _ = built
    settings = BuildSettings(out_dir=out)
    key = uptodate.inputs_key(script, settings)
    assert key is not None and key == uptodate.inputs_key(script, settings)
    assert uptodate.inputs_key(script, BuildSettings(out_dir=out, flags={"rate": 180})) != key
    assert uptodate.inputs_key(script, BuildSettings(out_dir=out, force=True)) is None
    assert uptodate.inputs_key(script, BuildSettings(out_dir=out, remake=frozenset({2}))) is None

    copy = copy_data(ESSAY, tmp_path)
    moved = uptodate.inputs_key(copy, settings)
    assert moved != key  # another essay, even with the same words
    (tmp_path / "pronunciations.toml").write_text('[words]\nBeginnings = "Be ginnings"\n')
    assert uptodate.inputs_key(copy, settings) != moved
    copy.write_text(copy.read_text() + "\nOne more line.\n")
    assert len({uptodate.inputs_key(copy, settings), moved, key}) == 3

    # narrate's own files, and the engine's installed package (stamped once per process: each
    # step here stands for a new process)
    def key_in_a_new_process() -> str | None:
        uptodate._installation.cache_clear()
        return uptodate.inputs_key(script, settings)

    code = tmp_path / "code"
    shutil.copytree(Path(uptodate.__file__).parent, code, ignore=shutil.ignore_patterns("*.pyc"))
    monkeypatch.setattr(uptodate, "_CODE", code)
    before = key_in_a_new_process()
    normalizer = code / "text" / "normalize.py"
    os.utime(normalizer, ns=(normalizer.stat().st_atime_ns, normalizer.stat().st_mtime_ns + 10**9))
    assert key_in_a_new_process() != before
    package = tmp_path / "site" / "fake_engine"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(package.parent))
    monkeypatch.setattr(uptodate, "ENGINE_PACKAGES", {"pyttsx3": ("fake_engine",)})
    installed = key_in_a_new_process()
    (package / "__init__.py").write_text("VERSION = 2\n")  # an upgrade rewrites its files
    assert key_in_a_new_process() != installed
    monkeypatch.undo()
    uptodate._installation.cache_clear()  # the real stamps again for the tests after this one


def test_a_changed_flag_or_output_is_built_not_reported(built: tuple[Path, Path, dict]) -> None:
    script, out, _ = built
    faster = build_json(str(script), "--out", str(out), "--rate", "200")["episodes"][0]
    assert all(c["synthesized"] for c in faster["chapters"])
    imported, same = _modules_of_a_noop(script, out, "--rate", "200")
    assert "narrate.build" not in imported and not any(c["synthesized"] for c in same["chapters"])
    (out / Path(faster["output"]).name).write_bytes(b"damaged")  # an output touched by hand
    imported, remade = _modules_of_a_noop(script, out, "--rate", "200")
    assert "narrate.build" in imported and Path(remade["output"]).stat().st_size > 1000


def test_a_noop_tells_the_reading_warnings_again(tmp_path: Path) -> None:
    essay = tmp_path / "fenced.md"
    essay.write_text("# Title\n\nSome words to say.\n\n```\nA fence that never closes.\n")
    out = str(tmp_path / "out")
    first = run_narrate("build", str(essay), "--out", out)
    again = run_narrate("build", str(essay), "--out", out)
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert "nothing was made" in again.stdout
    assert "fence" in first.stderr and first.stderr == again.stderr
