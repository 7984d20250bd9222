"""Report HTML -> Word (.docx) with python-docx: real headings, tables, a table of contents.

:func:`html_to_docx` walks the self-contained HTML of any report and writes the same content
as Word objects an engineer can edit before handing the file over: text stays text.

Mapping (anything not listed: its text, in a paragraph when it is a block):

=====================  ===============================================================
``h1`` .. ``h4``       paragraphs in the styles "Heading 1" .. "Heading 4" (Word's own, so
                       the navigation pane and a regenerated TOC see them), each with a
                       ``_Toc`` bookmark for the table of contents
``p`` ``div`` ...      paragraphs ("Normal"); ``pre``: monospace lines
``ul`` / ``ol``        "List Bullet" / "List Number" (level 2: "... 2"); each ``ol``
                       starts again at 1
``table``              a Word table: ``thead`` rows are header rows repeated on every page
                       (``w:tblHeader``) and shaded, no row splits across pages
                       (``w:cantSplit``), column widths from ``<col style="width: N%">``
                       (else equal) written both as ``w:gridCol`` (LibreOffice) and
                       ``w:tcW`` (Word), fixed layout, autofit off; ``colspan`` merges
                       cells (``rowspan`` is not supported: the cell stays in its row)
``strong`` ``em``      bold / italic runs; ``code``, ``kbd``, ``samp``, ``.check``:
                       monospace runs; ``br``: a line break
``img``                ``src="data:image/png;base64,..."`` (or JPEG/GIF): a picture no wider
                       than the text (or its cell); other sources are not fetched
``svg``                its PNG twin from the ``data-png`` attribute (a ``data:`` URI, as
                       :meth:`weibao.report.formats.charts.Chart.figure` writes it); an SVG
                       without one becomes a visible italic placeholder "[Chart: title]"
                       (Word has no SVG renderer python-docx could feed, and a silently
                       missing chart would be worse)
``figcaption``         "Caption"
``.cover`` /           a page break after the cover and before each chapter, as in the
``.chapter``           PDF
=====================  ===============================================================

Table of contents: the entries are written here, one hyperlinked paragraph per heading
(styles "toc 1" / "toc 2", linking to the heading's bookmark), and they are wrapped as the
cached result of a real ``TOC \\o`` field. So Word and LibreOffice show the entries as soon as
the file opens, without asking to update fields (the document sets no ``w:updateFields`` and
no field is dirty), and an engineer who edits the report can still right-click -> Update Field
to get a regenerated table with page numbers. The cached entries carry no page numbers:
those are only known after Word lays the pages out. The table goes where the HTML has an
element with ``class="toc"`` or ``data-toc`` (replacing it), else after the ``.cover``, else
after the first ``h1``. With one ``h1`` (the report title) it lists ``h2`` and ``h3``,
otherwise ``h1`` and ``h2``.

Template: a site's own letterhead ``.docx`` (``template``): its styles, page set-up,
headers and footers are kept; the running title and the page numbers are only added where its
header / footer is empty; styles the report needs and the template lacks are added. Without a
template weibao uses python-docx's plain default made A4 here (margins as the PDF), with the
title in the header and "第 N 页，共 M 页" / "Page N of M" (PAGE / NUMPAGES fields) in the
footer.

Fonts: python-docx has no East Asian font API; the styles the report uses and the document
defaults get ``w:eastAsia`` (and the ``*Theme`` attributes removed: the theme would win),
the document defaults ``w:lang w:eastAsia="zh-CN"``. The fonts named are the ones the client's
Windows PCs have (``Microsoft YaHei``, ``Arial``, ``Consolas``); LibreOffice substitutes Noto
Sans CJK SC for YaHei (checked by the test).

Deterministic: the same HTML, title, created and template give the same bytes (zip entries
dated ``created``, fixed permissions, core properties from the arguments, no python-docx
stamp).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from weibao.errors import N_
from weibao.report.base import ReportError
from weibao.report.formats.common import atomic_output, check_lang, translate

LATIN_FONT = "Arial"
EAST_ASIA_FONT = "Microsoft YaHei"
MONO_FONT = "Consolas"
HEADER_FILL = "E8EEF7"
BORDER_COLOR = "9AA5B1"
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "ul",
}
_SKIP = {"head", "script", "style", "template", "title", "meta", "link", "noscript"}
_MONO = {"code", "kbd", "samp", "tt", "var"}
_WS = re.compile(r"[ \t\n\r\f]+")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpe?g|gif);base64,(.*)$", re.DOTALL | re.IGNORECASE)
_WIDTH = re.compile(r"width\s*:\s*([0-9.]+)\s*(%|px|mm|cm|pt)?", re.IGNORECASE)


# ----------------------------------------------------------------------------- low-level XML


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, **attrs: str):
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(_qn(key.replace("_", ":", 1)), value)
    return element


def set_fonts(el, *, latin: str | None, east_asia: str) -> None:
    """w:rFonts of a style (``style.element``) or a run (``run._r``): the East Asian font,
    the Latin one when given, the theme attributes removed (in OOXML they beat the names)."""
    rpr = el.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    if latin:
        rfonts.set(_qn("w:ascii"), latin)
        rfonts.set(_qn("w:hAnsi"), latin)
    rfonts.set(_qn("w:eastAsia"), east_asia)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(_qn(attr), None)


def _doc_defaults(doc, *, lang: str, latin: str | None, east_asia: str) -> None:
    styles = doc.styles.element
    defaults = styles.find(_qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(_qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(_qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        rpr_default.append(rpr)
    rfonts = rpr.find(_qn("w:rFonts"))
    if rfonts is None:
        rfonts = _el("w:rFonts")
        rpr.insert(0, rfonts)
    if latin:
        rfonts.set(_qn("w:ascii"), latin)
        rfonts.set(_qn("w:hAnsi"), latin)
    rfonts.set(_qn("w:eastAsia"), east_asia)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(_qn(attr), None)
    lang_el = rpr.find(_qn("w:lang"))
    if lang_el is None:
        lang_el = _el("w:lang")
        rpr.append(lang_el)
    lang_el.set(_qn("w:val"), "zh-CN" if lang == "zh-CN" else "en-US")
    lang_el.set(_qn("w:eastAsia"), "zh-CN")


def _field(paragraph, instruction: str, result: str) -> None:
    """A complete simple field (begin, instruction, separate, cached result, end)."""
    for part in ("begin", "instr", "separate", "result", "end"):
        run = paragraph.add_run()
        if part == "instr":
            instr = _el("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        elif part == "result":
            run.text = result
        else:
            run._r.append(_el("w:fldChar", w_fldCharType=part))


def _fld_char(paragraph, kind: str) -> None:
    paragraph.add_run()._r.append(_el("w:fldChar", w_fldCharType=kind))


# ----------------------------------------------------------------------------- the document


def _style(doc, name: str, *, base: str = "Normal", outline: int | None = None,
           bold: bool = False, size: float | None = None, indent_cm: float | None = None):
    """The paragraph style ``name``, added (based on ``base``) when the template lacks it."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt

    try:
        return doc.styles[name]
    except KeyError:
        pass
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    with contextlib.suppress(KeyError):
        style.base_style = doc.styles[base]
    style.quick_style = True
    if bold:
        style.font.bold = True
    if size:
        style.font.size = Pt(size)
    if indent_cm is not None:
        style.paragraph_format.left_indent = Cm(indent_cm)
    if outline is not None:
        style.element.get_or_add_pPr().append(_el("w:outlineLvl", w_val=str(outline)))
    return style


def _ensure_styles(doc, *, latin: str | None, east_asia: str, keep_explicit: bool) -> None:
    for level in range(1, 5):
        _style(doc, f"Heading {level}", outline=level - 1, bold=True,
               size={1: 18, 2: 14, 3: 12, 4: 11}[level])
    _style(doc, "toc 1")
    _style(doc, "toc 2", indent_cm=0.6)
    _style(doc, "TOC Heading", bold=True, size=14)
    _style(doc, "Caption", size=8.5)
    names = ["Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption",
             "toc 1", "toc 2", "TOC Heading", "Header", "Footer", "List Bullet",
             "List Bullet 2", "List Number", "List Number 2"]
    for name in names:
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        rfonts = style.element.rPr.rFonts if style.element.rPr is not None else None
        has_east_asia = keep_explicit and rfonts is not None and rfonts.get(_qn("w:eastAsia"))
        # a template's own explicit East Asian font is kept; theme references are replaced
        set_fonts(style.element, latin=latin,
                  east_asia=rfonts.get(_qn("w:eastAsia")) if has_east_asia else east_asia)


def _is_empty(part) -> bool:
    """A header/footer with no text, no field, no picture and no table."""
    element = part._element
    if element.findall(".//" + _qn("w:tbl")) or element.findall(".//" + _qn("w:drawing")):
        return False
    if element.findall(".//" + _qn("w:fldChar")) or element.findall(".//" + _qn("w:fldSimple")):
        return False
    return not "".join(t.text or "" for t in element.iter(_qn("w:t"))).strip()


def _page_footer(paragraph, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    label = translate(lang, N_("Page {page} of {pages}"))
    for piece in re.split(r"(\{page\}|\{pages\})", label):
        if piece == "{page}":
            _field(paragraph, "PAGE", "1")
        elif piece == "{pages}":
            _field(paragraph, "NUMPAGES", "1")
        elif piece:
            paragraph.add_run(piece)


def _new_document(template: Path | None, lang: str):
    import docx

    if template is None:
        from docx.shared import Mm

        doc = docx.Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(18)
        section.left_margin, section.right_margin = Mm(15), Mm(15)
        section.header_distance = section.footer_distance = Mm(8)
        # the cover carries no running title (as in the PDF) but its page number
        section.different_first_page_header_footer = True
        _page_footer(section.first_page_footer.paragraphs[0], lang)
        return doc
    template = Path(template)
    try:
        doc = docx.Document(str(template))
    except Exception as exc:  # python-docx raises several kinds for a bad package
        raise ReportError(
            N_("Word template %(file)s: not a readable .docx file (%(detail)s)"),
            file=str(template),
            detail=str(exc) or type(exc).__name__,
        ) from None
    # a template's body is a placeholder page: keep what it holds unless it is only empty
    # paragraphs (they would start the report with blank lines)
    body = doc.element.body
    blocks = [child for child in body if child.tag != _qn("w:sectPr")]
    if all(
        child.tag == _qn("w:p") and not "".join(t.text or "" for t in child.iter(_qn("w:t")))
        and not child.findall(".//" + _qn("w:drawing"))
        for child in blocks
    ):
        for child in blocks:
            body.remove(child)
    return doc


def _header_footer(doc, *, lang: str, title: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    for section in doc.sections:
        if _is_empty(section.header):
            paragraph = section.header.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(title)
            run.font.size = Pt(7.5)
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        if _is_empty(section.footer):
            _page_footer(section.footer.paragraphs[0], lang)


def _core_properties(doc, *, lang: str, title: str, created: datetime) -> None:
    props = doc.core_properties
    props.title = title
    props.created = created
    props.modified = created
    props.author = "weibao"
    props.last_modified_by = "weibao"
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""
    props.revision = 1
    props.language = lang


# ----------------------------------------------------------------------------- HTML walking


@dataclass
class _Fmt:
    bold: bool = False
    italic: bool = False
    mono: bool = False
    underline: bool = False

    def with_(self, **changes: bool) -> _Fmt:
        data = dict(self.__dict__)
        data.update(changes)
        return _Fmt(**data)


@dataclass
class _Piece:
    kind: str  # "text", "break", "image", "bookmark"
    text: str = ""
    fmt: _Fmt = field(default_factory=_Fmt)
    image: bytes = b""
    width_px: float | None = None


@dataclass
class _Heading:
    level: int
    text: str
    bookmark: str


def _text_of(el) -> str:
    return _WS.sub(" ", "".join(el.itertext())).strip()


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _image_bytes(src: str | None) -> bytes | None:
    match = _DATA_IMAGE.match((src or "").strip())
    if not match:
        return None
    try:
        return base64.b64decode(re.sub(r"\s+", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError):
        return None


def _px(value: str | None) -> float | None:
    if not value:
        return None
    match = re.match(r"^\s*([0-9.]+)\s*(px|pt)?\s*$", value)
    if not match:
        return None
    number = float(match.group(1))
    return number * 96 / 72 if match.group(2) == "pt" else number


class _Writer:
    def __init__(self, doc, *, lang: str, east_asia: str, latin: str | None,
                 headings: dict[Any, _Heading], toc_at: Any, toc_mode: str,
                 toc_levels: tuple[int, int]) -> None:
        self.doc = doc
        self.lang = lang
        self.east_asia = east_asia
        self.latin = latin
        self.headings = headings
        self.toc_at = toc_at
        self.toc_mode = toc_mode
        self.toc_levels = toc_levels
        self.page_break = False
        self.bookmark_id = 0
        self.in_table = 0
        section = doc.sections[0]
        self.text_width = section.page_width - section.left_margin - section.right_margin
        self._first_cell_paragraph: dict[int, Any] = {}

    # -- paragraphs -------------------------------------------------------------------

    def new_paragraph(self, container, style: str | None = None):
        key = id(container)
        paragraph = self._first_cell_paragraph.pop(key, None)
        if paragraph is None:
            paragraph = container.add_paragraph()
        if style:
            with contextlib.suppress(KeyError):
                paragraph.style = self.doc.styles[style]
        if self.in_table:
            # cells are tight, as in the PDF: no space after each paragraph
            paragraph.paragraph_format.space_after = 0
            paragraph.paragraph_format.space_before = 0
        elif self.page_break:
            paragraph.paragraph_format.page_break_before = True
            self.page_break = False
        return paragraph

    def emit(self, container, pieces: list[_Piece], *, style: str | None = None,
             pre: bool = False, bookmark: str | None = None, max_width=None,
             force: bool = False, prefix: str = ""):
        """One paragraph from inline pieces (whitespace collapsed as HTML does, unless
        ``pre``); nothing when there is nothing to show (unless ``force``)."""
        pieces = self._normalize(pieces, pre=pre)
        if prefix:
            pieces.insert(0, _Piece("text", prefix))
        if not pieces and not force:
            return None
        paragraph = self.new_paragraph(container, style)
        if bookmark:
            self.bookmark_id += 1
            paragraph._p.append(
                _el("w:bookmarkStart", w_id=str(self.bookmark_id), w_name=bookmark))
        for piece in pieces:
            if piece.kind == "text":
                self.run(paragraph, piece.text, piece.fmt)
            elif piece.kind == "break":
                paragraph.add_run().add_break()
            elif piece.kind == "image":
                self.picture(paragraph, piece, max_width or self.text_width)
        if bookmark:
            paragraph._p.append(_el("w:bookmarkEnd", w_id=str(self.bookmark_id)))
        return paragraph

    def run(self, paragraph, text: str, fmt: _Fmt):
        from docx.shared import Pt

        run = paragraph.add_run(text)
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if fmt.underline:
            run.underline = True
        if fmt.mono:
            set_fonts(run._r, latin=MONO_FONT, east_asia=self.east_asia)
            run.font.size = Pt(8)
        return run

    def picture(self, paragraph, piece: _Piece, max_width) -> None:
        from docx.shared import Emu

        run = paragraph.add_run()
        stream = io.BytesIO(piece.image)
        try:
            if piece.width_px:
                width = min(Emu(int(piece.width_px * 9525)), max_width)
                run.add_picture(stream, width=width)
            else:
                shape = run.add_picture(stream)
                if shape.width > max_width:
                    ratio = max_width / shape.width
                    shape.width = int(max_width)
                    shape.height = int(shape.height * ratio)
        except Exception:  # an image python-docx cannot read: say so in the text
            run.text = "[" + translate(self.lang, N_("image that cannot be shown")) + "]"

    @staticmethod
    def _normalize(pieces: list[_Piece], *, pre: bool) -> list[_Piece]:
        if pre:
            out: list[_Piece] = []
            for piece in pieces:
                if piece.kind != "text":
                    out.append(piece)
                    continue
                lines = piece.text.split("\n")
                for i, line in enumerate(lines):
                    if i:
                        out.append(_Piece("break"))
                    if line:
                        out.append(_Piece("text", line, piece.fmt))
            while out and out[-1].kind == "break":
                out.pop()
            while out and out[0].kind == "break":
                out.pop(0)
            return out
        out = []
        space_before = True  # at the start of the paragraph: drop leading white space
        for piece in pieces:
            if piece.kind != "text":
                out.append(piece)
                space_before = piece.kind == "break"
                continue
            text = _WS.sub(" ", piece.text)
            if space_before:
                text = text.lstrip(" ")
            if not text:
                continue
            space_before = text.endswith(" ")
            out.append(_Piece("text", text, piece.fmt))
        # trailing white space
        while out and out[-1].kind == "text" and out[-1].text.endswith(" "):
            stripped = out[-1].text.rstrip(" ")
            if stripped:
                out[-1] = _Piece("text", stripped, out[-1].fmt)
                break
            out.pop()
        return out

    # -- inline -----------------------------------------------------------------------

    def inline(self, el, fmt: _Fmt, pieces: list[_Piece]) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower().rsplit("}", 1)[-1]
        if tag in _SKIP or not tag:
            return
        if tag == "br":
            pieces.append(_Piece("break"))
            return
        if tag == "img":
            data = _image_bytes(el.get("src"))
            if data:
                pieces.append(_Piece("image", image=data, width_px=_px(el.get("width"))))
            elif el.get("alt"):
                pieces.append(_Piece("text", f"[{el.get('alt')}]", fmt.with_(italic=True)))
            return
        if tag == "svg":
            data = _image_bytes(el.get("data-png"))
            if data:
                pieces.append(_Piece("image", image=data))
            else:
                title = el.find("title")
                name = (_text_of(title) if title is not None else "") or el.get("aria-label")
                label = translate(self.lang, N_("Chart: {title}")).replace(
                    "{title}", name or "—")
                pieces.append(_Piece("text", f"[{label}]", fmt.with_(italic=True)))
            return
        if tag in ("strong", "b", "th"):
            fmt = fmt.with_(bold=True)
        elif tag in ("em", "i", "cite"):
            fmt = fmt.with_(italic=True)
        elif tag == "u":
            fmt = fmt.with_(underline=True)
        if tag in _MONO or "check" in _classes(el):
            fmt = fmt.with_(mono=True)
        if el.text:
            pieces.append(_Piece("text", el.text, fmt))
        for child in el:
            self.inline(child, fmt, pieces)
            if child.tail:
                pieces.append(_Piece("text", child.tail, fmt))

    # -- blocks -----------------------------------------------------------------------

    def blocks(self, el, container, *, fmt: _Fmt | None = None, style: str | None = None,
               max_width=None, list_level: int = 0) -> None:
        """The children of ``el`` into ``container`` (the document body or a table cell):
        inline content gathers into paragraphs, block children are handled one by one."""
        fmt = fmt or _Fmt()
        pieces: list[_Piece] = []
        if el.text:
            pieces.append(_Piece("text", el.text, fmt))
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in _BLOCK:
                self.emit(container, pieces, style=style, max_width=max_width)
                pieces = []
                self.block(child, container, fmt=fmt, max_width=max_width,
                           list_level=list_level)
            else:
                self.inline(child, fmt, pieces)
            if child.tail:
                pieces.append(_Piece("text", child.tail, fmt))
        self.emit(container, pieces, style=style, max_width=max_width)

    def block(self, el, container, *, fmt: _Fmt, max_width=None, list_level: int = 0) -> None:
        tag = el.tag.lower()
        classes = _classes(el)
        if el is self.toc_at and self.toc_mode == "replace":
            self.toc(container)
            return
        if "chapter" in classes:
            self.page_break = True
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = min(int(tag[1]), 4)
            pieces: list[_Piece] = []
            self.inline_children(el, fmt, pieces)
            heading = self.headings.get(el)
            self.emit(container, pieces, style=f"Heading {level}",
                      bookmark=heading.bookmark if heading else None)
        elif tag == "pre":
            pieces = []
            self.inline_children(el, fmt.with_(mono=True), pieces)
            self.emit(container, pieces, pre=True)
        elif tag in ("ul", "ol"):
            self.list_(el, container, ordered=tag == "ol", level=list_level + 1, fmt=fmt)
        elif tag == "li":  # a stray <li> outside a list
            self.blocks(el, container, fmt=fmt, max_width=max_width)
        elif tag == "table":
            self.table(el, container, max_width=max_width)
        elif tag == "figcaption":
            pieces = []
            self.inline_children(el, fmt, pieces)
            self.emit(container, pieces, style="Caption")
        elif tag == "dt":
            self.blocks(el, container, fmt=fmt.with_(bold=True), max_width=max_width)
        elif tag == "hr":
            pass
        else:
            self.blocks(el, container, fmt=fmt, max_width=max_width, list_level=list_level)
        if "cover" in classes:
            self.page_break = True
        if el is self.toc_at and self.toc_mode == "after":
            self.toc(container)
            self.page_break = True

    def inline_children(self, el, fmt: _Fmt, pieces: list[_Piece]) -> None:
        if el.text:
            pieces.append(_Piece("text", el.text, fmt))
        for child in el:
            self.inline(child, fmt, pieces)
            if child.tail:
                pieces.append(_Piece("text", child.tail, fmt))

    def list_(self, el, container, *, ordered: bool, level: int, fmt: _Fmt) -> None:
        base = "List Number" if ordered else "List Bullet"
        style = base if level == 1 else f"{base} {min(level, 3)}"
        if style not in [s.name for s in self.doc.styles]:
            style = base if base in [s.name for s in self.doc.styles] else None
        num_id = self._restart_numbering(style) if ordered and style else None
        number = 0
        for item in el:
            if not isinstance(item.tag, str) or item.tag.lower() != "li":
                continue
            number += 1
            pieces: list[_Piece] = []
            if item.text:
                pieces.append(_Piece("text", item.text, fmt))
            nested = []
            for child in item:
                tag = child.tag.lower() if isinstance(child.tag, str) else ""
                if tag in ("ul", "ol") or tag in _BLOCK and tag not in ("p", "div", "span"):
                    nested.append(child)
                elif tag in ("p", "div"):
                    self.inline_children(child, fmt, pieces)
                    pieces.append(_Piece("text", " ", fmt))
                else:
                    self.inline(child, fmt, pieces)
                if child.tail:
                    pieces.append(_Piece("text", child.tail, fmt))
            prefix = "" if style else (f"{number}. " if ordered else "• ")
            paragraph = self.emit(container, pieces, style=style, force=True, prefix=prefix)
            if num_id is not None and paragraph is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
            for child in nested:
                self.block(child, container, fmt=fmt, list_level=level)

    def _restart_numbering(self, style_name: str) -> int | None:
        """A new w:num on the style's list definition starting again at 1 (otherwise every
        numbered list of the document continues the previous one)."""
        try:
            style = self.doc.styles[style_name]
            num_pr = style.element.pPr.numPr
            num_id = num_pr.numId.val
            numbering = self.doc.part.numbering_part.element
            abstract = numbering.num_having_numId(num_id).abstractNumId.val
        except (AttributeError, KeyError, NotImplementedError):
            return None
        num = numbering.add_num(abstract)
        override = _el("w:lvlOverride", w_ilvl="0")
        override.append(_el("w:startOverride", w_val="1"))
        num.append(override)
        return num.numId

    # -- tables -----------------------------------------------------------------------

    def table(self, el, container, *, max_width=None) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Emu

        rows: list[tuple[bool, list[Any]]] = []  # (is_header, cells)
        for section in el:
            tag = section.tag.lower() if isinstance(section.tag, str) else ""
            if tag in ("thead", "tbody", "tfoot"):
                for tr in section:
                    if isinstance(tr.tag, str) and tr.tag.lower() == "tr":
                        rows.append((tag == "thead", self._cells(tr)))
            elif tag == "tr":
                rows.append((False, self._cells(section)))
        rows = [(header, cells) for header, cells in rows if cells]
        if not rows:
            return
        ncols = max(sum(span for _cell, span in cells) for _h, cells in rows)
        available = int(max_width or self.text_width)
        widths = self._col_widths(el, ncols, available)
        table = container.add_table(rows=len(rows), cols=ncols)
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        tbl_pr.append(_el("w:tblLayout", w_type="fixed"))
        borders = _el("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_el(f"w:{side}", w_val="single", w_sz="4", w_space="0",
                               w_color=BORDER_COLOR))
        tbl_pr.append(borders)
        tbl_w = tbl_pr.find(_qn("w:tblW"))
        if tbl_w is None:
            tbl_w = _el("w:tblW")
            tbl_pr.append(tbl_w)
        tbl_w.set(_qn("w:type"), "dxa")
        tbl_w.set(_qn("w:w"), str(sum(widths) // 635))
        for i, column in enumerate(table.columns):
            column.width = Emu(widths[i])
        for r, (is_header, cells) in enumerate(rows):
            row = table.rows[r]
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(_el("w:cantSplit", w_val="true"))
            if is_header:
                tr_pr.append(_el("w:tblHeader", w_val="true"))
            col = 0
            for cell_el, span in cells:
                if col >= ncols:
                    break
                cell = row.cells[col]
                end = min(col + span, ncols) - 1
                if end > col:
                    cell = cell.merge(row.cells[end])
                width = sum(widths[col:end + 1])
                cell.width = Emu(width)
                is_th = is_header or cell_el.tag.lower() == "th"
                if is_th:
                    tc_pr = cell._tc.get_or_add_tcPr()
                    tc_pr.append(_el("w:shd", w_val="clear", w_color="auto",
                                     w_fill=HEADER_FILL))
                self._first_cell_paragraph[id(cell)] = cell.paragraphs[0]
                self.in_table += 1
                self.blocks(cell_el, cell, fmt=_Fmt(bold=is_th), max_width=Emu(width - 130000))
                self._first_cell_paragraph.pop(id(cell), None)
                self.in_table -= 1
                if "num" in _classes(cell_el):  # numbers right-aligned, as in the PDF
                    for paragraph in cell.paragraphs:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                col = end + 1
            for rest in range(col, ncols):
                row.cells[rest].width = Emu(widths[rest])
        # a paragraph between two tables keeps Word from joining them
        self.new_paragraph(container)

    @staticmethod
    def _cells(tr) -> list[tuple[Any, int]]:
        cells = []
        for cell in tr:
            if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th"):
                try:
                    span = max(1, int(cell.get("colspan") or 1))
                except ValueError:
                    span = 1
                cells.append((cell, span))
        return cells

    @staticmethod
    def _col_widths(table_el, ncols: int, available: int) -> list[int]:
        shares: list[float | None] = []
        # this table's own columns (not those of a table nested in a cell)
        for col in table_el.findall("colgroup/col") + table_el.findall("col"):
            span = int(col.get("span") or 1) if (col.get("span") or "1").isdigit() else 1
            match = _WIDTH.search(col.get("style") or "")
            value = None
            if match and (match.group(2) in (None, "%")):
                value = float(match.group(1))
            elif col.get("width", "").endswith("%"):
                try:
                    value = float(col.get("width")[:-1])
                except ValueError:
                    value = None
            shares.extend([value / span if value is not None else None] * span)
        shares = (shares + [None] * ncols)[:ncols]
        known = sum(s for s in shares if s is not None)
        unknown = [i for i, s in enumerate(shares) if s is None]
        rest = max(0.0, 100.0 - known)
        for i in unknown:
            shares[i] = rest / len(unknown) if rest > 0 else 100.0 / ncols
        total = sum(s for s in shares if s is not None) or 1.0
        return [int(available * (s or 0) / total) for s in shares]

    # -- table of contents -----------------------------------------------------------

    def toc(self, container) -> None:
        entries = [h for h in self.headings.values() if h.level in self.toc_levels]
        if not entries:
            return
        entries.sort(key=lambda h: h.bookmark)
        heading = self.new_paragraph(container, "TOC Heading")
        heading.add_run(translate(self.lang, N_("Contents")))
        first, last = self.toc_levels
        for i, entry in enumerate(entries):
            paragraph = self.new_paragraph(
                container, "toc 1" if entry.level == first else "toc 2")
            if i == 0:
                _fld_char(paragraph, "begin")
                run = paragraph.add_run()
                instr = _el("w:instrText")
                instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                instr.text = f' TOC \\o "{first}-{last}" \\h \\z \\u '
                run._r.append(instr)
                _fld_char(paragraph, "separate")
            link = _el("w:hyperlink", w_anchor=entry.bookmark, w_history="1")
            r = _el("w:r")
            t = _el("w:t")
            t.text = entry.text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
            link.append(r)
            paragraph._p.append(link)
            if i == len(entries) - 1:
                _fld_char(paragraph, "end")


def _plan_toc(root) -> tuple[dict[Any, _Heading], Any, str, tuple[int, int]]:
    """Bookmarks for every h1-h4 in document order, where the TOC goes and which levels."""
    headings: dict[Any, _Heading] = {}
    for n, el in enumerate(root.iter("h1", "h2", "h3", "h4"), start=1):
        text = _text_of(el)
        if text:
            headings[el] = _Heading(int(el.tag[1]), text, f"_Toc{n:08d}")
    h1s = [h for h in headings.values() if h.level == 1]
    levels = (2, 3) if len(h1s) <= 1 else (1, 2)
    marker = next(
        (el for el in root.iter() if isinstance(el.tag, str)
         and ("toc" in _classes(el) or el.get("data-toc") is not None)),
        None,
    )
    if marker is not None:
        return headings, marker, "replace", levels
    cover = next((el for el in root.iter() if isinstance(el.tag, str)
                  and "cover" in _classes(el)), None)
    if cover is not None:
        return headings, cover, "after", levels
    first_h1 = next(iter(root.iter("h1")), None)
    return headings, first_h1, "after", levels


# ----------------------------------------------------------------------------- public API


def _zip_time(created: datetime) -> tuple[int, int, int, int, int, int]:
    if created.tzinfo is not None:
        created = created.astimezone(UTC)
    created = max(created.replace(tzinfo=None), datetime(1980, 1, 1))
    return (created.year, created.month, created.day, created.hour, created.minute,
            created.second // 2 * 2)


def reproducible_zip(data: bytes, when: tuple[int, int, int, int, int, int]) -> bytes:
    """The .docx package rewritten with fixed entry times and permissions (python-docx dates
    each entry "now", the only difference between two builds)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            zout.writestr(entry, zin.read(info.filename))
    return out.getvalue()


def docx_bytes(
    html: str,
    *,
    lang: str,
    title: str,
    created: datetime,
    template: Path | None = None,
    east_asia_font: str = EAST_ASIA_FONT,
    latin_font: str = LATIN_FONT,
) -> bytes:
    """The .docx of ``html`` as bytes (see :func:`html_to_docx`)."""
    import lxml.html

    lang = check_lang(lang)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ReportError(N_("Word: the report HTML cannot be read (%(detail)s)"),
                          detail=str(exc)) from None
    doc = _new_document(template, lang)
    # a template keeps its own Latin font; the default document gets ours
    latin = latin_font if template is None else None
    _ensure_styles(doc, latin=latin, east_asia=east_asia_font,
                   keep_explicit=template is not None)
    _doc_defaults(doc, lang=lang, latin=latin, east_asia=east_asia_font)
    _header_footer(doc, lang=lang, title=title)
    _core_properties(doc, lang=lang, title=title, created=created.astimezone(UTC))
    headings, toc_at, toc_mode, levels = _plan_toc(root)
    writer = _Writer(doc, lang=lang, east_asia=east_asia_font, latin=latin, headings=headings,
                     toc_at=toc_at, toc_mode=toc_mode, toc_levels=levels)
    body = root.find("body")
    writer.blocks(body if body is not None else root, doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return reproducible_zip(buffer.getvalue(), _zip_time(created))


def html_to_docx(
    html: str,
    out: Path,
    *,
    lang: str,
    title: str,
    created: datetime,
    template: Path | None = None,
) -> Path:
    """Write the Word version of the report ``html`` to ``out`` (temp file + rename).

    ``lang`` is the footer's language and the document's; ``title`` goes into the header
    and the core properties; ``created`` (the report's own date) is the only time stamp;
    ``template`` is the site's letterhead .docx or None for weibao's plain default.
    """
    data = docx_bytes(html, lang=lang, title=title, created=created, template=template)
    with atomic_output(Path(out)) as tmp:
        tmp.write_bytes(data)
    return Path(out)
