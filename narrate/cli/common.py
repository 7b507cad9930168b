"""Options and helpers several commands share."""

from __future__ import annotations

from pathlib import Path

CONFIG_HELP = "Settings file (default: ./narrate.toml)."
LEXICON_HELP = "Pronunciations file (default: beside the essay)."
JSON_HELP = "Print one JSON object on stdout."
LANGUAGE_HELP = "The essays' language, a BCP 47 tag (fr, de-AT, pt-BR). Default: front matter."
INCLUDE_ALL_HELP = (
    "EPUB and web pages: also read front and back matter (contents, references, links)."
)


def script_paths(paths: tuple[str, ...]) -> list[Path]:
    return [Path(p) for p in paths]
