"""Word documents made by pandoc, LibreOffice and Word (mammoth's fixtures)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from narrate.errors import InputError
from narrate.text.chapters import split_chapters
from narrate.text.script import read_script
from tests.conftest import DATA, build_json, run_narrate

DOCS = DATA / "documents"


def outline(name: str) -> tuple[str, dict[str, list[str]]]:
    found = split_chapters(read_script(DOCS / name))
    return found.title, {c.title: list(c.paragraphs) for c in found.chapters}


@pytest.mark.parametrize("name", ["pandoc-essay.docx", "libreoffice-essay.docx"])
def test_pandoc_and_libreoffice_shapes_give_the_same_chapters(name: str) -> None:
    title, chapters = outline(name)
    assert title == "The Harbour Essay"
    assert chapters == {
        "Low Tide": [
            "The harbour empties twice a day. Boats lie on their sides in the mud.",
            "rope. tar and salt. gulls.",
            "Gulls",  # a level-two heading under a chapter is read as a line
            "Gulls argue over everything.",
            "Bird, Count. Gull, 12.",
            "Note 1: Sometimes more, near the equinox.",
        ],
        "High Tide": ["The water comes back in."],
    }


def test_core_properties_give_title_and_author() -> None:
    script = read_script(DOCS / "libreoffice-letters.docx")
    assert script.meta["title"] == "Letters from the Marsh"
    assert script.meta["author"] == "Bea Author"
    assert script.meta["description"] == "Three short letters about a salt marsh."
    assert script.skipped == ()
    assert read_script(DOCS / "pandoc-essay.docx").skipped == ("1 author line",)


def test_title_style_outline_levels_and_no_headers_or_footers() -> None:
    title, chapters = outline("libreoffice-letters.docx")
    assert title == "Letters from the Marsh"
    assert list(chapters) == ["Letters from the Marsh", "The First Letter", "The Second Letter"]
    assert chapters["The First Letter"] == [
        "The reeds were taller this year. Herons stood in the shallows.",
        "mud. reeds. herons.",
        "A Note on Birds",
        "The birds keep their own calendar.",
        "Note 1: Measured with a borrowed ruler.",
    ]
    every_word = " ".join(p for paragraphs in chapters.values() for p in paragraphs)
    assert "Running header" not in every_word and "Page" not in every_word


def test_word_made_footnotes_tables_and_lists() -> None:
    assert outline("mammoth-footnotes.docx")[1] == {
        "Introduction": [
            "Ouch.",
            "Note 1: A tachyon walks into a bar.",
            "Note 2: Fin.",
        ]
    }
    assert outline("mammoth-tables.docx")[1]["Introduction"] == [
        "Above",
        "Top left, Top right. Bottom left, Bottom right.",
        "Below",
    ]
    assert outline("mammoth-simple-list.docx")[1]["Introduction"] == ["Apple. Banana."]


def test_password_protected_and_pdf_are_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="password-protected"):
        read_script(DOCS / "password-protected.docx")
    fake = tmp_path / "report.docx"
    fake.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    done = run_narrate("build", str(fake), "--out", str(tmp_path / "out"))
    assert done.returncode != 0
    assert (
        done.stderr.strip()
        == f"narrate: {fake}: is a PDF file; narrate reads text, Markdown, .docx, HTML and EPUB"
    )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_resaved_docx_with_the_same_text_rebuilds_nothing(tmp_path: Path) -> None:
    essay = tmp_path / "letters.docx"
    shutil.copy(DOCS / "libreoffice-letters.docx", essay)
    out = tmp_path / "out"
    first = build_json(str(essay), "--out", str(out))["episodes"][0]
    assert all(c["synthesized"] for c in first["chapters"])
    resaved = DOCS / "libreoffice-letters-resaved.docx"  # LibreOffice opened and saved it again
    assert resaved.read_bytes() != essay.read_bytes()
    shutil.copy(resaved, essay)
    again = run_narrate("build", str(essay), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{out / 'letters.mp3'}: up to date, nothing was made"


def test_text_boxes_moved_text_and_wrapped_cells_are_read_once_where_they_stand() -> None:
    """Word keeps each text box twice (in a drawing and in an older copy for old readers), a
    tracked move at both places, and may wrap a table cell in a content control: each is read
    once, text boxes as paragraphs of their own (pandoc's and mammoth's fixtures)."""
    assert outline("mammoth-text-box.docx")[1] == {"Introduction": ["Datum plane"]}
    assert outline("pandoc-text-in-shape.docx")[1] == {
        "Introduction": [
            "Last update: May 1, 2017",
            "Using Microsoft Word 2007/2010 for Writing Technical Documents",
            "Valter Kiisk",
            "Institute of Physics, University of Tartu",
        ]
    }
    assert outline("pandoc-track-changes-move.docx")[1] == {
        "Introduction": [
            "Here is some text.",
            "Here is the text to be moved.",
            "Here is some more text.",
        ]
    }
    assert outline("pandoc-sdt-elements.docx")[1] == {
        "Introduction": ["col1Header, col2Header, col3Header. col1 content, Body copy, col3 content."]
    }


def test_a_drop_cap_is_read_with_its_word_and_a_renamed_main_part_is_found() -> None:
    """pandoc's fixtures: Word sets a drop cap as a framed paragraph of one letter ("D" then
    "rop cap."); a package may name its main part word/document2.xml (its relationships say)."""
    assert outline("pandoc-drop-cap.docx")[1] == {
        "Introduction": [
            "Drop cap.",
            "Next paragraph.",
            "Drop cap in margin.",
            "Drop cap (not really).",
        ]
    }
    title, chapters = outline("pandoc-alternate-document-path.docx")
    assert chapters == {
        "Test": [
            "This is italic, bold, underlined, italic underlined, bold underlined, bold italic "
            "underlined."
        ]
    }


def test_a_strict_open_xml_document_is_refused_saying_what_to_do(tmp_path: Path) -> None:
    """Word's "Strict Open XML" format (mammoth's fixture): python-docx cannot open it."""
    done = run_narrate("build", str(DOCS / "mammoth-strict-format.docx"), "--out", str(tmp_path))
    assert done.returncode != 0
    assert done.stderr.strip() == (
        f"narrate: {DOCS / 'mammoth-strict-format.docx'}: is saved as Strict Open XML, which "
        "narrate cannot read: save it as a Word Document (.docx) first"
    )


def test_footnotes_and_endnotes_numbered_apart_are_told_apart() -> None:
    """pandoc's fixture has footnote 1 and endnote 1: both were read as "Note 1"."""
    assert outline("pandoc-notes.docx")[1] == {
        "A footnote": [
            "Test footnote. Test endnote.",
            "Note 1: My note.",
            "Endnote 1: This is an endnote at the end of the document.",
        ]
    }


def test_a_list_in_a_table_cell_is_not_read_as_one_run_on_phrase() -> None:
    """pandoc's fixture: a cell holding "Cell with" and a list was read "Cell with A Bullet list"."""
    assert outline("pandoc-table-with-list-cell.docx")[1] == {
        "Introduction": [
            "Cell with text, Cell with text. Cell with, A, Bullet list, Cell with, A, Numbered list."
        ]
    }


def test_word_equations_are_counted_and_a_lone_symbol_is_read(tmp_path: Path) -> None:
    script = read_script(DOCS / "markitdown-equations.docx")
    assert script.skipped == ("4 formulas",)  # were dropped without a word
    words = " ".join(p for c in split_chapters(script).chapters for p in c.paragraphs)
    assert "The angle is" in words and "sin" not in words and "10" not in words

    import docx
    from lxml import etree

    made = docx.Document()
    made.add_paragraph("The whole essay is about one number, and that number is ")
    math = "http://schemas.openxmlformats.org/officeDocument/2006/math"
    for paragraph, formula in zip(made.paragraphs, ["N"], strict=True):
        omath = etree.SubElement(paragraph._p, f"{{{math}}}oMath")
        run = etree.SubElement(omath, f"{{{math}}}r")
        etree.SubElement(run, f"{{{math}}}t").text = formula
    made.add_paragraph("It is spoken as a letter where it stands in the sentence.")
    path = tmp_path / "symbol.docx"
    made.save(str(path))
    symbol = read_script(path)
    text = " ".join(p for c in split_chapters(symbol).chapters for p in c.paragraphs)
    assert "that number is N" in text and symbol.skipped == ()
