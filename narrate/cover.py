"""Cover art: checking a user's image, or drawing a plain square one (directories refuse feeds
without art). Pillow lives here only."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from narrate.errors import InputError

COVER_SIZE = 3000
MIN_SIZE, MAX_SIZE = 1400, 3000
BACKGROUND = (28, 45, 64)
INK = (244, 238, 224)


def plain_cover(title: str, author: str, size: int = COVER_SIZE) -> bytes:
    """A square RGB PNG with the title, large, and the author beneath it."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.load_default(size=size // 12)
    author_font = ImageFont.load_default(size=size // 24)
    lines = textwrap.wrap(title, width=18)[:5] or [" "]
    line_height = size // 10
    top = size // 2 - line_height * len(lines) // 2 - size // 16
    for number, line in enumerate(lines):
        draw.text(
            (size // 2, top + number * line_height), line, font=title_font, fill=INK, anchor="mm"
        )
    if author:
        draw.text((size // 2, size - size // 6), author, font=author_font, fill=INK, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # 0.13 s instead of 0.2 s at the default
    return out.getvalue()


def check_cover(path: Path) -> tuple[bytes, str]:
    """A user's cover (bytes, MIME type), if it is a square RGB JPEG or PNG of 1400-3000 px."""
    from PIL import Image, UnidentifiedImageError

    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height), mode = image.format, image.size, image.mode
    except UnidentifiedImageError:  # an OSError too: first
        raise InputError(f"{path}: the cover is not an image") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the cover image ({exc.strerror or exc})") from None
    if kind not in ("JPEG", "PNG"):
        raise InputError(f"{path}: the cover must be a JPEG or PNG, not {kind}")
    if width != height or not MIN_SIZE <= width <= MAX_SIZE:
        raise InputError(
            f"{path}: the cover must be square, 1400 to 3000 px (it is {width}x{height})"
        )
    if mode != "RGB":
        raise InputError(f"{path}: the cover must be RGB with no transparency (it is {mode})")
    return data, "image/jpeg" if kind == "JPEG" else "image/png"
