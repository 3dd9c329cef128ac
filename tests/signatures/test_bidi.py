"""Right-to-left text keeps what is written left to right inside it in one piece."""

from signatures.bidi import LRM, keep_latin_brackets_whole


def test_a_bracketed_latin_stretch_in_arabic_text_keeps_its_brackets():
    assert keep_latin_brackets_whole("ضد المرأة (HUD-5380)") == f"ضد المرأة {LRM}(HUD-5380){LRM}"
    nested = "(24 CFR 5.2005(a)(2))"
    assert keep_latin_brackets_whole(f"لا يجوز {nested}.") == f"لا يجوز {LRM}{nested}{LRM}."
    for unchanged in ("(النموذج HUD-5382)", "(314) 555-0100", "بلا أقواس", ""):
        assert keep_latin_brackets_whole(unchanged) == unchanged  # Arabic or no letters inside
