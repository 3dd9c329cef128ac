"""Framework-free signature handling: ink strokes in, validated and normalised, PNG/SVG out."""

from signatures.ink import (
    Ink,
    InkError,
    canonical_json,
    ink_sha256,
    parse_ink,
    render_png,
    render_svg,
)

__all__ = [
    "Ink",
    "InkError",
    "canonical_json",
    "ink_sha256",
    "parse_ink",
    "render_png",
    "render_svg",
]
