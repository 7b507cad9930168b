"""`narrate chapters` and `narrate words`: what an essay will be read as."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from narrate.cli.common import INCLUDE_ALL_HELP, JSON_HELP, LANGUAGE_HELP, LEXICON_HELP
from narrate.console import warn


@click.command()
@click.argument("script")
@click.option("--spoken", is_flag=True, help="Also show exactly what will be said.")
@click.option("--lexicon", default=None, help=LEXICON_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.option("--include-all", is_flag=True, help=INCLUDE_ALL_HELP)
@click.option("--language", default=None, help=LANGUAGE_HELP)
def chapters(
    script: str,
    spoken: bool,
    lexicon: str | None,
    as_json: bool,
    include_all: bool,
    language: str | None,
) -> None:
    """List the chapters SCRIPT will be split into.

    SCRIPT is plain text, Markdown, a Word .docx, a saved web page (.html) or an EPUB book.

    Example: narrate chapters script/essay.txt --spoken
    """
    from narrate.console import document_json, document_lines
    from narrate.settings.resolve import BuildSettings, read_config
    from narrate.text.chapters import split_chapters
    from narrate.text.lexicon import lexicon_at
    from narrate.text.script import read_script
    from narrate.text.sentences import chapter_sentences

    essay = read_script(Path(script), include_all=include_all)
    for message in essay.warnings:
        warn(message)
    flags = {"lexicon": lexicon, "language": language}
    settings = BuildSettings(flags=flags, config=read_config(None))
    tag = settings.language_for(essay)
    outline = split_chapters(essay, tag)
    pauses = settings.pauses_for(essay)
    entries = lexicon_at(settings.lexicon_for(essay), tag) if spoken else None
    rows: list[dict[str, Any]] = []
    for chapter in outline.chapters:
        row = {"index": chapter.index, "title": chapter.title, "words": chapter.words,
               "minutes": round(chapter.minutes, 1)}  # fmt: skip
        if spoken:
            said = chapter_sentences(chapter, pauses, entries, tag)
            row["spoken"] = [s.spoken for s in said]
        rows.append(row)
    if as_json:
        found = {"title": outline.title, "chapters": rows, **document_json(essay)}
        click.echo(json.dumps(found, ensure_ascii=False))
        return
    click.echo(outline.title)
    for row in rows:
        size = f"{row['words']} words, ~{row['minutes']} min"
        click.echo(f"{row['index']:>3}  {row['title']}  ({size})")
        for line in row.get("spoken", []):
            click.echo(f"       {line}")
    for line in document_lines(essay, spoken):
        click.echo(line)


@click.command()
@click.argument("script")
@click.option("--voice", default=None, help="espeak-ng voice id (see `narrate voices`).")
@click.option("--lexicon", default=None, help=LEXICON_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def words(script: str, voice: str | None, lexicon: str | None, as_json: bool) -> None:
    """List the names and rare words in SCRIPT as the voice will say them, as a
    pronunciations.toml [words] table: correct the phonemes (or write a respelling), delete
    the lines that sound right, and paste the rest into pronunciations.toml.

    Example: narrate words script/essay.txt
    """
    from narrate.engines import VoiceSettings, pyttsx3
    from narrate.settings.resolve import BuildSettings
    from narrate.text.chapters import split_chapters
    from narrate.text.lexicon import lexicon_at
    from narrate.text.script import read_script
    from narrate.text.words import find_words, pronunciations_block

    essay = read_script(Path(script))
    entries = lexicon_at(BuildSettings(flags={"lexicon": lexicon}).lexicon_for(essay))
    paragraphs = [p for c in split_chapters(essay).chapters for p in c.paragraphs]
    found = find_words(paragraphs, known=[word for word, _ in entries.entries] if entries else [])
    said = pyttsx3.phonemes([w.word for w in found], VoiceSettings(voice=voice))
    if as_json:
        rows = [{"word": w.word, "count": w.count, "kind": w.kind, "phonemes": p}
                for w, p in zip(found, said, strict=True)]  # fmt: skip
        click.echo(json.dumps({"words": rows}, ensure_ascii=False))
        return
    click.echo(f"# {len(found)} names and rare words in {script}, as the voice says them now")
    click.echo(pronunciations_block(found, said), nl=False)
