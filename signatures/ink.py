"""Signature ink: the strokes a signer draws on the pad, validated, normalised and rendered.

The browser only reports where the finger went; the server decides whether that is a usable
signature and draws the image itself, so a stored signature never depends on client pixels
and can be reproduced exactly from its canonical JSON.
"""

import hashlib
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from PIL import Image, ImageDraw

INK_VERSION = 1
MAX_PAYLOAD_BYTES = 200_000
MIN_PAD_SIZE, MAX_PAD_SIZE = 100, 4000
MAX_STROKES = 100
MAX_POINTS = 10_000
MAX_DURATION_MS = 24 * 60 * 60 * 1000  # bounds t so stored numbers stay sane
EDGE_TOLERANCE = 0.02  # a finger overshoots the edge a little; further out, the data is wrong
MIN_PATH_LENGTH = 0.25  # of the pad width: less ink than that is not a signature
MIN_EXTENT = 0.10  # of the pad width and height: a dot or a tick

INK_COLOR = (0x1A, 0x23, 0x7E)
MARGIN = 0.06  # of the rendered height, on every side
MAX_ASPECT = 4  # rendered width at most this many times the height
PEN = 0.02  # stroke width at pressure 0.5, as a fraction of the rendered height
SUPERSAMPLE = 3


def N_(message: str) -> str:  # noqa: N802 (the name pybabel looks for)
    """Mark a message for the catalogs without Flask: this package only knows English. A page
    shows an InkError translated, ``gettext(error.message, **error.params)``."""
    return message


UNREADABLE = N_("The signature could not be read. Please clear the box and sign again.")
EMPTY = N_("The signature is empty. Please sign in the box with your finger.")
TOO_SMALL = N_("The signature is too small. Please sign larger.")
TOO_DETAILED = N_("The signature has too much detail to save. Please clear the box and sign again.")
TOO_MANY_STROKES = N_(
    "The signature has too many separate lines. Please clear the box and sign again."
)
OUTSIDE = N_("Part of the signature is outside the box. Please clear the box and sign inside it.")
OLD_PAGE = N_("This page is out of date. Please reload the page and sign again.")
BAD_PAD = N_("The signature box is not a usable size. Please reload the page and sign again.")

Point = tuple[float, float, int, float]
"""x, y in pad CSS px; t in ms since the first point of the signature; pressure 0..1."""


class InkError(ValueError):
    """Ink that cannot be accepted; ``str(error)`` is an English sentence telling the signer
    what to do. ``message`` is that sentence as marked for the catalogs (with ``%(name)s``
    placeholders filled from ``params``), for the page to translate."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Ink:
    """A normalised signature: the pad size in CSS px and the strokes drawn on it."""

    width: int
    height: int
    strokes: tuple[tuple[Point, ...], ...]


def parse_ink(payload: str | bytes) -> Ink:
    """Validate a version-1 pad payload and return it normalised, or raise InkError."""
    data = _load_json(payload)
    if not isinstance(data, dict):
        raise InkError(UNREADABLE)
    if not _is_int(data.get("v")) or data["v"] != INK_VERSION:
        raise InkError(OLD_PAGE)
    if data.keys() != {"v", "width", "height", "strokes"}:
        raise InkError(UNREADABLE)
    width, height = _integer(data["width"]), _integer(data["height"])
    if not (MIN_PAD_SIZE <= width <= MAX_PAD_SIZE and MIN_PAD_SIZE <= height <= MAX_PAD_SIZE):
        raise InkError(BAD_PAD)
    raw_strokes = data["strokes"]
    if not isinstance(raw_strokes, list) or not all(isinstance(s, list) for s in raw_strokes):
        raise InkError(UNREADABLE)
    if not raw_strokes:
        raise InkError(EMPTY)
    if len(raw_strokes) > MAX_STROKES:
        raise InkError(TOO_MANY_STROKES)
    if sum(map(len, raw_strokes)) > MAX_POINTS:
        raise InkError(TOO_DETAILED)
    ink = Ink(width, height, tuple(_stroke(s, width, height) for s in raw_strokes))
    _require_enough_ink(ink)
    return ink


def canonical_json(ink: Ink) -> bytes:
    """The one byte string for this ink: sorted keys, no spaces; what is hashed and stored."""
    doc = {"v": INK_VERSION, "width": ink.width, "height": ink.height, "strokes": ink.strokes}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def ink_sha256(ink: Ink) -> str:
    """Hex SHA-256 of the canonical JSON, to bind the ink to the signed document."""
    return hashlib.sha256(canonical_json(ink)).hexdigest()


def render_png(ink: Ink, height_px: int = 160) -> bytes:
    """The signature as a transparent PNG cropped to the ink, ``height_px`` high.

    Drawn at 3x and downsampled for smooth edges; the same ink always gives the same bytes.
    """
    if not 16 <= height_px <= 2000:
        raise ValueError("height_px must be between 16 and 2000")
    left, top, frame_w, frame_h = _frame(ink)
    width_px = max(1, round(frame_w * height_px / frame_h))
    scale = SUPERSAMPLE * height_px / frame_h
    pen = PEN * height_px * SUPERSAMPLE
    mask = Image.new("L", (width_px * SUPERSAMPLE, height_px * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(mask)
    for stroke in ink.strokes:
        samples = [
            ((x - left) * scale, (y - top) * scale, p)
            for x, y, p in _samples(stroke, tolerance=0.5 / scale)  # half a drawing px
        ]
        for x, y, p in samples:  # round caps and joins
            r = _pen_width(pen, p) / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
        for a, b in pairwise(samples):
            draw.polygon(_segment_outline(a, b, pen), fill=255)
    alpha = mask.resize((width_px, height_px), Image.Resampling.LANCZOS)
    image = Image.new("RGBA", alpha.size, INK_COLOR)
    image.putalpha(alpha)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def render_svg(ink: Ink) -> str:
    """The signature as a standalone, scalable SVG for screens (one pen width, no scripts)."""
    left, top, frame_w, frame_h = _frame(ink)
    pen = PEN * frame_h
    color = "#{:02x}{:02x}{:02x}".format(*INK_COLOR)
    shapes = []
    for stroke in ink.strokes:
        if len(stroke) == 1:
            x, y = stroke[0][:2]
            shapes.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(pen / 2)}"'
                f' fill="{color}" stroke="none"/>'
            )
            continue
        d = [f"M{_num(stroke[0][0])} {_num(stroke[0][1])}"]
        for _, control, end in _pieces(stroke):
            pts = (end,) if control is None else (control, end)
            d.append(("L" if control is None else "Q") + " ".join(_xy(pt) for pt in pts))
        shapes.append(f'<path d="{"".join(d)}"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" role="img"'
        f' viewBox="{_num(left)} {_num(top)} {_num(frame_w)} {_num(frame_h)}"'
        f' width="{round(frame_w)}" height="{round(frame_h)}">'
        "<title>Signature</title>"
        f'<g fill="none" stroke="{color}" stroke-width="{_num(pen)}"'
        ' stroke-linecap="round" stroke-linejoin="round">'
        f"{''.join(shapes)}"
        "</g></svg>"
    )


# --- parsing -------------------------------------------------------------------------------


def _load_json(payload: str | bytes) -> object:
    if isinstance(payload, str):
        try:
            payload = payload.encode()
        except UnicodeEncodeError:
            raise InkError(UNREADABLE) from None
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise InkError(TOO_DETAILED)
    if not payload.strip():  # the pad sends an empty value when nothing was drawn
        raise InkError(EMPTY)
    try:
        return json.loads(
            payload.decode(), parse_constant=_reject_constant, object_pairs_hook=_unique_keys
        )
    except (ValueError, RecursionError):
        raise InkError(UNREADABLE) from None


def _reject_constant(name: str) -> float:
    raise InkError(UNREADABLE)  # NaN, Infinity, -Infinity


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    if len({key for key, _ in pairs}) != len(pairs):
        raise InkError(UNREADABLE)  # which of two values to trust is not ours to guess
    return dict(pairs)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _integer(value: object) -> int:
    if not _is_int(value):
        raise InkError(UNREADABLE)
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InkError(UNREADABLE)
    try:
        number = float(value)
    except OverflowError:
        raise InkError(UNREADABLE) from None
    if not math.isfinite(number):  # 1e999 parses to infinity
        raise InkError(UNREADABLE)
    return number


def _coordinate(value: object, size: int) -> float:
    number = _number(value)
    tolerance = EDGE_TOLERANCE * size
    if not -tolerance <= number <= size + tolerance:
        raise InkError(OUTSIDE)
    return round(min(max(number, 0.0), float(size)), 1) + 0.0  # + 0.0 turns -0.0 into 0.0


def _stroke(raw: list, width: int, height: int) -> tuple[Point, ...]:
    if not raw:
        raise InkError(UNREADABLE)
    points = []
    previous_t = 0
    for point in raw:
        if not isinstance(point, list) or len(point) != 4:
            raise InkError(UNREADABLE)
        x, y = _coordinate(point[0], width), _coordinate(point[1], height)
        t, pressure = _integer(point[2]), _number(point[3])
        if not previous_t <= t <= MAX_DURATION_MS:
            raise InkError(UNREADABLE)
        if not 0.0 <= pressure <= 1.0:
            raise InkError(UNREADABLE)
        points.append((x, y, t, round(pressure, 3) + 0.0))
        previous_t = t
    return tuple(points)


def _require_enough_ink(ink: Ink) -> None:
    length = sum(math.dist(a[:2], b[:2]) for stroke in ink.strokes for a, b in pairwise(stroke))
    left, top, right, bottom = _bounds(ink)
    tiny = right - left < MIN_EXTENT * ink.width and bottom - top < MIN_EXTENT * ink.height
    if length < MIN_PATH_LENGTH * ink.width or tiny:
        raise InkError(TOO_SMALL)


# --- geometry and drawing ------------------------------------------------------------------


def _bounds(ink: Ink) -> tuple[float, float, float, float]:
    xs = [point[0] for stroke in ink.strokes for point in stroke]
    ys = [point[1] for stroke in ink.strokes for point in stroke]
    return min(xs), min(ys), max(xs), max(ys)


def _frame(ink: Ink) -> tuple[float, float, float, float]:
    """Crop box (left, top, width, height) in pad px: the ink plus a margin, at most 4:1 wide.

    A flat signature is given extra height (centred) rather than being stretched to fill it.
    """
    left, top, right, bottom = _bounds(ink)
    inner = max(bottom - top, (right - left) / MAX_ASPECT, 1.0)
    height = inner / (1 - 2 * MARGIN)
    margin = MARGIN * height
    return left - margin, (top + bottom - height) / 2, right - left + 2 * margin, height


Piece = tuple[tuple[float, float, float], tuple[float, float] | None, tuple[float, float, float]]


def _pieces(stroke: tuple[Point, ...]) -> Iterator[Piece]:
    """Quadratic curves through the midpoints of successive points, with the points as controls.

    Each piece is (start, control, end); start and end carry the pressure as a third value;
    control is None for the straight first and last half-segments.
    """
    xyp = [(x, y, p) for x, y, _, p in stroke]
    mids = [tuple((a + b) / 2 for a, b in zip(u, v, strict=True)) for u, v in pairwise(xyp)]
    yield xyp[0], None, mids[0]
    for i in range(1, len(mids)):
        yield mids[i - 1], xyp[i][:2], mids[i]
    yield mids[-1], None, xyp[-1]


def _samples(stroke: tuple[Point, ...], tolerance: float) -> list[tuple[float, float, float]]:
    """Points along the smoothed stroke, with pressure, close enough that straight lines
    between them stay within ``tolerance`` pad px of the curve (few on straight runs)."""
    x, y, _, p = stroke[0]
    samples = [(x, y, p)]
    if len(stroke) == 1:
        return samples
    for (x0, y0, p0), control, end in _pieces(stroke):
        if control is None:
            samples.append(end)
            continue
        (x1, y1), (x2, y2, p2) = control, end
        bend = math.hypot(x0 - 2 * x1 + x2, y0 - 2 * y1 + y2)  # chord error is bend / 4n^2
        steps = max(1, math.ceil(math.sqrt(bend / (4 * tolerance))))
        for i in range(1, steps + 1):
            s = i / steps
            a, b, c = (1 - s) ** 2, 2 * s * (1 - s), s**2
            samples.append((a * x0 + b * x1 + c * x2, a * y0 + b * y1 + c * y2, p0 + (p2 - p0) * s))
    return samples


def _segment_outline(
    a: tuple[float, float, float], b: tuple[float, float, float], pen: float
) -> list[tuple[float, float]]:
    """The quadrilateral of a segment whose width follows the pressure at each end."""
    (x0, y0, p0), (x1, y1, p1) = a, b
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx, ny = (y0 - y1) / length, (x1 - x0) / length  # unit normal
    r0, r1 = _pen_width(pen, p0) / 2, _pen_width(pen, p1) / 2
    return [
        (x0 + nx * r0, y0 + ny * r0),
        (x1 + nx * r1, y1 + ny * r1),
        (x1 - nx * r1, y1 - ny * r1),
        (x0 - nx * r0, y0 - ny * r0),
    ]


def _pen_width(base: float, pressure: float) -> float:
    """Mildly thicker with pressure: 0.75x at none, 1.25x at full."""
    return base * (0.75 + 0.5 * pressure)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _xy(point: tuple[float, ...]) -> str:
    return f"{_num(point[0])} {_num(point[1])}"
