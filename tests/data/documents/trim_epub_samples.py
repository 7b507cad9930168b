"""How the EPUB test books were made from the IDPF epub3-samples (not run by the tests).

python trim_epub_samples.py <epub3-samples checkout>/30 <this folder>
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from lxml import etree
from PIL import Image

XHTML = "{http://www.w3.org/1999/xhtml}"
KEPT = {"chapter_001.xhtml", "chapter_002.xhtml", "chapter_003.xhtml"}


def zip_epub(folder: Path, target: Path, leave_out: set[str] = frozenset()) -> None:
    """An EPUB's zip: `mimetype` first and stored, the rest deflated."""
    with zipfile.ZipFile(target, "w") as book:
        book.write(folder / "mimetype", "mimetype", compress_type=zipfile.ZIP_STORED)
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and name != "mimetype" and name not in leave_out:
                book.write(path, name, compress_type=zipfile.ZIP_DEFLATED)


def cut_short(path: Path, sentences: int) -> None:
    """Keep a chapter's header and the first sentences of its first paragraph."""
    tree = etree.parse(str(path))
    section = tree.find(f".//{XHTML}section")
    kept = False
    for child in list(section):
        if child.tag == f"{XHTML}header":
            continue
        if child.tag == f"{XHTML}p" and not kept:
            kept = True
            text = " ".join(
                re.split(r"(?<=[.!?])\s+", "".join(child.itertext()).strip())[:sentences]
            )
            for sub in list(child):
                child.remove(sub)
            child.text = text
            continue
        section.remove(child)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def moby_dick(samples: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        book = Path(work) / "moby-dick"
        shutil.copytree(samples / "moby-dick", book)
        ops = book / "OPS"
        shutil.rmtree(ops / "fonts")
        (ops / "epigraph_001.xhtml").unlink()
        for path in ops.glob("chapter_*.xhtml"):
            if path.name not in KEPT:
                path.unlink()
        for name in KEPT:
            cut_short(ops / name, 2)
        cut_short(ops / "introduction_001.xhtml", 1)
        opf = (ops / "package.opf").read_text()
        opf = re.sub(r'\s*<item id="font[^>]*/>', "", opf, flags=re.S)
        opf = re.sub(r'\s*<item id="xchapter_(?!00[123]")\d+"[^>]*/>', "", opf)
        opf = re.sub(r'\s*<itemref linear="yes" idref="xchapter_(?!00[123]")\d+"/>', "", opf)
        opf = re.sub(r'\s*<item id="xepigraph_001"[^>]*/>', "", opf)
        opf = re.sub(r'\s*<itemref linear="yes" idref="xepigraph_001"/>', "", opf)
        (ops / "package.opf").write_text(opf)
        for nav in ("toc.xhtml", "toc-short.xhtml"):
            text = (ops / nav).read_text()
            text = re.sub(
                r'\s*<li class="toc-Chapter-rw" id="toc-chapter_(?!00[123]")\d+">\s*<a[^>]*>[^<]*</a>\s*</li>',
                "",
                text,
            )
            text = re.sub(r'\s*<li class="toc-Epigraph-rw"[^>]*>.*?</li>', "", text, flags=re.S)
            (ops / nav).write_text(text)
        for image, width in (("9780316000000.jpg", 480), ("Moby-Dick_FE_title_page.jpg", 240)):
            picture = Image.open(ops / "images" / image).convert("RGB")
            picture.thumbnail((width, width * 2))
            picture.save(ops / "images" / image, "JPEG", quality=80)
        zip_epub(book, out / "moby-dick-trimmed.epub")


def main() -> None:
    samples, out = Path(sys.argv[1]), Path(sys.argv[2])
    moby_dick(samples, out)
    zip_epub(samples / "wasteland", out / "wasteland.epub")
    fonts = {f"EPUB/OldStandard-{style}.obf.otf" for style in ("Bold", "Regular", "Italic")}
    zip_epub(samples / "wasteland-otf-obf", out / "wasteland-obfuscated-fonts.epub", fonts)


if __name__ == "__main__":
    main()
