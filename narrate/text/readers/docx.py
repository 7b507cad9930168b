"""Word documents (.docx) from Word, Google Docs, LibreOffice or pandoc, read with python-docx.

Read: the body in order: paragraphs, headings (by style, `Heading N`, or by outline level), lists
(item by item, each a sentence), tables (row by row), footnotes and endnotes (at the end of the
chapter that cites them). The `Title` style (else a lone top heading) is the document's title.
Never read: headers, footers and page numbers (they are not in the body), a table of contents,
`Author`/`Date`/`Subtitle` lines under the title, deleted text of tracked changes, images.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any

from narrate.errors import InputError
from narrate.text.readers import (
    Block,
    Document,
    ReadOptions,
    cell_text,
    count_summary,
    has_words,
    list_paragraph,
    lone_symbol,
    note_paragraph,
    one_line,
    sections_from_blocks,
    table_row,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_NOT_READ_INSIDE = (_FALLBACK, f"{W}moveFrom", f"{W}txbxContent")
"""Inside a paragraph, what its text leaves out: the older copy Word keeps of a drawing (its
text boxes are in the newer one too), text a tracked move took elsewhere (read where it went),
and text boxes (read as paragraphs of their own, after the one that holds them)."""
_NOT_READ_NOR_IN_A_FORMULA = (*_NOT_READ_INSIDE, f"{M}oMath")
_STRICT = b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
"""Word's "Strict Open XML" names its parts' relationships so (python-docx reads the other)."""
_HEADING_STYLE = re.compile(r"^heading (\d)$", re.I)
_TOC_STYLE = re.compile(r"^(toc|contents) ?(heading|\d)", re.I)
TITLE_LINES = {"subtitle", "author", "date"}
"""Lines a title page carries under the title (pandoc writes these styles), not read."""


def read(path: Path, raw: bytes, options: ReadOptions) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        if _is_strict(raw):
            raise InputError(
                f"{path}: is saved as Strict Open XML, which narrate cannot read: save it as a "
                "Word Document (.docx) first"
            ) from None
        raise InputError(f"{path}: is not a readable Word document ({exc})") from None
    reader = _Reader(document)
    blocks = reader.blocks()
    title, sections = sections_from_blocks(blocks)
    core = document.core_properties
    meta = {
        "title": one_line(core.title or "") or None,
        "author": one_line(core.author or "") or None,
        "description": one_line(core.comments or core.subject or "") or None,
        "language": one_line(core.language or "") or None,
    }
    return Document(
        kind="docx",
        sections=sections,
        title=reader.title or title,
        meta={key: value for key, value in meta.items() if value},
        skipped=count_summary(reader.skipped),
    )


class _Reader:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.styles = {style.style_id: style for style in document.styles}
        self.skipped: Counter[str] = Counter()
        self.title: str | None = None
        self.notes = {
            **self._notes("footnotes", "footnote"),
            **self._notes("endnotes", "endnote"),
        }

    def blocks(self) -> list[Block]:
        blocks: list[Block] = []
        items: list[str] = []
        initial = ""  # a drop cap: the first letter of the next paragraph, in a frame of its own
        for element in self.document.element.body.iterchildren():
            tag = element.tag
            if tag == f"{W}sdt" and self._is_toc(element):
                self.skipped["table of contents"] += 1
                continue
            for paragraph in self._paragraphs(element):
                frame = paragraph.find(f"{W}pPr/{W}framePr")
                if frame is not None and frame.get(f"{W}dropCap") in ("drop", "margin"):
                    initial += _text(paragraph)
                    continue
                kind, level, text, cited = self._paragraph(paragraph, initial)
                initial = ""
                if kind != "item" and items:
                    blocks.append(("paragraph", 0, list_paragraph(items)))
                    items = []
                if kind == "item":
                    items.append(text)
                elif kind == "heading":
                    blocks.append(("heading", level, text))
                elif kind == "paragraph":
                    blocks.append(("paragraph", 0, text))
                blocks += cited
            if tag == f"{W}tbl":
                if items:
                    blocks.append(("paragraph", 0, list_paragraph(items)))
                    items = []
                blocks += self._table(element)
        if items:
            blocks.append(("paragraph", 0, list_paragraph(items)))
        if has_words(initial):  # a framed letter with no paragraph after it: read as it is
            blocks.append(("paragraph", 0, initial))
        self.skipped["formula"] += sum(
            _formula_symbol(formula) is None
            for formula in self.document.element.body.iter(f"{M}oMath")
            if not _within(formula, None, (_FALLBACK, f"{W}moveFrom"))
        )
        return blocks

    def _paragraphs(self, element: Any) -> list[Any]:
        if element.tag == f"{W}p":
            return [element, *_boxed(element)]
        if element.tag == f"{W}sdt":  # a content control: its paragraphs are text like others
            return [p for p in _paragraphs_in(element) if not _within(p, element, (f"{W}tbl",))]
        return []

    def _paragraph(self, paragraph: Any, initial: str = "") -> tuple[str, int, str, list[Block]]:
        """(kind, heading level, text, notes it cites) for one w:p (after a drop cap's
        `initial`)."""
        text = initial + _text(paragraph)
        cited = [("note", 0, self.notes[ref]) for ref in _refs(paragraph) if ref in self.notes]
        style = self._style_name(paragraph)
        if not has_words(text):
            return "empty", 0, "", cited
        if style.lower() == "title":
            if self.title is None:
                self.title = text
                return "title", 0, text, cited
            return "paragraph", 0, text, cited
        if style.lower() in TITLE_LINES:
            self.skipped[f"{style.lower()} line"] += 1
            return "skipped", 0, text, cited
        if _TOC_STYLE.match(style):
            self.skipped["table of contents line"] += 1
            return "skipped", 0, text, cited
        level = self._heading_level(paragraph, style)
        if level:
            return "heading", level, text, cited
        if self._is_list_item(paragraph):
            return "item", 0, text, cited
        return "paragraph", 0, text, cited

    def _style_name(self, paragraph: Any) -> str:
        style_id = paragraph.find(f"{W}pPr/{W}pStyle")
        style = self.styles.get(style_id.get(f"{W}val")) if style_id is not None else None
        return (style.name or "") if style is not None else ""

    def _heading_level(self, paragraph: Any, style: str) -> int:
        match = _HEADING_STYLE.match(style)
        if match:
            return int(match.group(1))
        outline = paragraph.find(f"{W}pPr/{W}outlineLvl")
        if outline is None:
            style_id = paragraph.find(f"{W}pPr/{W}pStyle")
            found = self.styles.get(style_id.get(f"{W}val")) if style_id is not None else None
            while found is not None and outline is None:
                outline = found.element.find(f"{W}pPr/{W}outlineLvl")
                found = found.base_style
        if outline is not None:
            value = int(outline.get(f"{W}val", "9"))
            return value + 1 if value < 9 else 0  # 9: body text
        return 0

    def _is_list_item(self, paragraph: Any) -> bool:
        numbering = paragraph.find(f"{W}pPr/{W}numPr/{W}numId")
        if numbering is not None:
            return numbering.get(f"{W}val") != "0"  # numId 0: numbering switched off
        return self._style_name(paragraph).lower().startswith("list ")

    def _table(self, table: Any) -> list[Block]:
        rows = []
        for row in table.iterchildren(f"{W}tr"):
            cells = [cell_text([_text(p) for p in _paragraphs_in(cell)]) for cell in _cells(row)]
            rows.append(table_row(cells))
        text = " ".join(r for r in rows if r)
        return [("paragraph", 0, text)] if has_words(text) else []

    def _is_toc(self, sdt: Any) -> bool:
        gallery = sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
        return gallery is not None and "contents" in gallery.get(f"{W}val", "").lower()

    def _notes(self, part_name: str, tag: str) -> dict[tuple[str, str], str]:
        """Footnote or endnote texts by ("footnote", id), read from their own part."""
        from lxml import etree

        part = next(
            (
                p
                for p in self.document.part.package.iter_parts()
                if str(p.partname) == f"/word/{part_name}.xml"
            ),
            None,
        )
        if part is None:
            return {}
        root = etree.fromstring(part.blob)
        notes: dict[tuple[str, str], str] = {}
        for number, note in enumerate(
            (n for n in root.iterchildren(f"{W}{tag}") if n.get(f"{W}type") is None), start=1
        ):
            text = " ".join(_text(p) for p in _paragraphs_in(note))
            if has_words(text):
                # footnotes and endnotes are numbered apart: "Note 1" and "Endnote 1"
                name = "Endnote" if tag == "endnote" else "Note"
                notes[(tag, note.get(f"{W}id"))] = note_paragraph(str(number), text, name)
        return notes


def _is_strict(raw: bytes) -> bool:
    with (
        contextlib.suppress(zipfile.BadZipFile, KeyError, OSError),
        zipfile.ZipFile(BytesIO(raw)) as archive,
    ):
        return _STRICT in archive.read("_rels/.rels")
    return False


def _refs(paragraph: Any) -> list[tuple[str, str]]:
    return [
        ("footnote" if el.tag == f"{W}footnoteReference" else "endnote", el.get(f"{W}id"))
        for el in paragraph.iter(f"{W}footnoteReference", f"{W}endnoteReference")
    ]


def _text(paragraph: Any) -> str:
    """The text a reader sees: runs and hyperlinks; tabs and breaks as spaces; a formula that is
    one letter or number; never deleted text (tracked changes keep it in w:delText, which this
    does not read), field codes, other formulas (counted by the reader), or what
    `_NOT_READ_INSIDE` lists."""
    parts = []
    tags = (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{M}oMath")
    for element in paragraph.iter(*tags):
        # one walk up: what a paragraph leaves out, and the text Word keeps in a formula's runs
        if _within(element, paragraph, _NOT_READ_NOR_IN_A_FORMULA):
            continue
        if element.tag == f"{M}oMath":
            parts.append(_formula_symbol(element) or "")
        elif element.tag == f"{W}t":
            parts.append(element.text or "")
        elif element.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" ")
    return one_line("".join(parts))


def _formula_symbol(formula: Any) -> str | None:
    """An equation (OMML) read by `lone_symbol`: its text is that of its m:t runs."""
    return lone_symbol("".join(t.text or "" for t in formula.iter(f"{M}t")))


def _within(element: Any, stop: Any, tags: tuple[str, ...]) -> bool:
    """Whether an ancestor of `element` below `stop` has one of `tags`."""
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _paragraphs_in(element: Any) -> list[Any]:
    """The paragraphs inside `element`, each once: none from the older copy of a drawing."""
    return [p for p in element.iter(f"{W}p") if not _within(p, element, (_FALLBACK,))]


def _boxed(paragraph: Any) -> list[Any]:
    """The paragraphs of the text boxes a paragraph holds (boxes in boxes included), in order."""
    return [p for p in _paragraphs_in(paragraph) if p is not paragraph]


def _cells(row: Any) -> list[Any]:
    """A table row's cells, those a content control wraps too (not those of nested tables)."""
    return [cell for cell in row.iter(f"{W}tc") if not _within(cell, row, (f"{W}tr",))]
