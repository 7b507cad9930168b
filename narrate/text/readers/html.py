"""Saved web pages (.html, .htm): the article is extracted with trafilatura, then read.

trafilatura keeps the article and leaves out navigation, sidebars, comments, cookie banners,
scripts and footers (measured against readability-lxml on saved pages: it kept more of each article
and left out all of the boilerplate). The article's headings give the chapters as in Markdown;
lists are read item by item, tables row by row; code blocks are skipped and counted. Title, author,
date and description come from the page's metadata (`og:title`, `<title>`, `author`,
`article:published_time`, ...), the language from `<html lang>`.
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
    count_summary,
    has_words,
    list_paragraph,
    one_line,
    sections_from_blocks,
    table_row,
)

_PRE_OPEN = re.compile(r"<pre\b([^>]*)>(?!\s*<code)", re.I)
_PRE_CLOSE = re.compile(r"(?<!</code>)</pre>", re.I)
_LANG = re.compile(r"<html[^>]*\blang=[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)", re.I)


def read(path: Path, text: str, options: ReadOptions) -> Document:
    article = _extract(text)
    if article is None:
        raise InputError(f"{path}: no article text found in this web page")
    skipped: Counter[str] = Counter()
    main = article.find("main")
    blocks = _blocks(main, skipped) if main is not None else []
    if not any(kind == "paragraph" and has_words(t) for kind, _, t in blocks):
        raise InputError(f"{path}: no article text found in this web page")
    heading_title, sections = sections_from_blocks(blocks)
    meta = _meta(article, text)
    return Document(
        kind="html",
        sections=sections,
        title=meta.get("title") or heading_title,
        meta=meta,
        skipped=count_summary(skipped),
    )


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
