"""EPUB 2 and 3 books, read with zipfile and lxml.

Chapters follow the book's own table of contents (the EPUB 3 nav, else the EPUB 2 NCX), flattened
in order, walked in spine order: text between two TOC entries, in one file or across files, belongs
to the first. Front and back matter that is not reading (cover, title page, copyright page, the
contents, colophon, index; known by epub:type, landmarks or guide, linear="no", or title) is
left out and listed unless `include_all`. Notes beside the text (epub:type footnote/endnote) and
code are counted as skipped. DRM-encrypted text is refused; font obfuscation is not DRM.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from narrate.errors import InputError
from narrate.text.readers import (
    Document,
    ReadOptions,
    Section,
    count_summary,
    has_words,
    one_line,
    table_row,
)

NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "enc": "http://www.w3.org/2001/04/xmlenc#",
    "x": "http://www.w3.org/1999/xhtml",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
FONT_OBFUSCATION = {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")
# Parts of a book that are not reading, by epub:type (EPUB 3 Structural Semantics) or guide type.
NOT_READING = {
    "cover", "titlepage", "halftitlepage", "title-page", "copyright-page", "toc", "landmarks",
    "loi", "lot", "colophon", "imprint", "imprimatur", "index", "seriespage", "page-list",
}  # fmt: skip
_NOT_READING_TITLE = re.compile(
    r"^(cover|title ?page|copyright( page)?|(table of )?contents|colophon|index)$", re.I
)
BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "figure", "figcaption", "table", "thead", "tbody", "tfoot",
    "tr", "td", "th", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "body", "hgroup", "address",
    "caption", "center",
}  # fmt: skip
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
NOTES = {"footnote", "endnote", "rearnote", "note"}
NOTE_SECTIONS = {"footnotes", "endnotes", "rearnotes"}
"""A note beside the text is skipped (counted); the notes in a notes section are read."""
# Line and page numbers printed beside the text (no epub:type marks them in many books).
_NUMBERING_CLASS = re.compile(r"\b(lnum|line-?num(ber)?s?|page-?num(ber)?s?|pagenum)\b", re.I)


@dataclass
class _Part:
    """A stretch of the book from one TOC entry to the next (title None: before the first)."""

    title: str | None
    paragraphs: list[str] = field(default_factory=list)
    types: dict[str, None] = field(default_factory=dict)
    """epub:types met before its first words, in order (a dict: an ordered set)."""
    not_reading: bool = False
    unread: int = 0
    """Paragraphs inside non-reading containers (a contents page inside a chapter's file)."""
    skipped: Counter[str] = field(default_factory=Counter)
    """Notes and code in this part, not read (counted only when the part is read)."""


def read(path: Path, raw: bytes, options: ReadOptions) -> Document:
    try:
        book = zipfile.ZipFile(BytesIO(raw))
        return _Book(path, book, options).read()
    except (zipfile.BadZipFile, EOFError):
        raise InputError(f"{path}: is not a readable EPUB book (damaged zip archive)") from None


class _Book:
    def __init__(self, path: Path, archive: zipfile.ZipFile, options: ReadOptions) -> None:
        self.path = path
        self.zip = archive
        self.options = options
        self.names = set(archive.namelist())
        self.skipped: Counter[str] = Counter()

    def read(self) -> Document:
        self._refuse_drm()
        opf_path = self._rootfile()
        opf = self._xml(opf_path)
        base = posixpath.dirname(opf_path)
        manifest = {
            item.get("id"): (
                _join(base, item.get("href", "")),
                item.get("media-type", ""),
                set((item.get("properties") or "").split()),
            )
            for item in opf.iterfind("opf:manifest/opf:item", NS)
        }
        spine = [
            (manifest[ref.get("idref")][0], ref.get("linear", "yes") != "no")
            for ref in opf.iterfind("opf:spine/opf:itemref", NS)
            if ref.get("idref") in manifest
            and "html" in manifest[ref.get("idref")][1]
            and manifest[ref.get("idref")][0] in self.names
        ]
        if not spine:
            raise InputError(f"{self.path}: is not a readable EPUB book (it has no spine)")
        toc = self._toc(opf, manifest, base)
        guide = {
            _join(base, ref.get("href", "")): ref.get("type", "").lower()
            for ref in opf.iterfind("opf:guide/opf:reference", NS)
        }
        guide |= self._landmarks(manifest)
        parts = self._parts(spine, toc, guide)
        sections, left_out = self._choose(parts)
        meta = self._meta(opf)
        return Document(
            kind="epub",
            sections=tuple(sections),
            title=meta.get("title"),
            meta=meta,
            skipped=count_summary(self.skipped),
            left_out=tuple(left_out),
            cover=self._cover(opf, manifest, base),
        )

    # --- the package -----------------------------------------------------------------------

    def _refuse_drm(self) -> None:
        if "META-INF/encryption.xml" not in self.names:
            return
        encryption = self._xml("META-INF/encryption.xml")
        for data in encryption.iterfind(".//enc:EncryptedData", NS):
            method = data.find("enc:EncryptionMethod", NS)
            algorithm = method.get("Algorithm", "") if method is not None else ""
            target = data.find(".//enc:CipherReference", NS)
            uri = unquote(target.get("URI", "")) if target is not None else ""
            if algorithm in FONT_OBFUSCATION or uri.lower().endswith(FONT_SUFFIXES):
                continue  # obfuscated fonts: not DRM, and never read anyway
            raise InputError(
                f"{self.path}: is protected by DRM (its text is encrypted); narrate cannot read it"
            )

    def _rootfile(self) -> str:
        if "META-INF/container.xml" not in self.names:
            raise InputError(f"{self.path}: is not a readable EPUB book (no container.xml)")
        rootfile = self._xml("META-INF/container.xml").find(".//c:rootfile", NS)
        full_path = rootfile.get("full-path") if rootfile is not None else None
        if not full_path or full_path not in self.names:
            raise InputError(f"{self.path}: is not a readable EPUB book (no package file)")
        return full_path

    def _xml(self, name: str) -> Any:
        from lxml import etree

        try:
            data = self.zip.read(name)
            return etree.fromstring(data, etree.XMLParser(recover=True, resolve_entities=False))
        except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError) as exc:
            raise InputError(f"{self.path}: is not a readable EPUB book ({name}: {exc})") from None

    def _html(self, name: str) -> Any:
        """A content document: XHTML as XML, else (tag soup) through the HTML parser."""
        from lxml import etree, html

        data = self.zip.read(name)
        try:
            root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))
        except etree.XMLSyntaxError:
            root = html.fromstring(data)
        return root

    def _meta(self, opf: Any) -> dict[str, Any]:
        def first(tag: str) -> str | None:
            for element in opf.iterfind(f"opf:metadata/dc:{tag}", NS):
                text = one_line("".join(element.itertext()))
                if text:
                    return text
            return None

        creators = [
            one_line("".join(e.itertext())) for e in opf.iterfind("opf:metadata/dc:creator", NS)
        ]
        meta: dict[str, Any] = {
            "title": first("title"),
            "author": ", ".join(c for c in creators if c) or None,
            "language": first("language"),
            "description": _strip_tags(first("description")),
            "date": _date(first("date")),
            "publisher": first("publisher"),
        }
        return {key: value for key, value in meta.items() if value}

    def _cover(self, opf: Any, manifest: dict[str, Any], base: str) -> bytes | None:
        """The cover image: EPUB 3 `cover-image`, else the EPUB 2 `<meta name="cover">`."""
        chosen = next((h for h, _, props in manifest.values() if "cover-image" in props), None)
        if chosen is None:
            meta = opf.find("opf:metadata/opf:meta[@name='cover']", NS)
            item = manifest.get(meta.get("content")) if meta is not None else None
            if item is not None and item[1].startswith("image/"):
                chosen = item[0]
        if chosen is None or chosen not in self.names:
            return None
        return self.zip.read(chosen)

    # --- the table of contents -------------------------------------------------------------

    def _toc(
        self, opf: Any, manifest: dict[str, Any], base: str
    ) -> list[tuple[str, str, str | None]]:
        """(title, file, fragment) for each entry, nested entries flattened in order."""
        nav = next((href for href, _, props in manifest.values() if "nav" in props), None)
        if nav and nav in self.names:
            entries = self._nav_entries(nav)
            if entries:
                return entries
        ncx_id = opf.find("opf:spine", NS).get("toc")
        ncx = manifest.get(ncx_id, (None,))[0] or next(
            (href for href, kind, _ in manifest.values() if kind == "application/x-dtbncx+xml"),
            None,
        )
        if ncx and ncx in self.names:
            return self._ncx_entries(ncx)
        return []

    def _nav_entries(self, nav: str) -> list[tuple[str, str, str | None]]:
        root = self._html(nav)
        base = posixpath.dirname(nav)
        for element in root.iter("{*}nav", "nav"):
            if "toc" in (element.get(EPUB_TYPE) or "").split():
                return [
                    _entry(base, anchor.get("href", ""), "".join(anchor.itertext()))
                    for anchor in element.iter("{*}a", "a")
                    if anchor.get("href")
                ]
        return []

    def _landmarks(self, manifest: dict[str, Any]) -> dict[str, str]:
        """File -> type from the EPUB 3 nav's landmarks (cover, toc, copyright-page, ...)."""
        nav = next((href for href, _, props in manifest.values() if "nav" in props), None)
        if not nav or nav not in self.names:
            return {}
        found: dict[str, str] = {}
        for element in self._html(nav).iter("{*}nav", "nav"):
            if "landmarks" in (element.get(EPUB_TYPE) or "").split():
                for anchor in element.iter("{*}a", "a"):
                    href, kind = anchor.get("href", ""), (anchor.get(EPUB_TYPE) or "").lower()
                    if href and not href.startswith("#"):
                        found.setdefault(_join(posixpath.dirname(nav), href), kind)
        return found

    def _ncx_entries(self, ncx: str) -> list[tuple[str, str, str | None]]:
        root = self._xml(ncx)
        base = posixpath.dirname(ncx)
        return [
            _entry(
                base,
                point.find("ncx:content", NS).get("src", ""),
                "".join(point.find("ncx:navLabel", NS).itertext()),
            )
            for point in root.iter(f"{{{NS['ncx']}}}navPoint")
            if point.find("ncx:content", NS) is not None
            and point.find("ncx:navLabel", NS) is not None
        ]

    # --- the text ---------------------------------------------------------------------------

    def _parts(
        self,
        spine: list[tuple[str, bool]],
        toc: list[tuple[str, str, str | None]],
        guide: dict[str, str],
    ) -> list[_Part]:
        starts: dict[str, list[tuple[str | None, str]]] = {}
        for title, file, fragment in dict.fromkeys(toc):  # the same entry twice: one chapter
            starts.setdefault(file, []).append((fragment, title))
        parts: list[_Part] = [_Part(None)]
        for file, linear in spine:
            at_start = [title for fragment, title in starts.get(file, []) if fragment is None]
            for title in at_start:
                parts.append(_Part(title))
            anchors = {f: t for f, t in starts.get(file, []) if f is not None}
            if not linear or guide.get(file) in NOT_READING:
                if not at_start:  # a file of its own outside the contents: a part of its own
                    parts.append(_Part(None))
                parts[-1].not_reading = True
                parts[-1].types[guide.get(file) or "not in reading order"] = None
            walker = _Walker(anchors, parts)
            walker.walk(self._html(file), set())
            walker.flush()
        return parts

    def _choose(self, parts: list[_Part]) -> tuple[list[Section], list[str]]:
        sections: list[Section] = []
        left_out: list[str] = []
        for part in parts:
            not_reading = (
                part.not_reading
                or bool(part.types.keys() & NOT_READING)
                or bool(part.title and _NOT_READING_TITLE.match(part.title.strip(" .:")))
            )
            if part.title is None and not part.paragraphs and not part.unread and not not_reading:
                continue
            if not_reading and not self.options.include_all:
                left_out.append(_describe(part))
                continue
            paragraphs = [p for p in part.paragraphs if has_words(p)]
            if part.title is None and not paragraphs:
                continue
            sections.append(Section(part.title, tuple(paragraphs)))
            self.skipped += part.skipped
        return sections, left_out


class _Walker:
    """Walks a content document's elements in order, cutting its text at TOC anchors."""

    def __init__(self, anchors: dict[str, str], parts: list[_Part]) -> None:
        self.anchors = anchors
        self.parts = parts
        self.inline: list[str] = []
        self.row: list[str] | None = None
        self.types: set[str] = set()

    def walk(self, element: Any, types: set[str]) -> None:
        tag = _local(element.tag)
        if not isinstance(tag, str) or tag in ("script", "style", "head", "title"):
            return
        own = set((element.get(EPUB_TYPE) or "").split())
        if element.get("id") in self.anchors:
            self.flush()
            self.parts.append(_Part(self.anchors.pop(element.get("id"))))
        types = types | own
        part = self.parts[-1]
        if own and not part.paragraphs and not part.unread:
            part.types |= dict.fromkeys(sorted(own))
        if own & {"noteref", "pagebreak"} or _NUMBERING_CLASS.search(element.get("class") or ""):
            return  # a note's marker ("*", "1"), a page or line number
        if own & NOTES and tag != "a" and not types & NOTE_SECTIONS:
            self.flush()
            self.parts[-1].skipped["note"] += 1
            return
        if tag == "pre":
            self.flush()
            self.parts[-1].skipped["code block"] += 1
            return
        if tag in ("img", "svg", "math", "audio", "video"):
            return
        block = tag in BLOCKS
        if block:
            self.flush()
            self.types = types
        if tag == "tr":
            self.row = []
        if element.text:
            self.inline.append(element.text)
        for child in element:
            self.walk(child, types)
            if _local(child.tag) in BLOCKS:
                self.flush()
                self.types = types
            if child.tail:
                self.inline.append(child.tail)
        if tag in ("td", "th") and self.row is not None:
            self.row.append(one_line("".join(self.inline)))
            self.inline = []
        elif tag == "tr" and self.row is not None:
            self.inline = [table_row(self.row)]
            self.row = None
        if tag == "br":
            self.inline.append(" ")
        if block:
            self.flush(heading=tag in HEADINGS)

    def flush(self, heading: bool = False) -> None:
        text = one_line("".join(self.inline))
        self.inline = []
        if not has_words(text):
            return
        part = self.parts[-1]
        if not part.paragraphs and not part.unread:
            part.types |= dict.fromkeys(sorted(self.types))
        if self.types & NOT_READING and not part.types.keys() & NOT_READING:
            part.unread += 1  # e.g. a contents list inside a chapter's file
            return
        if heading and not part.paragraphs and _same_title(text, part.title):
            return  # the chapter's own heading: its title is already spoken
        part.paragraphs.append(text)


def _describe(part: _Part) -> str:
    """ "Copyright Page", "Moby-Dick (title page)", "contents": what a reader would call it."""
    kinds = [k for k in part.types if k in NOT_READING] or [
        k for k in part.types if k == "not in reading order"
    ]
    names = {"toc": "contents", "titlepage": "title page", "copyright-page": "copyright page"}
    kind = names.get(kinds[0], kinds[0].replace("-", " ")) if kinds else None
    if part.title:
        title = one_line(part.title)
        return f"{title} ({kind})" if kind and kind.casefold() != title.casefold() else title
    return kind or "untitled pages"


def _same_title(heading: str, title: str | None) -> bool:
    def key(text: str) -> str:
        return re.sub(r"\W+", "", text).casefold()

    return title is not None and key(heading) == key(title)


def _entry(base: str, href: str, title: str) -> tuple[str, str, str | None]:
    file, _, fragment = href.partition("#")
    return one_line(title), _join(base, file), unquote(fragment) or None


def _join(base: str, href: str) -> str:
    file = href.split("#")[0]
    return posixpath.normpath(posixpath.join(base, unquote(file))) if file else ""


def _local(tag: Any) -> Any:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else tag


def _strip_tags(text: str | None) -> str | None:
    return one_line(re.sub(r"<[^>]*>", " ", text)) if text else None


def _date(text: str | None) -> str | None:
    """YYYY-MM-DD (or YYYY) from an OPF date such as 2011-09-01 or 2012-01-18T12:47:00Z."""
    match = re.match(r"\d{4}(-\d{2}-\d{2})?", text or "")
    return match.group(0) if match else None
