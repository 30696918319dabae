"""Word's automatic list numbering: the labels a reader sees before paragraphs."""

from __future__ import annotations

from lxml import etree

from evidence.readers.word_numbering import WordNumbering, format_number

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NUMBERING = f"""<w:numbering xmlns:w="{W}">
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="2">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="3">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Recommendation %1:"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>
  <w:num w:numId="6"><w:abstractNumId w:val="2"/></w:num>
  <w:num w:numId="7"><w:abstractNumId w:val="3"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="12"/></w:lvlOverride></w:num>
</w:numbering>"""


def _numbering() -> WordNumbering:
    return WordNumbering(etree.fromstring(NUMBERING.encode("utf-8")), f"{{{W}}}")


def test_levels_count_and_restart_as_word_draws_them() -> None:
    numbering = _numbering()
    drawn = [numbering.label("5", level) for level in (0, 1, 1, 2, 2, 0, 1, 2)]
    assert drawn == ["1.", "1.1", "1.2", "(a)", "(b)", "2.", "2.1", "(a)"]


def test_bullets_draw_no_label_and_unknown_lists_none() -> None:
    numbering = _numbering()
    assert numbering.label("6", 0) is None
    assert numbering.label("99", 0) is None
    assert numbering.label("0", 0) is None


def test_a_start_override_and_words_in_the_label() -> None:
    numbering = _numbering()
    assert [numbering.label("7", 0) for _ in range(2)] == [
        "Recommendation 12:",
        "Recommendation 13:",
    ]


def test_formats() -> None:
    assert [format_number(n, "lowerRoman") for n in (1, 4, 9, 14)] == [
        "i",
        "iv",
        "ix",
        "xiv",
    ]
    assert [format_number(n, "upperLetter") for n in (1, 26, 27)] == ["A", "Z", "AA"]
    assert format_number(7, "decimalZero") == "07"
