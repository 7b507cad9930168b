"""Saved web pages (.html, .htm): the article is extracted with trafilatura, then read.

trafilatura keeps the article and leaves out navigation, sidebars, comments, cookie banners,
scripts and footers (measured against readability-lxml on saved pages: it kept more of each article
and left out all of the boilerplate). The article's headings give the chapters as in Markdown;
lists are read item by item, tables row by row; code blocks are skipped and counted. Title, author,
date and description come from the page's metadata (`og:title`, `<title>`, `author`,
`article:published_time`, ...), the language from `<html lang>`.

Before extraction, what a wiki page (MediaWiki: Wikipedia and its kin) wraps around its article is
taken out: citation marks ("[12]") and formulas are counted, edit links, the generated contents and
navigation boxes dropped; a formula that is a single symbol is read as that symbol. Trailing
sections of references and links are left out whole, as an EPUB's back matter is.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from narrate.errors import InputError
from narrate.text.readers import (
    Block,
    Document,
    ReadOptions,
    Section,
    count_summary,
    has_words,
    list_paragraph,
    lone_symbol,
    one_line,
    sections_from_blocks,
    table_row,
)

_PRE_OPEN = re.compile(r"<pre\b([^>]*)>(?!\s*<code)", re.I)
_PRE_CLOSE = re.compile(r"(?<!</code>)</pre>", re.I)
_LANG = re.compile(r"<html[^>]*\blang=[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)", re.I)


def read(path: Path, text: str, options: ReadOptions) -> Document:
    skipped: Counter[str] = Counter()
    article = _extract(_without_wiki_chrome(text, skipped))
    if article is None:
        raise InputError(f"{path}: no article text found in this web page")
    main = article.find("main")
    blocks = _blocks(main, skipped) if main is not None else []
    if not any(kind == "paragraph" and has_words(t) for kind, _, t in blocks):
        raise InputError(f"{path}: no article text found in this web page")
    heading_title, sections = sections_from_blocks(blocks)
    left_out: list[str] = []
    while not options.include_all and _is_back_matter(sections):
        left_out.insert(0, f"the {sections[-1].title} section")
        sections = sections[:-1]
    meta = _meta(article, text)
    return Document(
        kind="html",
        sections=sections,
        title=meta.get("title") or heading_title,
        meta=meta,
        skipped=count_summary(skipped),
        left_out=tuple(left_out),
    )


_BACK_MATTER = {
    # en
    "references", "notes and references", "citations", "sources", "bibliography",
    "further reading", "external links", "see also", "works cited",
    # de, es, fr, it, nl, pt: the same sections of their Wikipedias
    "einzelnachweise", "literatur", "weblinks", "siehe auch",
    "referencias", "bibliografía", "enlaces externos", "véase también",
    "références", "notes et références", "bibliographie", "liens externes", "voir aussi",
    "bibliografia", "collegamenti esterni", "voci correlate",
    "referenties", "bronnen", "externe links", "zie ook",
    "referências", "ligações externas", "ver também",
}  # fmt: skip
"""Headings of the sections after an article: read only with --include-all. (Notes are read, as
a Markdown essay's footnotes are.)"""


def _is_back_matter(sections: tuple[Section, ...]) -> bool:
    """Whether the last of `sections` is a references or links section after the text (never
    the only section with words)."""
    if len(sections) < 2 or sections[-1].title is None:
        return False
    title = sections[-1].title.casefold().strip(" :.")
    return title in _BACK_MATTER and any(
        has_words(p) for section in sections[:-1] for p in section.paragraphs
    )


_CITATION = re.compile(r"^\[(?:\d+|[a-z]|note \d+|citation needed)\]$", re.I)
_TEX_WRAPPER = re.compile(r"\\(?:displaystyle|textstyle)\b|[{}]")
_DROPPED = (
    # (element, its classes or ids, what it is counted as: "" for page furniture, uncounted)
    ("*", ("mw-editsection", "mw-cite-backlink", "mw-jump-link"), ""),
    ("*", ("toc", "vector-toc"), ""),  # the contents the wiki made from the headings
    ("*", ("navbox", "vertical-navbox", "sidebar", "navbox-styles", "hatnote"), ""),
    ("sup", ("reference", "noprint"), "citation mark"),
)


def _having(tag: str, names: tuple[str, ...]) -> str:
    """XPath for `tag` elements with any of `names` as a class or as their id."""
    tests = " or ".join(
        f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ') or @id='{name}'"
        for name in names
    )
    return f"//{tag}[{tests}]"


def _without_wiki_chrome(page: str, skipped: Counter[str]) -> str:
    """`page` without a wiki's citation marks, edit links, contents and navigation boxes, and
    with its formulas read as their symbol or counted; `page` itself if it holds none of them
    (other pages reach trafilatura exactly as saved)."""
    if "mw-" not in page and "<math" not in page:
        return page
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.document_fromstring(page)
    except (ParserError, ValueError):
        return page
    changed = False
    for tag, names, counted_as in _DROPPED:
        for element in root.xpath(_having(tag, names)):
            if not _attached(element, root):
                continue  # inside one dropped already
            if counted_as == "citation mark" and not _CITATION.match(
                one_line(element.text_content())
            ):
                continue  # a superscript that is text ("1st", "m²")
            if counted_as:
                skipped[counted_as] += 1
            element.drop_tree()
            changed = True
    formulas = root.xpath(f"{_having('*', ('mwe-math-element',))} | //math")
    for element in formulas:
        if not _attached(element, root):
            continue  # inside a formula taken out already
        symbol = _formula_symbol(element)
        if symbol is None:
            skipped["formula"] += 1
            element.drop_tree()
        else:
            _replace_with_text(element, symbol)
        changed = True
    return lxml.html.tostring(root, encoding="unicode") if changed else page


def _attached(element: Any, root: Any) -> bool:
    """Whether `element` is still in the page (not inside a part taken out of it)."""
    top = element
    while (parent := top.getparent()) is not None:
        top = parent
    return top is root


def _formula_symbol(element: Any) -> str | None:
    """A formula's TeX (MediaWiki keeps it beside the MathML) read by `lone_symbol`."""
    math = element if element.tag == "math" else next(iter(element.iter("math")), None)
    tex = (math.get("alttext") if math is not None else None) or element.get("alt") or ""
    if not tex:
        annotation = next(iter(element.iter("annotation")), None)
        tex = annotation.text_content() if annotation is not None else ""
    return lone_symbol(_TEX_WRAPPER.sub(" ", tex))


def _replace_with_text(element: Any, text: str) -> None:
    """`element` replaced in its parent by `text` (its tail kept)."""
    parent, previous = element.getparent(), element.getprevious()
    joined = text + (element.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)


def _extract(text: str) -> Any:
    import logging

    import trafilatura
    from lxml import etree

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every odd page
    # a bare <pre> reaches trafilatura's output as a quote; marked as code it is code
    marked = _PRE_CLOSE.sub("</code></pre>", _PRE_OPEN.sub(r"<pre\1><code>", text))
    found = trafilatura.extract(
        marked,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        favor_precision=False,
    )
    if not found:
        return None
    return etree.fromstring(found.encode("utf-8"), etree.XMLParser(recover=True))


_BLOCKS = {"head", "list", "table", "code", "quote", "graphic", "p", "div"}
"""trafilatura's block elements; a "div" (a section of the page) holds others."""


def _blocks(main: Any, skipped: Counter[str]) -> list[Block]:
    blocks: list[Block] = []
    for element in main:
        tag = element.tag
        if tag == "head":
            level = re.sub(r"\D", "", element.get("rend", "")) or "2"
            blocks.append(("heading", int(level), _text(element)))
        elif tag == "div" and any(child.tag in _BLOCKS for child in element):
            # a section: its headings and paragraphs are read as they come, not as one
            if has_words(element.text or ""):
                blocks.append(("paragraph", 0, one_line(element.text)))
            blocks += _blocks(element, skipped)
        elif tag == "list":
            blocks.append(("paragraph", 0, list_paragraph(_items(element))))
        elif tag == "table":
            rows = [table_row([_text(c) for c in row.iter("cell")]) for row in element.iter("row")]
            blocks.append(("paragraph", 0, " ".join(r for r in rows if r)))
        elif tag == "code":
            skipped["code block"] += 1
        elif tag == "quote":
            blocks += [("paragraph", 0, p) for p in _quote(element)]
        elif tag == "graphic":
            skipped["image"] += 1
        else:
            blocks.append(("paragraph", 0, _text(element)))
        if has_words(element.tail or ""):  # text between blocks is read where it stands
            blocks.append(("paragraph", 0, one_line(element.tail)))
    return blocks


def _items(element: Any) -> list[str]:
    """A list's items, each read once: an item's own text, then the items of lists inside it."""
    items: list[str] = []
    for item in element.iterchildren("item"):
        own = [item.text or ""]
        nested: list[str] = []
        for child in item:
            if child.tag == "list":
                nested += _items(child)
            else:
                own.append(" ".join(child.itertext()))
            own.append(child.tail or "")
        text = one_line(" ".join(own))
        items += [text, *nested] if has_words(text) else nested
    return items


def _quote(element: Any) -> list[str]:
    paragraphs = [_text(p) for p in element if p.tag in ("p", "item")]
    return paragraphs or [_text(element)]


def _text(element: Any) -> str:
    return one_line(" ".join(element.itertext()))


def _meta(article: Any, page: str) -> dict[str, Any]:
    title = one_line(article.get("title") or "")
    site = one_line(article.get("sitename") or "")
    for separator in (" | ", " - ", " – ", " — ", " :: "):
        if site and title.endswith(f"{separator}{site}"):
            title = title[: -len(separator) - len(site)]
    language = _LANG.search(page[:4096])
    meta = {
        "title": title or None,
        "author": one_line(article.get("author") or "") or None,
        "date": article.get("date") or None,
        "description": one_line(article.get("description") or "") or None,
        "language": language.group(1) if language else None,
    }
    return {key: value for key, value in meta.items() if value}
