"""Each episode's record, beside its outputs: what the last build wrote and what must stay
stable for the life of the episode (its first build date, later its feed guid)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from narrate.files import write_atomic

RECORDS_FOLDER = ".narrate"


def record_path(out_dir: Path, stem: str) -> Path:
    return out_dir / RECORDS_FOLDER / f"{stem}.json"


def read_record(out_dir: Path, stem: str) -> dict[str, Any]:
    """The episode's record, or {} when there is none (or it is unreadable: it is remade)."""
    return read_json(record_path(out_dir, stem))


def feed_state_path(out_dir: Path) -> Path:
    """The feed's own state, in a subfolder so no episode's stem can name it."""
    return out_dir / RECORDS_FOLDER / "feed" / "state.json"


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from `path`, or {} when it is missing or unreadable."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def write_record(out_dir: Path, stem: str, record: dict[str, Any]) -> None:
    path = record_path(out_dir, stem)
    path.parent.mkdir(exist_ok=True)
    write_atomic(path, json.dumps(record, indent=1, ensure_ascii=False).encode())


def all_records(out_dir: Path) -> list[dict[str, Any]]:
    """Every episode recorded in the folder, by stem."""
    found = []
    for path in sorted((out_dir / RECORDS_FOLDER).glob("*.json")):
        record = read_record(out_dir, path.stem)
        if record:
            found.append({**record, "stem": path.stem})
    return found


def file_stamps(names: list[Path], out_dir: Path) -> dict[str, list[int]]:
    """Size and modification time of each file (named relative to `out_dir`), to tell later
    whether it was touched."""
    stamps = {}
    for name in names:
        stat = (out_dir / name).stat()
        stamps[name.as_posix()] = [stat.st_size, stat.st_mtime_ns]
    return stamps


def files_untouched(out_dir: Path, stamps: dict[str, list[int]]) -> bool:
    for name, stamp in stamps.items():
        try:
            stat = (out_dir / name).stat()
        except OSError:
            return False
        if [stat.st_size, stat.st_mtime_ns] != stamp:
            return False
    return bool(stamps)
