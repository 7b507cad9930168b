"""Markdown (CommonMark, with GitHub tables and footnotes) parsed by markdown-it-py.

Read: headings (ATX and setext; inline markup removed from titles), paragraphs, blockquotes, lists
(item by item, each a sentence), tables (row by row, each a sentence, cells joined by commas),
footnotes (at the end of the chapter that cites them, or skipped with `footnotes: skip`), the text
of inline code and of links. Not read, and counted: code blocks (fenced or indented), HTML
comments, HTML blocks with no text, images. Link reference definitions are never text.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

from narrate.text.readers import (
    Block,
    Document,
    ReadOptions,
    count_summary,
    has_words,
    list_paragraph,
    note_paragraph,
    one_line,
    sections_from_blocks,
    table_row,
)

# A line that starts with ">=" means "at least", not a blockquote holding "= ...".
_AT_LEAST = re.compile(r"^( {0,3})>=", re.M)
# Site generators' template tags: Hugo shortcodes ({{< x >}}, {{% x %}}) and Liquid ({% x %},
# {{ x }}). The tags are not text (what paired ones wrap is); an embed they stand for is counted.
_TEMPLATE_TAG = re.compile(r"\{\{<.*?>\}\}|\{\{%.*?%\}\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_TAG = re.compile(r"<[^>]*>")


def read(path: Path, text: str, options: ReadOptions) -> Document:
    parsed = _Parser(path, options)
    blocks = parsed.blocks(text, first_line=1 + options.line_offset)
    title, sections = sections_from_blocks(blocks)
    return Document(
        kind="markdown",
        text=text,
        sections=sections,
        title=title,
        skipped=count_summary(parsed.skipped),
        warnings=tuple(parsed.warnings),
    )


def markdown_sections(text: str) -> tuple[str | None, tuple[Any, ...]]:
    """The title and sections of Markdown text (for a `Script` made in memory)."""
    document = read(Path("<text>"), text, ReadOptions())
    return document.title, document.sections or ()


def _markdown_it() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)


class _Parser:
    """Walks markdown-it's token stream into heading, paragraph and note blocks."""

    def __init__(self, path: Path, options: ReadOptions) -> None:
        self.path = path
        self.read_notes = options.footnotes != "skip"
        self.skipped: Counter[str] = Counter()
        self.warnings: list[str] = []

    def blocks(self, text: str, first_line: int) -> list[Block]:
        source = _TEMPLATE_TAG.sub(self._template_tag, _AT_LEAST.sub(r"\1\\>=", text))
        tokens = _markdown_it().parse(source)
        lines = source.split("\n")
        blocks: list[Block] = []
        cited: list[tuple[int, int, str]] = []  # (position in blocks, note id, label) in order
        notes = self._notes(tokens)
        items: list[str] = []  # the current (outermost) list's items
        row: list[str] = []
        rows: list[str] = []
        list_depth = 0
        heading_level = 0
        in_notes = False
        for index, token in enumerate(tokens):
            kind = token.type
            if kind in ("footnote_block_open", "footnote_block_close"):
                in_notes = kind == "footnote_block_open"
            elif in_notes:
                continue  # read by _notes
            elif kind == "heading_open":
                heading_level = int(token.tag[1])
            elif kind == "heading_close":
                heading_level = 0
            elif kind in ("bullet_list_open", "ordered_list_open"):
                list_depth += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                list_depth -= 1
                if list_depth == 0:
                    blocks.append(("paragraph", 0, list_paragraph(items)))
                    items = []
            elif kind == "tr_close":
                rows.append(table_row(row))
                row = []
            elif kind == "table_close":
                blocks.append(("paragraph", 0, " ".join(r for r in rows if r)))
                rows = []
            elif kind in ("fence", "code_block"):
                if kind == "fence" and not _closed(token, lines):
                    return self._unclosed(token, lines, first_line, blocks, cited, notes)
                self.skipped["code block"] += 1
            elif kind == "html_block":
                self._html_block(token.content, blocks)
            elif kind == "inline":
                plain, refs = self._inline(token)
                cited += [(len(blocks), note, label) for note, label in refs]
                parent = tokens[index - 1].type
                if heading_level:
                    blocks.append(("heading", heading_level, plain))
                elif parent in ("th_open", "td_open"):
                    row.append(plain)
                elif list_depth:
                    items.append(plain)
                else:
                    blocks.append(("paragraph", 0, plain))
        return self._with_notes(blocks, cited, notes)

    def _template_tag(self, match: re.Match[str]) -> str:
        self.skipped["template tag"] += 1
        return "\n" * match.group().count("\n")  # the lines below keep their numbers

    def _notes(self, tokens: list[Any]) -> dict[int, str]:
        """Each footnote's text by its id (markdown-it puts them all at the end)."""
        notes: dict[int, str] = {}
        note_id: int | None = None
        for token in tokens:
            if token.type == "footnote_open":
                note_id = token.meta["id"]
                notes[note_id] = ""
            elif token.type == "footnote_close":
                note_id = None
            elif token.type == "inline" and note_id is not None:
                notes[note_id] = one_line(f"{notes[note_id]} {self._inline(token)[0]}")
        return notes

    def _with_notes(
        self, blocks: list[Block], cited: list[tuple[int, int, str]], notes: dict[int, str]
    ) -> list[Block]:
        if not notes:
            return blocks
        if not self.read_notes:
            self.skipped["footnote"] += len(notes)
            return blocks
        after: dict[int, list[Block]] = {}
        seen: set[int] = set()
        for position, note, label in cited:
            if note in seen:
                continue
            seen.add(note)
            after.setdefault(position, []).append(
                ("note", 0, note_paragraph(label, notes.get(note, "")))
            )
        result: list[Block] = []
        for position, block in enumerate(blocks):
            result.append(block)
            result += after.get(position, [])
        return result

    def _inline(self, token: Any) -> tuple[str, list[tuple[int, str]]]:
        """Plain text of an inline token, and the footnotes it cites (id, label)."""
        parts: list[str] = []
        refs: list[tuple[int, str]] = []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif child.type == "html_inline":
                if child.content.lower().startswith("<br"):
                    parts.append(" ")
            elif child.type == "image":
                self.skipped["image"] += 1
            elif child.type == "footnote_ref":
                refs.append((child.meta["id"], child.meta["label"]))
        return one_line("".join(parts)), refs

    def _html_block(self, content: str, blocks: list[Block]) -> None:
        if content.lstrip().startswith("<!--"):
            self.skipped["HTML comment"] += 1
            return
        text = one_line(html.unescape(_TAG.sub(" ", content)))
        if not has_words(text):
            self.skipped["HTML block"] += 1
            return
        blocks.append(("paragraph", 0, text))

    def _unclosed(
        self,
        token: Any,
        lines: list[str],
        first_line: int,
        blocks: list[Block],
        cited: list[tuple[int, int, str]],
        notes: dict[int, str],
    ) -> list[Block]:
        """An unclosed fence would swallow the rest of the file: warn, and read the rest."""
        start = token.map[0]
        self.warnings.append(
            f"{self.path}: line {start + first_line}: the code fence {token.markup} is never "
            "closed; the text after it is read as text"
        )
        rest = "\n".join(lines[start + 1 :])
        return self._with_notes(blocks, cited, notes) + self.blocks(rest, start + 1 + first_line)


def _closed(token: Any, lines: list[str]) -> bool:
    start, end = token.map
    if end - 1 <= start or end > len(lines):
        return False
    last = lines[end - 1].lstrip(" \t>").strip()  # a fence may sit in a blockquote
    fence = token.markup
    return len(last) >= len(fence) and set(last) == {fence[0]}
