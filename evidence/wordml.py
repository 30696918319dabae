"""A small WordprocessingML (DOCX) writer: headings, paragraphs, tables and real footnotes.

Written with zipfile and lxml, which the package already uses, rather than
python-docx: python-docx has no footnote API, and it stamps each part of the
zip with the time of writing. Here every part is serialised the same way and
stored with a fixed time stamp in a fixed order, so the same content gives
the same bytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
#: A zip entry's time stamp: the earliest a zip can hold, the same on every run.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: A4 in twentieths of a point, and a 2 cm margin.
A4 = (11906, 16838)
MARGIN = 1134
TEXT_WIDTH = A4[0] - 2 * MARGIN
#: Characters XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile(
    "[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


def clean(text: str) -> str:
    """Text as one line Word can hold: runs of white space made one space, XML-illegal characters dropped."""
    return " ".join(_NOT_XML.sub("", text).split())


@dataclass(frozen=True)
class Text:
    """A run of text; ``italic`` for titles, ``bold`` for values."""

    text: str
    italic: bool = False
    bold: bool = False


@dataclass(frozen=True)
class Note:
    """A footnote reference at this point; the footnote holds ``runs``."""

    runs: tuple[Text, ...]


Inline = Text | Note


class WordDocument:
    """Body content and footnotes, added in reading order; :meth:`save` writes the package."""

    def __init__(self, title: str) -> None:
        self.title = clean(title)
        self._body = etree.Element(_w("body"), nsmap={"w": W_NS, "r": R_NS})
        self._notes = etree.Element(_w("footnotes"), nsmap={"w": W_NS, "r": R_NS})
        # Word expects the separator lines between text and notes as footnotes -1 and 0
        for number, kind, mark in (
            (-1, "separator", "separator"),
            (0, "continuationSeparator", "continuationSeparator"),
        ):
            note = etree.SubElement(
                self._notes, _w("footnote"), {_w("type"): kind, _w("id"): str(number)}
            )
            p = etree.SubElement(note, _w("p"))
            ppr = etree.SubElement(p, _w("pPr"))
            spacing = etree.SubElement(ppr, _w("spacing"))
            spacing.set(_w("after"), "0")
            spacing.set(_w("line"), "240")
            spacing.set(_w("lineRule"), "auto")
            etree.SubElement(etree.SubElement(p, _w("r")), _w(mark))
        self.footnotes = 0

    def heading(self, level: int, text: str, *, page_break: bool = False) -> None:
        """A heading of ``level`` 1-3 (Word's Heading 1-3 styles, so the navigation pane lists it)."""
        self.paragraph([Text(text)], style=f"Heading{level}", page_break=page_break)

    def paragraph(
        self,
        content: Sequence[Inline],
        *,
        style: str | None = None,
        page_break: bool = False,
    ) -> None:
        p = etree.SubElement(self._body, _w("p"))
        self._fill(p, content, style, page_break)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Sequence[Inline]]],
        widths: Sequence[int],
    ) -> None:
        """A bordered table whose header row repeats on each page; ``widths`` in twentieths of a point."""
        tbl = etree.SubElement(self._body, _w("tbl"))
        tpr = etree.SubElement(tbl, _w("tblPr"))
        etree.SubElement(tpr, _w("tblStyle"), {_w("val"): "TableGrid"})
        etree.SubElement(
            tpr, _w("tblW"), {_w("w"): str(sum(widths)), _w("type"): "dxa"}
        )
        etree.SubElement(tpr, _w("tblLayout"), {_w("type"): "fixed"})
        etree.SubElement(
            tpr,
            _w("tblLook"),
            {
                _w("val"): "04A0",
                _w("firstRow"): "1",
                _w("lastRow"): "0",
                _w("firstColumn"): "0",
                _w("lastColumn"): "0",
                _w("noHBand"): "0",
                _w("noVBand"): "1",
            },
        )
        grid = etree.SubElement(tbl, _w("tblGrid"))
        for width in widths:
            etree.SubElement(grid, _w("gridCol"), {_w("w"): str(width)})
        self._row(tbl, [[Text(h, bold=True)] for h in header], widths, header=True)
        for row in rows:
            self._row(tbl, row, widths, header=False)

    def _row(
        self,
        tbl: etree._Element,
        cells: Sequence[Sequence[Inline]],
        widths: Sequence[int],
        *,
        header: bool,
    ) -> None:
        tr = etree.SubElement(tbl, _w("tr"))
        if header:
            trpr = etree.SubElement(tr, _w("trPr"))
            etree.SubElement(trpr, _w("tblHeader"))
            etree.SubElement(trpr, _w("cantSplit"))
        for content, width in zip(cells, widths):
            tc = etree.SubElement(tr, _w("tc"))
            tcpr = etree.SubElement(tc, _w("tcPr"))
            etree.SubElement(tcpr, _w("tcW"), {_w("w"): str(width), _w("type"): "dxa"})
            self._fill(etree.SubElement(tc, _w("p")), content, "TableText", False)

    def _fill(
        self,
        p: etree._Element,
        content: Sequence[Inline],
        style: str | None,
        page_break: bool,
    ) -> None:
        if style or page_break:
            ppr = etree.SubElement(p, _w("pPr"))
            if style:
                etree.SubElement(ppr, _w("pStyle"), {_w("val"): style})
            if page_break:
                etree.SubElement(ppr, _w("pageBreakBefore"))
        for item in content:
            if isinstance(item, Note):
                self._note_reference(p, item)
            else:
                _run(p, item)

    def _note_reference(self, p: etree._Element, item: Note) -> None:
        self.footnotes += 1
        number = str(self.footnotes)
        r = etree.SubElement(p, _w("r"))
        etree.SubElement(
            etree.SubElement(r, _w("rPr")),
            _w("rStyle"),
            {_w("val"): "FootnoteReference"},
        )
        etree.SubElement(r, _w("footnoteReference"), {_w("id"): number})
        note = etree.SubElement(self._notes, _w("footnote"), {_w("id"): number})
        np_ = etree.SubElement(note, _w("p"))
        etree.SubElement(
            etree.SubElement(np_, _w("pPr")), _w("pStyle"), {_w("val"): "FootnoteText"}
        )
        mark = etree.SubElement(np_, _w("r"))
        etree.SubElement(
            etree.SubElement(mark, _w("rPr")),
            _w("rStyle"),
            {_w("val"): "FootnoteReference"},
        )
        etree.SubElement(mark, _w("footnoteRef"))
        _run(np_, Text(" "))
        for run in item.runs:
            _run(np_, run)

    def parts(self) -> list[tuple[str, bytes]]:
        """Every part of the package as (name, bytes), in the order they are stored."""
        body = self._body
        sect = etree.SubElement(body, _w("sectPr"))
        etree.SubElement(sect, _w("pgSz"), {_w("w"): str(A4[0]), _w("h"): str(A4[1])})
        etree.SubElement(
            sect,
            _w("pgMar"),
            {_w(side): str(MARGIN) for side in ("top", "right", "bottom", "left")}
            | {_w("header"): "709", _w("footer"): "709", _w("gutter"): "0"},
        )
        document = etree.Element(_w("document"), nsmap={"w": W_NS, "r": R_NS})
        document.append(body)
        try:
            return [
                ("[Content_Types].xml", _CONTENT_TYPES),
                ("_rels/.rels", _PACKAGE_RELS),
                ("docProps/core.xml", _xml(self._core())),
                ("word/document.xml", _xml(document)),
                ("word/styles.xml", _STYLES),
                ("word/settings.xml", _SETTINGS),
                ("word/footnotes.xml", _xml(self._notes)),
                ("word/_rels/document.xml.rels", _DOCUMENT_RELS),
            ]
        finally:
            body.remove(sect)

    def _core(self) -> etree._Element:
        core = etree.Element(
            f"{{{_CORE_NS}}}coreProperties", nsmap={"cp": _CORE_NS, "dc": _DC_NS}
        )
        etree.SubElement(core, f"{{{_DC_NS}}}title").text = self.title
        return core

    def save(self, path: Path) -> None:
        """Write the package to ``path`` (OSError is the caller's to report)."""
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in self.parts():
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)


def _run(p: etree._Element, item: Text) -> None:
    text = _NOT_XML.sub("", item.text)
    if not text:
        return
    r = etree.SubElement(p, _w("r"))
    if item.bold or item.italic:
        rpr = etree.SubElement(r, _w("rPr"))
        if item.bold:
            etree.SubElement(rpr, _w("b"))
        if item.italic:
            etree.SubElement(rpr, _w("i"))
    t = etree.SubElement(r, _w("t"))
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(
        element, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def _parse(text: str) -> bytes:
    return _xml(etree.fromstring(text.encode("utf-8")))


_CONTENT_TYPES = _parse(f"""<Types xmlns="{_CT_NS}">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="{_WML}.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="{_WML}.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="{_WML}.settings+xml"/>
<Override PartName="/word/footnotes.xml" ContentType="{_WML}.footnotes+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>""")

_PACKAGE_RELS = _parse(f"""<Relationships xmlns="{_PKG_REL}">
<Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>""")

_DOCUMENT_RELS = _parse(f"""<Relationships xmlns="{_PKG_REL}">
<Relationship Id="rId1" Type="{_DOC_REL}/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="{_DOC_REL}/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="{_DOC_REL}/footnotes" Target="footnotes.xml"/>
</Relationships>""")

_SETTINGS = _parse(f"""<w:settings xmlns:w="{W_NS}">
<w:defaultTabStop w:val="720"/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
</w:settings>""")


def _heading_style(level: int, size: int) -> str:
    return f"""<w:style w:type="paragraph" w:styleId="Heading{level}">
<w:name w:val="heading {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/>
<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{360 - 80 * level}" w:after="120"/><w:outlineLvl w:val="{level - 1}"/></w:pPr>
<w:rPr><w:b/><w:color w:val="1F3864"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>
</w:style>"""


_STYLES = _parse(f"""<w:styles xmlns:w="{W_NS}">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>
<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:color w:val="1F3864"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>
{_heading_style(1, 32)}
{_heading_style(2, 26)}
{_heading_style(3, 23)}
<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:rPr><w:i/><w:color w:val="595959"/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>
<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:left w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:right w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="808080"/></w:tblBorders></w:tblPr></w:style>
<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/>
<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>
</w:styles>""")
