"""`narrate.toml`: podcast settings and defaults for builds. Every problem names its key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from narrate.errors import InputError

CONFIG_NAME = "narrate.toml"
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Apple Podcasts categories and their subcategories, spelled and cased as Apple lists them.
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
        "Home & Garden", "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
        "Sports News", "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality",
    ),
    "Science": (
        "Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
        "Natural Sciences", "Nature", "Physics", "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships",
    ),
    "Sports": (
        "Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
        "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}  # fmt: skip


@dataclass(frozen=True)
class PodcastSettings:
    """The `[podcast]` table: what the feed says about the show."""

    title: str = "Untitled Podcast"
    author: str = ""
    description: str = ""
    language: str = "en"
    base_url: str | None = None
    """Where the output folder is published (https, ending in "/")."""
    image: Path | None = None
    category: tuple[str, ...] = ("Arts", "Books")
    """Apple category, and its subcategory if any."""
    explicit: bool = False
    email: str = ""
    guid: str | None = None


@dataclass(frozen=True)
class Config:
    """A whole narrate.toml; None means "not set: use the default"."""

    path: Path | None = None
    podcast: PodcastSettings = field(default_factory=PodcastSettings)
    engine: str | None = None
    voice: str | None = None
    rate: int | None = None
    voice_dirs: tuple[Path, ...] = ()
    pauses: dict[str, int] = field(default_factory=dict)
    bitrate: int | None = None
    formats: tuple[str, ...] | None = None
    jobs: int | None = None
    lexicon: Path | None = None


_SECTIONS = {
    "podcast": {"title", "author", "description", "language", "base_url", "image", "category",
                "explicit", "email", "guid"},
    "voice": {"engine", "voice", "rate", "voice_dir"},
    "pauses": {"sentence_ms", "paragraph_ms", "title_ms", "chapter_ms",
               "sentence", "paragraph", "title", "chapter"},
    "audio": {"bitrate"},
    "build": {"format", "jobs", "lexicon"},
}  # fmt: skip


def find_config(explicit: Path | None, cwd: Path) -> Path | None:
    """The file named by --config (which must exist), else ./narrate.toml if there is one."""
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"{explicit}: no such configuration file")
        return explicit
    default = cwd / CONFIG_NAME
    return default if default.is_file() else None


def load_config(path: Path | None) -> Config:
    """Read and check narrate.toml; `Config()` when there is none."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    for section, table in data.items():
        if section not in _SECTIONS:
            raise InputError(f"{path}: unknown section [{section}]")
        if not isinstance(table, dict):
            raise InputError(f"{path}: [{section}] must be a table")
        for key in table:
            if key not in _SECTIONS[section]:
                raise InputError(f"{path}: unknown key [{section}] {key}")
    check = _Checker(path)
    podcast = data.get("podcast", {})
    voice = data.get("voice", {})
    build = data.get("build", {})
    formats = build.get("format")
    if isinstance(formats, str):
        formats = [part.strip() for part in formats.split(",")]
    return Config(
        path=path,
        podcast=PodcastSettings(
            title=check.text(podcast, "podcast", "title") or "Untitled Podcast",
            author=check.text(podcast, "podcast", "author") or "",
            description=check.text(podcast, "podcast", "description") or "",
            language=check.language(podcast),
            base_url=check.base_url(podcast),
            image=check.path(podcast, "podcast", "image"),
            category=check.category(podcast),
            explicit=check.flag(podcast, "podcast", "explicit"),
            email=check.email(podcast),
            guid=check.text(podcast, "podcast", "guid"),
        ),
        engine=check.text(voice, "voice", "engine"),
        voice=check.text(voice, "voice", "voice"),
        rate=check.number(voice, "voice", "rate", 80, 450),
        voice_dirs=tuple(p for p in [check.path(voice, "voice", "voice_dir")] if p is not None),
        pauses={
            k: check.number(data.get("pauses", {}), "pauses", k, 0, 10_000) or 0
            for k in data.get("pauses", {})
        },  # fmt: skip
        bitrate=check.number(data.get("audio", {}), "audio", "bitrate", 32, 320),
        formats=tuple(check.strings(formats, "build", "format")) if formats is not None else None,
        jobs=check.number(build, "build", "jobs", 0, 256),
        lexicon=check.path(build, "build", "lexicon"),
    )


class _Checker:
    """Typed reads of one file's tables, each failure one line naming file and key."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def fail(self, section: str, key: str, problem: str) -> InputError:
        return InputError(f"{self.file}: [{section}] {key} {problem}")

    def text(self, table: dict[str, Any], section: str, key: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(section, key, "must be a string")
        return value.strip() or None

    def strings(self, value: Any, section: str, key: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(section, key, "must be a list of strings")
        return value

    def number(
        self, table: dict[str, Any], section: str, key: str, low: int, high: int
    ) -> int | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(section, key, "must be a whole number")
        if not low <= value <= high:
            raise self.fail(section, key, f"must be {low} to {high}, not {value}")
        return value

    def flag(self, table: dict[str, Any], section: str, key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(section, key, "must be true or false")
        return value

    def path(self, table: dict[str, Any], section: str, key: str) -> Path | None:
        value = self.text(table, section, key)
        if value is None:
            return None
        resolved = (self.file.parent / value).expanduser()
        if not resolved.exists():
            raise self.fail(section, key, f"names {value!r}, which does not exist")
        return resolved

    def language(self, table: dict[str, Any]) -> str:
        value = self.text(table, "podcast", "language") or "en"
        if not _LANGUAGE.match(value):
            raise self.fail(
                "podcast",
                "language",
                f"must be an ISO 639 code like 'en' or 'en-GB', not {value!r}",
            )
        return value

    def base_url(self, table: dict[str, Any]) -> str | None:
        value = self.text(table, "podcast", "base_url")
        if value is None:
            return None
        if not value.startswith("https://") or len(value) <= len("https://"):
            raise self.fail("podcast", "base_url", "must be an https:// address")
        return value if value.endswith("/") else value + "/"

    def email(self, table: dict[str, Any]) -> str:
        value = self.text(table, "podcast", "email") or ""
        if value and not _EMAIL.match(value):
            raise self.fail("podcast", "email", f"is not an e-mail address: {value!r}")
        return value

    def category(self, table: dict[str, Any]) -> tuple[str, ...]:
        value = self.text(table, "podcast", "category")
        if value is None:
            return ("Arts", "Books")
        parts = tuple(part.strip() for part in value.split(">"))
        main, subs = parts[0], APPLE_CATEGORIES.get(parts[0])
        if subs is None or len(parts) > 2 or (len(parts) == 2 and parts[1] not in subs):
            raise self.fail("podcast", "category", f"is not one of Apple's categories: {value!r}")
        return (main, parts[1]) if len(parts) == 2 else (main,)
