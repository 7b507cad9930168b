import io
from pathlib import Path

import pytest
from PIL import Image

from narrate.cover import check_cover, plain_cover
from narrate.errors import InputError


def test_plain_cover_is_a_square_rgb_png_of_3000_px() -> None:
    with Image.open(io.BytesIO(plain_cover("Salt & Iron: A Field Guide", "Ada Quill"))) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (3000, 3000), "RGB")
        assert len(image.getcolors(maxcolors=1 << 16) or []) > 2  # text was drawn on it


@pytest.mark.parametrize(
    ("size", "mode", "kind", "phrase"),
    [
        ((1400, 1400), "RGB", "JPEG", None),
        ((3000, 2000), "RGB", "PNG", "must be square"),
        ((1000, 1000), "RGB", "PNG", "1400 to 3000"),
        ((1400, 1400), "RGBA", "PNG", "must be RGB"),
        ((1400, 1400), "RGB", "GIF", "JPEG or PNG"),
    ],
)
def test_check_cover(tmp_path: Path, size: tuple[int, int], mode: str, kind: str, phrase: str | None) -> None:
    path = tmp_path / f"cover.{kind.lower()}"
    Image.new(mode, size).save(path, format=kind)
    if phrase is None:
        data, mime = check_cover(path)
        assert mime == "image/jpeg" and data == path.read_bytes()
    else:
        with pytest.raises(InputError, match=phrase):
            check_cover(path)


def test_check_cover_refuses_what_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    path.write_text("not an image")
    with pytest.raises(InputError, match="not an image"):
        check_cover(path)
