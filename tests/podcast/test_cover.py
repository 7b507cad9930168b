"""Cover art, read back with Pillow: the plain cover meets Apple's rules, and users' images that
do not are refused in one line saying what is wrong."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image

from narrate.errors import InputError
from narrate.podcast.cover import BACKGROUND, check_cover, image_info, plain_cover


def test_plain_cover_is_a_square_rgb_png_of_3000_px_with_text_on_it() -> None:
    started = time.perf_counter()
    data = plain_cover("Salt & Iron: A Field Guide to the Lighthouses of the North", "Ada Quill")
    assert time.perf_counter() - started < 1.0
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (3000, 3000), "RGB")
        assert "transparency" not in image.info
        assert image.getpixel((5, 5)) == BACKGROUND
        ink = image.convert("L").point(lambda v: 255 if v > 128 else 0)
        title_box = ink.crop((0, 0, 3000, 2200)).getbbox()
        author_box = ink.crop((0, 2300, 3000, 3000)).getbbox()
        assert title_box is not None and author_box is not None  # both were drawn
        assert title_box[2] - title_box[0] > 1500  # large and wrapped across the cover
        assert title_box[0] > 0 and title_box[2] < 3000  # within the margins
    assert image_info(data) == ("image/png", 3000, 3000, "RGB")


@pytest.mark.parametrize(
    ("title", "author"),
    [("", ""), ("🐟 魚 Ünïcödé", "—"), ("A" * 400, "B" * 300), ("Supercalifragilistic " * 30, "x")],
)
def test_plain_cover_copes_with_any_title(title: str, author: str) -> None:
    with Image.open(io.BytesIO(plain_cover(title, author, size=1400))) as image:
        assert (image.size, image.mode) == ((1400, 1400), "RGB")


def _image(path: Path, size: tuple[int, int], mode: str = "RGB", kind: str = "PNG", **options: object) -> Path:
    Image.new(mode, size, "#345").save(path, format=kind, **options)
    return path


def test_a_good_cover_is_returned_with_its_type(tmp_path: Path) -> None:
    jpeg = _image(tmp_path / "cover.JPEG", (1400, 1400), kind="JPEG")
    assert check_cover(jpeg) == (jpeg.read_bytes(), "image/jpeg")
    png = _image(tmp_path / "cover.png", (3000, 3000))
    assert check_cover(png) == (png.read_bytes(), "image/png")
    assert image_info(jpeg.read_bytes()) == ("image/jpeg", 1400, 1400, "RGB")


@pytest.mark.parametrize(
    ("name", "size", "mode", "kind", "options", "problem"),
    [
        ("c.png", (3000, 2000), "RGB", "PNG", {}, "the cover must be square, 1400 to 3000 px, not 3000x2000"),
        ("c.png", (1000, 1000), "RGB", "PNG", {}, "the cover must be square, 1400 to 3000 px, not 1000x1000"),
        ("c.png", (3001, 3001), "RGB", "PNG", {}, "the cover must be square, 1400 to 3000 px, not 3001x3001"),
        ("c.png", (1400, 1400), "RGBA", "PNG", {}, "the cover must be RGB with no transparency (it is RGBA)"),
        ("c.png", (1400, 1400), "RGB", "PNG", {"transparency": (0, 0, 0)}, "must be RGB with no transparency (it is RGBA)"),
        ("c.png", (1400, 1400), "P", "PNG", {}, "the cover must be RGB with no transparency (it is P)"),
        ("c.png", (1400, 1400), "L", "PNG", {}, "the cover must be RGB with no transparency (it is L)"),
        ("c.jpg", (1400, 1400), "CMYK", "JPEG", {}, "the cover must be RGB with no transparency (it is CMYK)"),
        ("c.gif", (1400, 1400), "RGB", "GIF", {}, "the cover must be a JPEG or PNG, not image/gif"),
        ("c.webp", (1400, 1400), "RGB", "WEBP", {}, "the cover must be a JPEG or PNG, not image/webp"),
        ("c.jpg", (1400, 1400), "RGB", "PNG", {}, "the cover is a PNG, so its name must end in .png"),
        ("c.png", (1400, 1400), "RGB", "JPEG", {}, "the cover is a JPEG, so its name must end in .jpg"),
    ],
)
def test_a_cover_that_breaks_a_rule_is_refused_saying_which(
    tmp_path: Path, name: str, size: tuple[int, int], mode: str, kind: str, options: dict, problem: str
) -> None:
    path = _image(tmp_path / name, size, mode, kind, **options)
    with pytest.raises(InputError) as raised:
        check_cover(path)
    assert str(raised.value) == f"{path}: {problem}" or str(raised.value).endswith(problem)
    assert str(raised.value).startswith(str(path)) and "\n" not in str(raised.value)


def test_what_is_not_an_image_or_is_damaged_or_missing_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "cover.png"
    text.write_text("not an image")
    with pytest.raises(InputError, match=r"cover.png: the cover is not a JPEG or PNG image$"):
        check_cover(text)
    with pytest.raises(ValueError, match="not an image"):
        image_info(b"not an image")
    whole = _image(tmp_path / "whole.png", (1400, 1400)).read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError, match=r"cut.png: the cover image is damaged"):
        check_cover(cut)
    with pytest.raises(InputError, match=r"missing.png: cannot read the cover image: No such file"):
        check_cover(tmp_path / "missing.png")
