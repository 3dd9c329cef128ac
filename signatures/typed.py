"""A typed-name signature for those who cannot draw one (WCAG 2.5.7), drawn as an image the
same size as a drawn signature so documents lay it out the same way."""

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

# Debian's fonts (installed by scripts/install-system-deps.sh); Pillow's own font otherwise.
FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf",
]
ARABIC_FONT = "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"
INK = (26, 35, 126, 255)


def _font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    arabic = any("\u0600" <= c <= "\u06ff" for c in name)
    candidates = [ARABIC_FONT] if arabic else FONTS
    for path in candidates:
        if Path(path).exists():
            # Raqm shapes Arabic and other complex scripts when Pillow was built with it.
            engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
            return ImageFont.truetype(path, size, layout_engine=engine)
    return ImageFont.load_default(size)


def render_typed_png(name: str, height_px: int = 160) -> bytes:
    """The typed name on a transparent background, `height_px` high, as wide as it needs
    (at most 4 × the height, shrinking the type to fit)."""
    size = int(height_px * 0.55)
    font = _font(name, size)
    left, top, right, bottom = font.getbbox(name)
    while right - left > height_px * 4 - 20 and size > 12:
        size = int(size * 0.9)
        font = _font(name, size)
        left, top, right, bottom = font.getbbox(name)
    width = max(int(right - left) + 20, height_px)
    image = Image.new("RGBA", (width, height_px), (0, 0, 0, 0))
    ImageDraw.Draw(image).text(
        (10 - left, (height_px - (bottom - top)) / 2 - top), name, font=font, fill=INK
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
