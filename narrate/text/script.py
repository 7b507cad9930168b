"""Reading an essay file: encoding, front matter, then its format's reader -> `Script`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrate.errors import InputError
from narrate.names import episode_stem

if TYPE_CHECKING:
    from narrate.text.readers import Document, Section

MARKDOWN_SUFFIXES = {".md", ".markdown"}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)", re.S)
"""Hugo's default: TOML between `+++` lines."""


@dataclass(frozen=True)
class Script:
    """An essay as read from disk, before it is split into chapters."""

    path: Path
    stem: str
    """The output name: the file name without extension, made safe for every file system."""
    text: str
    """The body, front matter removed, newlines normalised to \\n."""
    markdown: bool
    meta: dict[str, Any] = field(default_factory=dict)
    """Front matter as parsed (title, author, description, date, ...)."""
    warnings: tuple[str, ...] = ()
    kind: str = "text"
    """The format read: "text", "markdown", "docx", "html" or "epub"."""
    sections: tuple[Section, ...] | None = None
    """Chapters as a structured format's reader found them; None: found from `text`."""
    heading_title: str | None = None
    """The document's own title (a lone top heading, a Title style, the page or book title)."""
    skipped: tuple[str, ...] = ()
    """What was not read aloud, counted ("2 code blocks", "1 table")."""
    left_out: tuple[str, ...] = ()
    """Front and back matter left out whole (an EPUB's cover page, copyright page, contents)."""
    cover: bytes | None = None
    """The cover image the document carries (an EPUB's), as stored in it."""


def read_script(path: Path, include_all: bool = False) -> Script:
    """Read an essay file; raise `InputError` with a one-line reason when it cannot be used.
    `include_all`: also read an EPUB's front and back matter."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an essay file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    from narrate.text.readers import ReadOptions, detect_kind, read_document

    kind = detect_kind(path, raw)
    if kind in ("docx", "epub"):  # zip containers: their reader decodes what it needs
        document = read_document(path, raw, None, ReadOptions(include_all=include_all), kind)
        return _script(path, document, document.meta, list(document.warnings))
    text, warnings = decode_text(raw, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body = split_front_matter(text, path)
    if not any(ch.isalnum() for ch in body):
        raise InputError(f"{path}: has no text to narrate")
    options = ReadOptions(
        include_all=include_all,
        footnotes=_footnotes(meta, path),
        line_offset=text[: len(text) - len(body)].count("\n"),
    )
    document = read_document(path, raw, body, options, kind)
    return _script(path, document, {**document.meta, **meta}, warnings + list(document.warnings))


def _script(path: Path, document: Document, meta: dict[str, Any], warnings: list[str]) -> Script:
    if document.sections is not None and not any(
        any(ch.isalnum() for ch in p) for s in document.sections for p in s.paragraphs
    ):
        if document.left_out:  # a book whose only text is front or back matter
            left_out = ", ".join(document.left_out)
            raise InputError(
                f"{path}: has no text to narrate but what it leaves out ({left_out}): "
                "--include-all reads it"
            )
        raise InputError(f"{path}: has no text to narrate")
    return Script(
        path=path,
        stem=episode_stem(path.stem),
        text=document.text,
        markdown=document.kind == "markdown",
        meta=meta,
        warnings=tuple(warnings),
        kind=document.kind,
        sections=document.sections,
        heading_title=document.title,
        skipped=document.skipped,
        left_out=document.left_out,
        cover=document.cover,
    )


def _footnotes(meta: dict[str, Any], path: Path) -> str:
    """Front matter `footnotes: read` (the default) or `footnotes: skip`."""
    value = str(meta.get("footnotes", "read")).lower()
    if value not in ("read", "skip"):
        raise InputError(f"{path}: front matter 'footnotes' must be read or skip, not {value!r}")
    return value


def decode_text(raw: bytes, path: Path) -> tuple[str, list[str]]:
    """UTF-8 text (BOM allowed); cp1252 as a fallback with a warning; binary data is refused."""
    if not raw.strip():
        raise InputError(f"{path}: is empty")
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path}: is not a text file (it holds binary data)")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    text = raw.decode("cp1252", errors="replace")
    if _looks_binary(text):
        raise InputError(f"{path}: is not a text file (it is neither UTF-8 nor Latin-1 text)")
    return text, [f"{path}: not UTF-8; read as Windows-1252 (Latin-1)"]


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    odd = controls + text.count("\ufffd")
    return odd > max(2, len(text) // 100)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """Split front matter from the body: YAML between `---` lines at the very top, or TOML
    between `+++` lines (as Hugo writes it)."""
    toml = _TOML_FRONT_MATTER.match(text)
    if toml:
        return _toml_front_matter(toml.group(1), path), text[toml.end() :]
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    import yaml  # lazy: most commands never see front matter

    try:
        meta = yaml.load(match.group(1), Loader=_loader()) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise InputError(f"{path}: front matter is not valid YAML{where}") from None
    if not isinstance(meta, dict):
        raise InputError(f"{path}: front matter must be a mapping of keys to values")
    raw = yaml.load(match.group(1), Loader=yaml.BaseLoader)  # every scalar as typed
    meta = _as_typed({str(k): v for k, v in meta.items()}, raw, path)
    return meta, text[match.end() :]


def _toml_front_matter(source: str, path: Path) -> dict[str, Any]:
    import datetime
    import tomllib

    try:
        meta = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: front matter is not valid TOML ({exc})") from None
    # TOML's own dates as written, for `parse_date` (as YAML's are)
    raw = {
        key: value.isoformat() if isinstance(value, datetime.date | datetime.time) else value
        for key, value in meta.items()
    }
    return _as_typed(dict(raw), raw, path)


def _loader() -> Any:
    """YAML's safe loader without its timestamps: `date` is read by `parse_date`, which knows
    more forms and says which field is wrong (YAML's own raises on "2024-13-01")."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


TEXT_FIELDS = ("title", "author", "description", "album", "genre", "podcast")


def _as_typed(meta: dict[str, Any], raw: dict[str, Any], path: Path) -> dict[str, Any]:
    """Text fields exactly as typed (YAML would make `title: No` False and `title: 12:30` 750),
    and `date` read as a date, or refused with the field named; never replaced silently."""
    from narrate.text.dates import parse_date

    for key in TEXT_FIELDS:
        if isinstance(raw.get(key), str) and meta.get(key) is not None:
            meta[key] = raw[key]
    if meta.get("date") is not None:
        written = raw.get("date")
        try:
            meta["date"] = parse_date(written if isinstance(written, str) else "")
        except ValueError:
            raise InputError(
                f"{path}: front matter 'date' is not a date: {written!r} "
                "(write 2024-05-01, 2024-05-01T10:00, May 1, 2024 or 1 May 2024)"
            ) from None
    return meta
