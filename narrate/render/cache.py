"""The chapter store: each chapter's encoded audio, addressed by a key of everything that shapes it.

Entries are written atomically (temporary file, then rename; the metadata file last, as the commit
mark) and checked against their SHA-256 before use, so a killed build or a damaged file never
reaches an episode: it is reported and made again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from narrate.audio import AudioFormat
from narrate.audio.mp3 import count_frames, count_frames_in, frames_to_ms
from narrate.errors import CacheError
from narrate.files import process_exists, replacing, write_atomic

# Bump when the way a chapter is rendered changes in a way its settings do not show.
RENDER_VERSION = 5
_KEY = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20
WORK_FOLDER = "work"
"""Where chapters are made: `<pid>.<key>/` folders, removed when done."""


@dataclass(frozen=True)
class CachedChapter:
    """A chapter's (or a long chapter's passage's) encoded audio in the store, and where each
    utterance lies in it."""

    key: str
    path: Path
    frames: int
    sample_rate: int
    spans_ms: tuple[tuple[int, int], ...]
    """(start, end) of each utterance, in ms from the chapter's first sample as decoded."""
    size: int
    sha256: str

    @property
    def duration_ms(self) -> int:
        return frames_to_ms(self.frames, self.sample_rate)


def chapter_key(spoken: Any, engine_identity: dict[str, str], fmt: AudioFormat) -> str:
    """SHA-256 of everything that shapes a chapter's audio: its spoken text and pauses, the
    engine (name, versions, voice, rate) and the audio format."""
    payload = {
        "render": RENDER_VERSION,
        "spoken": spoken,
        "engine": engine_identity,
        "audio": asdict(fmt),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


SETTLED_NS = 2_000_000_000
"""A file's time is trusted to show a change only this long after it was written (file times
tick coarsely: a rewrite within the same tick keeps the time)."""


def _untouched(audio_path: Path, stamp: Any) -> bool:
    """The audio is as it was when its checksum was taken: same size, time and inode, written
    long enough ago that any later change would show in its time. Then it is not read again: a
    rebuild reads only the chapters it joins, once."""
    try:
        stat = audio_path.stat()
    except OSError:
        return False
    same = stamp == [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    return same and time.time_ns() - stat.st_mtime_ns > SETTLED_NS


class ChapterCache:
    """A folder of entries: `chapters/<k[:2]>/<k>.mp3` and its `<k>.json` metadata."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _paths(self, key: str) -> tuple[Path, Path]:
        if not _KEY.match(key):  # keys become file names: never let one name a path
            raise CacheError(f"invalid cache key {key!r}")
        folder = self.root / "chapters" / key[:2]
        return folder / f"{key}.mp3", folder / f"{key}.json"

    def lookup(self, key: str) -> tuple[CachedChapter | None, str | None]:
        """The entry for `key` if it is whole; else None and, for a damaged entry, why."""
        audio_path, meta_path = self._paths(key)
        if not meta_path.is_file():
            return None, None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            entry = CachedChapter(
                key=key,
                path=audio_path,
                frames=int(meta["frames"]),
                sample_rate=int(meta["sample_rate"]),
                spans_ms=tuple((int(a), int(b)) for a, b in meta["spans_ms"]),
                size=int(meta["size"]),
                sha256=str(meta["sha256"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return None, f"unreadable ({type(exc).__name__})"
        if meta.get("key") != key:
            return None, "belongs to another key"
        if _untouched(audio_path, meta.get("stamp")):
            return entry, None
        try:
            data = audio_path.read_bytes()
        except OSError as exc:
            return None, f"unreadable ({type(exc).__name__})"
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            return None, "checksum mismatch (truncated or corrupt)"
        return entry, None

    def store(
        self, key: str, mp3: bytes, sample_rate: int, spans_ms: tuple[tuple[int, int], ...]
    ) -> CachedChapter:
        """Write an entry atomically: audio first, then the metadata that vouches for it."""
        audio_path, meta_path = self._paths(key)
        entry = CachedChapter(
            key=key,
            path=audio_path,
            frames=count_frames(mp3),
            sample_rate=sample_rate,
            spans_ms=spans_ms,
            size=len(mp3),
            sha256=hashlib.sha256(mp3).hexdigest(),
        )
        audio_path.parent.mkdir(parents=True, exist_ok=True)
        self._drop_derived(audio_path)
        write_atomic(audio_path, mp3)
        self._commit(entry, meta_path)
        return entry

    @staticmethod
    def _drop_derived(audio_path: Path) -> None:
        """What was made of an entry's old audio (an M4B's AAC) goes before the audio is new."""
        for derived in audio_path.parent.glob(f"{audio_path.stem}.*"):
            if derived.suffix not in (".mp3", ".json"):
                derived.unlink(missing_ok=True)

    def _commit(self, entry: CachedChapter, meta_path: Path) -> None:
        """Write the metadata that vouches for an entry's audio (written before it)."""
        meta = {k: v for k, v in asdict(entry).items() if k != "path"}
        meta["written"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        stat = entry.path.stat()
        meta["stamp"] = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        write_atomic(meta_path, json.dumps(meta, indent=1).encode())

    def store_parts(
        self, key: str, parts: list[Path], sample_rate: int, spans_ms: tuple[tuple[int, int], ...]
    ) -> CachedChapter:
        """`store` for audio that lies in files (a long chapter's MP3 is never held whole):
        the parts are joined into the entry, hashed and counted as they are copied."""
        audio_path, meta_path = self._paths(key)
        audio_path.parent.mkdir(parents=True, exist_ok=True)
        self._drop_derived(audio_path)
        digest = hashlib.sha256()
        size = 0

        def chunks() -> Iterator[bytes]:
            nonlocal size
            for part in parts:
                with open(part, "rb") as source:
                    while chunk := source.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
                        yield chunk

        with replacing(audio_path) as tmp, open(tmp, "wb") as out:
            frames = count_frames_in(chunks())
        entry = CachedChapter(
            key=key,
            path=audio_path,
            frames=frames,
            sample_rate=sample_rate,
            spans_ms=spans_ms,
            size=size,
            sha256=digest.hexdigest(),
        )
        self._commit(entry, meta_path)
        return entry

    @contextmanager
    def workspace(self, key: str) -> Iterator[Path]:
        """A scratch folder for making one entry (a chapter's PCM lies there, on disk, not in
        memory), removed afterwards; those of killed processes are removed next time."""
        folder = self.root / WORK_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.*"):
            pid = stale.name.split(".", 1)[0]
            if pid.isdigit() and not process_exists(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
        scratch = folder / f"{os.getpid()}.{self._paths(key)[0].stem}"
        scratch.mkdir(exist_ok=True)
        try:
            yield scratch
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def entries(self) -> list[tuple[str, int]]:
        """Every entry's key and size in bytes (audio and metadata)."""
        found = []
        for meta_path in sorted((self.root / "chapters").glob("??/*.json")):
            key = meta_path.stem
            if _KEY.match(key):
                files = meta_path.parent.glob(f"{key}.*")  # audio, metadata, what was made of it
                found.append((key, sum(path.stat().st_size for path in files)))
        return found

    def remove(self, key: str) -> None:
        """The entry and what was made from it (`<key>.*` beside it, such as an M4B's AAC)."""
        audio_path, meta_path = self._paths(key)
        meta_path.unlink(missing_ok=True)  # the commit mark goes first
        audio_path.unlink(missing_ok=True)
        self._drop_derived(audio_path)

    def stray_files(self) -> list[Path]:
        """Temporary files left by killed builds, and audio (or what was made of it) with no
        metadata."""
        stray = list((self.root / "chapters").glob("??/.*.tmp"))
        stray += [
            p
            for p in (self.root / "chapters").glob("??/*.*")
            if not p.name.startswith(".")
            and p.suffix != ".json"
            and not (p.parent / f"{p.name.split('.')[0]}.json").exists()
        ]
        return stray

    def record_use(
        self,
        output: Path,
        keys: list[str],
        plans: Mapping[str, object] | None = None,
        files: Sequence[Path] = (),
    ) -> None:
        """Remember which entries an output's latest build used (for `narrate cache clean`:
        in use while any of the audio `files` it wrote, or `output` itself, is there), and how
        its chapters were planned (`plans`, for the next build: see `plans`)."""
        record = {
            "output": str(output.resolve()),
            "files": [str(path.resolve()) for path in files],
            "keys": keys,
            "plans": plans or {},
        }
        path = self._uses_path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())

    def plans(self, output: Path) -> dict[str, Any]:
        """The plans recorded by the output's latest build ({} if none or unreadable)."""
        try:
            plans = json.loads(self._uses_path(output).read_bytes())["plans"]
        except (OSError, ValueError, KeyError, TypeError):
            return {}
        return plans if isinstance(plans, dict) else {}

    def _uses_path(self, output: Path) -> Path:
        name = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:32]
        return self.root / "uses" / f"{name}.json"

    def keys_in_use(self) -> set[str]:
        """Keys used by the latest build of every output that still exists."""
        used: set[str] = set()
        for path in (self.root / "uses").glob("*.json"):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                # an audiobook-only build writes no MP3 at `output`: its M4B counts as well
                files = record.get("files")
                written = [record["output"], *(files if isinstance(files, list) else ())]
                if any(Path(str(name)).exists() for name in written):
                    used.update(str(k) for k in record["keys"])
                else:
                    path.unlink(missing_ok=True)
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)
        return used
