"""`narrate.toml`: the podcast's settings and a build's defaults. Every problem is one line naming
the file and the key."""

from __future__ import annotations

import re
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from narrate.audio.mp3 import MP3_BITRATES
from narrate.engines import MAX_RATE, MIN_RATE
from narrate.errors import InputError
from narrate.text.pauses import MAX_PAUSE_MS, PAUSE_KEYS

CONFIG_NAME = "narrate.toml"
DEFAULT_CATEGORY = ("Arts", "Books")
MAX_JOBS = 256
COVER_SUFFIXES = (".jpg", ".jpeg", ".png")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-([A-Za-z]{2,4}|[0-9]{3}))?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# Apple Podcasts' categories and subcategories, spelled and cased exactly as Apple lists them.
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

EXECUTORS = ("local", "ray")
"""Where a build's chapters are made: this machine's process pool, or a Ray cluster."""

_KEYS: dict[str, tuple[str, ...]] = {
    "podcast": ("title", "author", "description", "language", "base_url", "image", "category",
                "explicit", "email", "guid"),
    "voice": ("engine", "voice", "rate", "voice_dir", "language"),
    "pauses": tuple(f"{name}_ms" for name in PAUSE_KEYS),
    "audio": ("bitrate",),
    "build": ("format", "jobs", "lexicon", "executor", "ray_address"),
}  # fmt: skip


@dataclass(frozen=True)
class PodcastSettings:
    """The `[podcast]` table: what the feed says about the show."""

    title: str = "Untitled Podcast"
    author: str = ""
    description: str = ""
    language: str = "en"
    """An ISO 639 code, optionally with a region: "en", "en-GB"."""
    base_url: str | None = None
    """Where the output folder is published: https, ending in "/"."""
    image: Path | None = None
    """The show's cover (square JPEG or PNG), resolved against the toml's folder."""
    category: tuple[str, ...] = DEFAULT_CATEGORY
    """Apple category, and its subcategory if any."""
    explicit: bool = False
    email: str = ""
    guid: str | None = None
    """The podcast:guid, when the user pins it; else narrate assigns one once."""

    def __post_init__(self) -> None:
        # The one place base_url is normalized: every URL under it is `base_url + name`.
        if self.base_url and not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")


@dataclass(frozen=True)
class Config:
    """A whole narrate.toml. None (or empty) means "not set: use the default"."""

    path: Path | None = None
    podcast: PodcastSettings = field(default_factory=PodcastSettings)
    engine: str | None = None
    voice: str | None = None
    rate: int | None = None
    language: str | None = None
    """[voice] language: the essays' BCP 47 tag when neither a flag nor front matter gives one."""
    voice_dirs: tuple[Path, ...] = ()
    pauses: dict[str, int] = field(default_factory=dict)
    """Only the pauses set, by key ("sentence_ms", ...)."""
    bitrate: int | None = None
    formats: tuple[str, ...] | None = None
    jobs: int | None = None
    lexicon: Path | None = None
    executor: str | None = None
    ray_address: str | None = None


def find_config(explicit: Path | None, cwd: Path) -> Path | None:
    """The file named by --config (which must exist), else ./narrate.toml if there is one."""
    if explicit is not None:
        path = cwd / explicit
        if not path.is_file():
            raise InputError(f"{explicit}: no such configuration file")
        return path
    default = cwd / CONFIG_NAME
    return default if default.is_file() else None


def load_config(path: Path | None) -> Config:
    """Read and check a narrate.toml; `Config()` when there is none."""
    if path is None:
        return Config()
    read = _Reader(path, _read_tables(path))
    return Config(
        path=path,
        podcast=PodcastSettings(
            title=read.text("podcast", "title") or "Untitled Podcast",
            author=read.text("podcast", "author") or "",
            description=read.text("podcast", "description") or "",
            language=read.language(),
            base_url=read.base_url(),
            image=read.path("podcast", "image", COVER_SUFFIXES),
            category=read.category(),
            explicit=read.flag("podcast", "explicit"),
            email=read.email(),
            guid=read.guid(),
        ),
        engine=read.text("voice", "engine"),
        voice=read.text("voice", "voice"),
        rate=read.whole("voice", "rate", MIN_RATE, MAX_RATE),
        language=_voice_language(read),
        voice_dirs=read.paths("voice", "voice_dir"),
        pauses={
            key: value
            for key in _KEYS["pauses"]
            if (value := read.whole("pauses", key, 0, MAX_PAUSE_MS)) is not None
        },
        bitrate=read.bitrate(),
        formats=read.names("build", "format"),
        jobs=read.whole("build", "jobs", 0, MAX_JOBS),
        lexicon=read.path("build", "lexicon"),
        executor=read.choice("build", "executor", EXECUTORS),
        ray_address=read.text("build", "ray_address"),
    )


def _voice_language(read: _Reader) -> str | None:
    from narrate.text.languages import check_tag

    value = read.text("voice", "language")
    return None if value is None else check_tag(value, f"{read.file}: [voice] language")


def _read_tables(path: Path) -> dict[str, dict[str, Any]]:
    """The file's tables, refusing bad TOML and any section or key narrate does not know."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {_one_line(str(exc))}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot be read: it is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    for section, table in data.items():
        if not isinstance(table, dict):
            raise InputError(f"{path}: unknown key {section} (settings go in a [section])")
        if section not in _KEYS:
            known = ", ".join(f"[{name}]" for name in _KEYS)
            raise InputError(f"{path}: unknown section [{section}] (known: {known})")
        for key in table:
            if key not in _KEYS[section]:
                raise InputError(f"{path}: unknown key [{section}] {key}")
    return data


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Reader:
    """Typed values from one file's tables; each failure is one line naming the file and key."""

    def __init__(self, file: Path, tables: dict[str, dict[str, Any]]) -> None:
        self.file = file
        self.tables = tables

    def value(self, section: str, key: str) -> Any:
        return self.tables.get(section, {}).get(key)

    def fail(self, section: str, key: str, problem: str) -> InputError:
        return InputError(f"{self.file}: [{section}] {key} {problem}")

    def text(self, section: str, key: str) -> str | None:
        value = self.value(section, key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(section, key, f"must be a string, not {_toml_type(value)}")
        return value.strip() or None

    def whole(self, section: str, key: str, low: int, high: int) -> int | None:
        value = self.value(section, key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(section, key, f"must be a whole number, not {_toml_type(value)}")
        if not low <= value <= high:
            raise self.fail(section, key, f"must be {low} to {high}, not {value}")
        return value

    def choice(self, section: str, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(section, key)
        if value is not None and value not in choices:
            raise self.fail(section, key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def flag(self, section: str, key: str) -> bool:
        value = self.value(section, key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(section, key, f"must be true or false, not {_toml_type(value)}")
        return value

    def path(self, section: str, key: str, suffixes: tuple[str, ...] = ()) -> Path | None:
        """A file named relative to the toml's folder, which must exist."""
        value = self.text(section, key)
        return None if value is None else self._existing(section, key, value, suffixes)

    def paths(self, section: str, key: str) -> tuple[Path, ...]:
        """One path or a list of them."""
        value = self.value(section, key)
        if value is None:
            return ()
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise self.fail(section, key, "must be a path or a list of paths")
        return tuple(self._existing(section, key, v, ()) for v in values if v.strip())

    def _existing(self, section: str, key: str, value: str, suffixes: tuple[str, ...]) -> Path:
        path = self.file.parent / Path(value.strip()).expanduser()
        if suffixes and path.suffix.lower() not in suffixes:
            raise self.fail(section, key, f"must be a {'/'.join(suffixes)} file, not {value!r}")
        if not path.exists():
            raise self.fail(section, key, f"names {value!r}, which does not exist")
        return path

    def names(self, section: str, key: str) -> tuple[str, ...] | None:
        """A list of strings, or one comma-separated string."""
        value = self.value(section, key)
        if value is None:
            return None
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(section, key, 'must be a list of strings, like ["mp3"]')
        names = tuple(v.strip() for v in value if v.strip())
        if not names:
            raise self.fail(section, key, "must name at least one")
        return names

    def bitrate(self) -> int | None:
        value = self.whole("audio", "bitrate", MP3_BITRATES[0], MP3_BITRATES[-1])
        if value is not None and value not in MP3_BITRATES:
            choices = ", ".join(map(str, MP3_BITRATES))
            raise self.fail("audio", "bitrate", f"must be an MP3 bitrate ({choices}), not {value}")
        return value

    def language(self) -> str:
        value = self.text("podcast", "language")
        if value is None:  # the essays' language, when narrate.toml gives one, else English
            voice = self.text("voice", "language")
            return voice if voice and voice != "auto" and _LANGUAGE.fullmatch(voice) else "en"
        if not _LANGUAGE.fullmatch(value):
            problem = f"must be an ISO 639 code like 'en' or 'en-GB', not {value!r}"
            raise self.fail("podcast", "language", problem)
        return value

    def base_url(self) -> str | None:
        value = self.text("podcast", "base_url")
        if value is None:
            return None
        parts = urlsplit(value)
        if (
            parts.scheme != "https"
            or not parts.netloc
            or parts.query
            or parts.fragment
            or not value.isascii()
            or any(c.isspace() for c in value)
        ):
            problem = f"must be an https:// address of ASCII characters, not {value!r}"
            raise self.fail("podcast", "base_url", problem)
        return value

    def email(self) -> str:
        value = self.text("podcast", "email")
        if value is None:
            return ""
        if not _EMAIL.fullmatch(value):
            raise self.fail("podcast", "email", f"is not an e-mail address: {value!r}")
        return value

    def guid(self) -> str | None:
        value = self.text("podcast", "guid")
        if value is None:
            return None
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise self.fail("podcast", "guid", f"must be a UUID, not {value!r}") from None

    def category(self) -> tuple[str, ...]:
        value = self.text("podcast", "category")
        if value is None:
            return DEFAULT_CATEGORY
        parts = tuple(" ".join(part.split()) for part in value.split(">"))
        if _is_apple_category(parts):
            return parts
        problem = f"is not one of Apple's categories: {value!r}"
        spelled = _apple_spelling(parts)
        if spelled:
            problem += f" (did you mean {' > '.join(spelled)!r}?)"
        raise self.fail("podcast", "category", problem)


def _is_apple_category(parts: tuple[str, ...]) -> bool:
    subcategories = APPLE_CATEGORIES.get(parts[0])
    if subcategories is None or len(parts) > 2:
        return False
    return len(parts) == 1 or parts[1] in subcategories


def _apple_spelling(parts: tuple[str, ...]) -> tuple[str, ...] | None:
    """The category as Apple spells it, when only the case or spacing was wrong."""
    wanted = tuple(part.casefold().replace(" ", "") for part in parts)
    for main, subcategories in APPLE_CATEGORIES.items():
        for candidate in [(main,), *((main, sub) for sub in subcategories)]:
            if tuple(part.casefold().replace(" ", "") for part in candidate) == wanted:
                return candidate
    return None


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "a table"}  # fmt: skip
    return names.get(type(value), "a date")
