"""Rules for signature ink: what the server accepts from the pad and how it draws it."""

import io
import json
import math
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from signatures.ink import (
    Ink,
    InkError,
    canonical_json,
    ink_sha256,
    parse_ink,
    render_png,
    render_svg,
)

WIDTH, HEIGHT = 600, 200


def realistic_strokes() -> list[list[list[float]]]:
    """A cursive-looking name: a looping stroke, a capital, an underline flourish, a dot."""
    loops, t = [], 0
    for i in range(160):  # prolate cycloid: loops like a handwritten "llll"
        a = i / 159 * 6 * math.pi
        loops.append([150 + 12 * a - 30 * math.sin(a), 110 - 30 * math.cos(a), t, 0.4])
        t += 8
    capital = []
    t += 300
    for i in range(60):
        a = i / 59 * 1.6 * math.pi
        capital.append([90 + 30 * math.sin(a), 100 - 55 * math.cos(a / 1.6), t, 0.7])
        t += 9
    underline = []
    t += 250
    for i in range(80):
        underline.append([100 + 5 * i, 165 + 6 * math.sin(i / 8), t, 0.3 + i / 200])
        t += 6
    dot = [[440.0, 70.0, t + 400, 0.5]]
    return [loops, capital, underline, dot]


def payload(strokes=None, **fields) -> str:
    strokes = realistic_strokes() if strokes is None else strokes
    doc = {"v": 1, "width": WIDTH, "height": HEIGHT, "strokes": strokes}
    doc.update(fields)
    return json.dumps(doc, separators=(",", ":"))  # compact, as JSON.stringify sends it


def rejection(raw: str | bytes) -> str:
    """The message parse_ink gives; it must be a plain sentence, not a parser's complaint."""
    with pytest.raises(InkError) as caught:
        parse_ink(raw)
    message = str(caught.value)
    assert message[0].isupper() and message.endswith(".") and "Please" in message
    assert not any(word in message.lower() for word in ("json", "nan", "payload", "float"))
    return message


def line(x0, y0, x1, y1, n=20, p=0.5):
    return [
        [x0 + (x1 - x0) * i / (n - 1), y0 + (y1 - y0) * i / (n - 1), i * 10, p] for i in range(n)
    ]


@pytest.fixture(scope="module")
def ink() -> Ink:
    return parse_ink(payload())


def pixels(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


# --- what is accepted --------------------------------------------------------------------


def test_realistic_signature_is_accepted_and_kept_point_for_point(ink):
    assert (ink.width, ink.height) == (WIDTH, HEIGHT)
    assert [len(s) for s in ink.strokes] == [160, 60, 80, 1]
    assert all(isinstance(v, float) for s in ink.strokes for x, y, _, p in s for v in (x, y, p))


def test_bytes_and_str_payloads_are_equivalent(ink):
    assert parse_ink(payload().encode()) == ink


def test_coordinates_are_rounded_to_a_tenth_of_a_pixel():
    strokes = [line(10.04, 20.06, 400.123456, 150.98765)]
    stroke = parse_ink(payload(strokes)).strokes[0]
    first, last = stroke[0], stroke[-1]
    assert first[:2] == (10.0, 20.1)
    assert last[:2] == (400.1, 151.0)


def test_coordinates_slightly_outside_the_pad_are_clamped_to_the_edge():
    strokes = [line(-5, -3, WIDTH + 6, HEIGHT + 2)]  # 2% tolerance: 12 px wide, 4 px high
    stroke = parse_ink(payload(strokes)).strokes[0]
    assert stroke[0][:2] == (0.0, 0.0)
    assert stroke[-1][:2] == (float(WIDTH), float(HEIGHT))


def test_a_pad_without_pressure_support_sends_half_pressure_and_is_accepted():
    assert {p for s in parse_ink(payload([line(20, 50, 500, 150)])).strokes for *_, p in s} == {0.5}


# --- what is rejected, and what the signer is told ----------------------------------------


@pytest.mark.parametrize("raw", ["", "   ", b""])
def test_nothing_drawn_is_rejected_as_an_empty_signature(raw):
    assert rejection(raw) == "The signature is empty. Please sign in the box with your finger."


def test_empty_signature_is_rejected_with_a_plain_message():
    assert rejection(payload([])) == (
        "The signature is empty. Please sign in the box with your finger."
    )


def test_oversized_payload_is_rejected():
    raw = payload(padding="x" * 200_000)
    assert "too much detail" in rejection(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        "[1, 2, 3]",
        '"a string"',
        b"\xff\xfe{}",
        "[" * 100_000,
        json.dumps({"v": 1, "width": WIDTH, "height": HEIGHT}),
        payload(extra=1),
        payload("strokes"),
        payload([{"x": 1}]),
        payload([[[10, 10, 0]]]),
        payload([[[10, 10, 0, 0.5, 1]]]),
        payload([[["10", 10, 0, 0.5]]]),
        payload([[[10, 10, 0.5, 0.5]]]),
        payload(width=600.0),
    ],
    ids=[
        "not-json",
        "a-list",
        "a-string",
        "not-utf8",
        "deeply-nested",
        "no-strokes-key",
        "unknown-key",
        "strokes-not-a-list",
        "point-as-object",
        "point-with-3-values",
        "point-with-5-values",
        "number-as-string",
        "fractional-time",
        "fractional-width",
    ],
)
def test_payload_of_the_wrong_shape_or_type_is_rejected(raw):
    assert rejection(raw) == (
        "The signature could not be read. Please clear the box and sign again."
    )


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_coordinates_are_rejected(literal):
    raw = payload([line(10, 10, 500, 150)]).replace("10.0,", f"{literal},", 1)
    assert literal in raw
    assert "could not be read" in rejection(raw)


@pytest.mark.parametrize("position", [0, 1, 2, 3])
def test_booleans_are_not_accepted_as_numbers(position):
    strokes = line(10, 10, 500, 150)
    strokes[3][position] = True
    assert "could not be read" in rejection(payload([strokes]))


def test_boolean_pad_size_and_version_are_rejected():
    assert "could not be read" in rejection(payload(height=True))
    assert "out of date" in rejection(payload(v=True))


def test_duplicate_keys_are_rejected_rather_than_guessed():
    raw = payload().replace('"v":1', '"v":1,"width":300', 1)
    assert "could not be read" in rejection(raw)


@pytest.mark.parametrize("version", [0, 2, "1", None])
def test_only_version_1_is_accepted(version):
    assert rejection(payload(v=version)) == (
        "This page is out of date. Please reload the page and sign again."
    )


@pytest.mark.parametrize("size", [{"width": 99}, {"width": 4001}, {"height": 99}, {"height": 4001}])
def test_pad_size_outside_100_to_4000_px_is_rejected(size):
    assert "not a usable size" in rejection(payload(**size))


def test_pad_sizes_at_the_limits_are_accepted():
    assert parse_ink(payload([line(0, 0, 100, 100)], width=100, height=100)).width == 100
    assert parse_ink(payload([line(0, 0, 3000, 3000)], width=4000, height=4000)).width == 4000


def test_more_than_100_strokes_is_rejected():
    strokes = [line(10 + i * 5, 20, 12 + i * 5, 180, n=2) for i in range(101)]
    assert "too many separate lines" in rejection(payload(strokes, width=1000))
    assert len(parse_ink(payload(strokes[:100], width=1000)).strokes) == 100


def test_more_than_10000_points_in_total_is_rejected():
    stroke = [[10 + i % 580, 20 + i % 160, i, 0.5] for i in range(2000)]
    strokes = [list(stroke) for _ in range(5)]
    assert sum(len(s) for s in parse_ink(payload(strokes)).strokes) == 10_000
    strokes[0].append([590, 180, 20_000, 0.5])
    assert "too much detail" in rejection(payload(strokes))


def test_a_stroke_with_no_points_is_rejected():
    assert "could not be read" in rejection(payload([line(10, 10, 500, 150), []]))


@pytest.mark.parametrize(("x", "y"), [(-13, 50), (WIDTH + 13, 50), (50, -5), (50, HEIGHT + 5)])
def test_coordinates_outside_the_pad_beyond_the_tolerance_are_rejected(x, y):
    strokes = line(10, 10, 500, 150)
    strokes[5][:2] = [x, y]
    assert rejection(payload([strokes])) == (
        "Part of the signature is outside the box. Please clear the box and sign inside it."
    )


def test_negative_time_is_rejected():
    strokes = line(10, 10, 500, 150)
    strokes[0][2] = -1
    assert "could not be read" in rejection(payload([strokes]))


def test_decreasing_time_within_a_stroke_is_rejected():
    strokes = line(10, 10, 500, 150)
    strokes[5][2] = strokes[4][2] - 1
    assert "could not be read" in rejection(payload([strokes]))


def test_equal_times_within_a_stroke_are_accepted():
    strokes = line(10, 10, 500, 150)
    strokes[5][2] = strokes[4][2]
    assert parse_ink(payload([strokes])).strokes[0][5][2] == strokes[4][2]


@pytest.mark.parametrize("pressure", [-0.01, 1.01])
def test_pressure_outside_0_to_1_is_rejected(pressure):
    strokes = line(10, 10, 500, 150)
    strokes[2][3] = pressure
    assert "could not be read" in rejection(payload([strokes]))


def test_a_dot_is_rejected_as_too_small():
    assert rejection(payload([[[300, 100, 0, 0.5]]])) == (
        "The signature is too small. Please sign larger."
    )


def test_a_tick_is_rejected_as_too_small():
    assert "too small" in rejection(payload([line(300, 100, 330, 110)]))


def test_a_scribble_within_a_small_box_is_rejected_as_too_small():
    zigzag = [[300 + (i % 2) * 50, 100 + (i % 3) * 8, i * 10, 0.5] for i in range(40)]
    assert "too small" in rejection(payload([zigzag]))  # long path, 50 x 16 px box


def test_scattered_dots_are_rejected_as_too_small():
    dots = [[[50 + i * 100, 50 + i * 20, i * 100, 0.5]] for i in range(5)]
    assert "too small" in rejection(payload(dots))  # wide box, no path


def test_a_short_flat_line_is_rejected_but_a_long_one_is_accepted():
    assert "too small" in rejection(payload([line(100, 100, 240, 100)]))  # 140 < 0.25 x 600
    assert parse_ink(payload([line(100, 100, 260, 100)])).strokes


# --- canonical form and hash --------------------------------------------------------------


def test_canonical_json_is_stable_across_key_order(ink):
    doc = json.loads(payload())
    reordered = json.dumps({key: doc[key] for key in ("strokes", "height", "v", "width")})
    spaced = json.dumps(doc, indent=4)
    assert canonical_json(parse_ink(reordered)) == canonical_json(parse_ink(spaced))
    assert canonical_json(parse_ink(reordered)) == canonical_json(ink)


def test_canonical_json_is_compact_and_sorted(ink):
    raw = canonical_json(ink)
    assert raw.startswith(b'{"height":200,"strokes":[[[')
    assert raw.endswith(b'"v":1,"width":600}')
    assert b" " not in raw


def test_canonical_json_parses_back_to_the_same_ink(ink):
    assert parse_ink(canonical_json(ink)) == ink


def test_integer_and_float_coordinates_give_the_same_canonical_json():
    as_ints = [[[10, 20, 0, 0.5], [400, 150, 10, 0.5]]]
    as_floats = [[[10.0, 20.0, 0, 0.5], [400.0, 150.0, 10, 0.5]]]
    assert canonical_json(parse_ink(payload(as_ints))) == canonical_json(
        parse_ink(payload(as_floats))
    )


def test_ink_sha256_changes_when_one_point_moves(ink):
    strokes = realistic_strokes()
    strokes[0][40][0] += 0.2
    assert ink_sha256(parse_ink(payload(strokes))) != ink_sha256(ink)
    assert ink_sha256(parse_ink(payload())) == ink_sha256(ink)
    assert len(ink_sha256(ink)) == 64


# --- rendering ----------------------------------------------------------------------------


def test_realistic_signature_renders_to_a_transparent_png_of_the_right_height(ink):
    image = pixels(render_png(ink))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.height == 160 and 160 <= image.width <= 640
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((image.width - 1, 159))[3] == 0
    inked = [rgba for rgba in image.get_flattened_data() if rgba[3] > 200]
    assert len(inked) > 1000
    assert all(max(rgba[:3]) < 140 for rgba in inked)  # dark blue-black


def test_png_is_cropped_to_the_ink_with_a_small_margin(ink):
    alpha = pixels(render_png(ink)).getchannel("A")
    left, top, right, bottom = alpha.getbbox()
    assert 0 < left < 16 and 0 < top < 16
    assert alpha.width - 16 < right < alpha.width and 144 < bottom < 160


def test_png_height_can_be_chosen(ink):
    assert pixels(render_png(ink, height_px=64)).height == 64
    with pytest.raises(ValueError):
        render_png(ink, height_px=0)


def test_png_width_is_capped_at_four_times_the_height():
    flat = parse_ink(payload([line(5, 100, 595, 101)]))
    image = pixels(render_png(flat, height_px=100))
    assert image.height == 100 and 300 < image.width <= 400
    top, bottom = image.getchannel("A").getbbox()[1::2]
    assert top > 40 and bottom < 60  # the line is centred, not stretched


def test_png_is_deterministic_for_the_same_ink(ink):
    assert render_png(ink) == render_png(parse_ink(payload()))


def test_png_strokes_are_thicker_with_more_pressure():
    def coverage(pressure):
        ink = parse_ink(payload([line(20, 20, 580, 180, p=pressure)]))
        return sum(pixels(render_png(ink)).getchannel("A").get_flattened_data())

    light, firm = coverage(0.0), coverage(1.0)
    assert 1.3 < firm / light < 2  # varies, but mildly


def test_svg_is_standalone_accessible_and_script_free(ink):
    svg = render_svg(ink)
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well formed
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg" and root.get("role") == "img"
    assert root[0].tag == f"{ns}title" and root[0].text == "Signature"
    assert len(root.get("viewBox").split()) == 4
    assert len(root.findall(f".//{ns}path")) == 3 and len(root.findall(f".//{ns}circle")) == 1
    assert "Q" in root.find(f".//{ns}path").get("d")  # smoothed, not a polyline
    assert "script" not in svg.lower() and "href" not in svg and " on" not in svg


def test_svg_is_deterministic_for_the_same_ink(ink):
    assert render_svg(ink) == render_svg(parse_ink(payload()))
