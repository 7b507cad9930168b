"""The user's pronunciations: words respelled, or given as espeak-ng phonemes in `[[...]]`.

A `pronunciations.toml` file holds them:

    [words]
    Shue = "Shoo-ee"
    Nguyen = "[[w'In]]"
    "New Orleans" = "New Orlins"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from narrate.errors import InputError
from narrate.text.phonemes import split_phonemes

_BALANCED = re.compile(r"\[\[[^\[\]]*\]\]")
_APOSTROPHES = re.compile(r"['’]")
_SPACES = re.compile(r"\s+")
_SHOWN = 60
"""Longest value quoted in an error message."""


@dataclass(frozen=True)
class Lexicon:
    """Whole-word replacements, applied longest entry first and never inside `[[...]]`.

    Matching is case-sensitive unless `case_sensitive` is False; a key written with lowercase
    letters also matches its ALL-CAPS form ("Shue" matches "SHUE" in a shouted heading)."""

    entries: tuple[tuple[str, str], ...] = ()
    case_sensitive: bool = True
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _table: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.entries:
            return
        table: dict[str, str] = {}
        for word, replacement in self.entries:
            if not word.strip():
                raise ValueError("a lexicon key must not be empty")
            table.setdefault(self._key(word), replacement)
        if self.case_sensitive:
            for word, replacement in self.entries:
                table.setdefault(self._key(word.upper()), replacement)
        keys = sorted(table, key=len, reverse=True)  # the regex takes the first alternative
        words = "|".join(_word_pattern(key) for key in keys)
        # A class of first letters lets the regex skip most positions at once (measured with 300
        # entries: 24 µs a sentence without it, 5 µs with it).
        firsts = {key[0] for key in keys}
        if "'" in firsts:
            firsts.add("’")
        first = "".join(sorted(re.escape(ch) for ch in firsts))  # IGNORECASE covers the class
        flags = 0 if self.case_sensitive else re.IGNORECASE
        pattern = re.compile(rf"(?=[{first}])(?<!\w)(?:{words})(?!\w)", flags)
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_table", table)

    def apply(self, text: str) -> str:
        """`text` with each whole-word entry replaced; phoneme spans are left as they are."""
        if self._pattern is None:
            return text
        if "[[" not in text:
            return self._pattern.sub(self._replacement, text)
        pieces = split_phonemes(text)
        for i in range(0, len(pieces), 2):  # the written text between the phoneme spans
            pieces[i] = self._pattern.sub(self._replacement, pieces[i])
        return "".join(pieces)

    def _replacement(self, m: re.Match[str]) -> str:
        return self._table.get(self._key(m.group()), m.group())

    def _key(self, word: str) -> str:
        """The form under which a word is looked up: one space between words, straight
        apostrophes, and lowercase when matching ignores case."""
        key = _APOSTROPHES.sub("'", _SPACES.sub(" ", word.strip()))
        return key if self.case_sensitive else key.lower()


def _word_pattern(key: str) -> str:
    """A key as a regex: any run of whitespace between its words, either apostrophe."""
    parts = (re.escape(word).replace("'", "['’]") for word in key.split(" "))
    return r"\s+".join(parts)


def lexicon_at(path: Path | None, language: str = "en") -> Lexicon | None:
    """The pronunciation entries of the file at `path`, `[words.<language>]` first; None
    without a file."""
    return None if path is None else load_lexicon(path, language)


def load_lexicon(path: Path, language: str = "en") -> Lexicon:
    """The `[words]` table of a pronunciations file, with the entries of `[words.<language>]`
    (e.g. `[words.fr]`, or `[words.pt-BR]` before `[words.pt]`) over it; `InputError` naming
    the file and the bad entry if it cannot be used."""
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the pronunciations file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(key for key in data if key != "words")
    if unknown:
        raise InputError(
            f"{path}: unknown key {unknown[0]!r}: pronunciations go in a [words] table"
        )
    if "words" not in data:
        raise InputError(f"{path}: no [words] table: write each word under a [words] heading")
    words = data["words"]
    if not isinstance(words, dict):
        raise InputError(f"{path}: 'words' must be a table ([words]), not {_kind(words)}")
    words = _language_entries(words, language)
    entries = []
    for word, replacement in words.items():
        entries.append((_checked_word(path, word), _checked_replacement(path, word, replacement)))
    return Lexicon(tuple(entries))


def _language_entries(words: dict[str, object], language: str) -> dict[str, object]:
    """The essay's language's tables first (the first entry for a word wins), then the plain
    entries; other languages' tables are left out. A table is a language's when its key is a
    BCP 47 tag ("fr", "pt-BR"); any other table is still an error, reported as before."""
    from narrate.text.languages import is_language_table

    wanted = [language.lower(), language.lower().split("-")[0]]
    tables = {k.lower(): v for k, v in words.items() if is_language_table(k, v)}
    chosen: dict[str, object] = {}
    for tag in dict.fromkeys(wanted):
        table = tables.get(tag)
        if isinstance(table, dict):
            chosen.update({k: v for k, v in table.items() if k not in chosen})
    for key, value in words.items():
        if not is_language_table(key, value) and key not in chosen:
            chosen[key] = value
    return chosen


def _checked_word(path: Path, word: str) -> str:
    if not word.strip():
        raise InputError(f"{path}: [words] has an empty key: each key is a word to respell")
    if word != word.strip() or "\n" in word or "\t" in word:
        raise InputError(
            f"{path}: [words] key {word!r} has leading, trailing or line-breaking whitespace"
        )
    if "[[" in word or "]]" in word:
        raise InputError(f"{path}: [words] key {word!r}: phonemes belong in the value, not the key")
    return word


def _checked_replacement(path: Path, word: str, replacement: object) -> str:
    if isinstance(replacement, dict):
        dotted = ".".join([word, *list(replacement)[:1]])
        raise InputError(
            f"{path}: [words] {word!r} is a table, not a string "
            f'(quote a key that holds a dot: "{dotted}" = "...")'
        )
    if not isinstance(replacement, str) or not replacement.strip():
        shown = repr(replacement)
        shown = shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"
        raise InputError(
            f"{path}: [words] {word!r} = {shown}: the pronunciation must be a non-empty string"
        )
    if "\n" in replacement:
        raise InputError(f"{path}: [words] {word!r}: the pronunciation must be one line")
    if "[[" in replacement or "]]" in replacement:
        outside = _BALANCED.sub("", replacement)
        if "[[" in outside or "]]" in outside:
            raise InputError(
                f"{path}: [words] {word!r} = {replacement!r}: unbalanced [[ ]] around phonemes"
            )
    return replacement


def _kind(value: object) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "true/false",
            list: "a list"}.get(type(value), type(value).__name__)  # fmt: skip
