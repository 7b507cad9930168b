"""The package's layering, as written in pyproject.toml's import-linter contracts, holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_no_module_imports_a_room_above_it_and_no_room_has_a_cycle() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_build_and_cli_stay_small() -> None:
    """Orchestration and the command line only: logic belongs in the rooms below them."""
    package = ROOT / "narrate"
    for path in [package / "build.py", *sorted((package / "cli").glob("*.py"))]:
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines < 300, f"{path.relative_to(ROOT)} has {lines} lines"
