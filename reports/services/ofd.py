"""The report as OFD (GB/T 33190-2016), written by hand: no Python library writes OFD with text.

The package holds OFD.xml, Doc_0/Document.xml, Doc_0/PublicRes.xml, one Content.xml a page and the
fonts, subset with HarfBuzz to the characters used. Every character is placed where the PDF's layout
puts it: the same lines (reports.layout), 22 rows of 28.95 pt from the block's top, page numbers
and the draft mark as in the PDF.
"""
import datetime
import io
import uuid
import zipfile
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from reports import layout
from reports.fonts import font_file

from .content import report_content, title_lines
from .document import Block, report_blocks

NS = "http://www.ofdspec.org/2016"
MM = layout.MM
PAGE_W, PAGE_H = 210.0, 297.0
TOP = 37.0
ROWS = 22
ASCENT = 0.88  # baseline below the em box's top, in ems, as the faces here set it
FOLIO_SIZE = 14.0
FOLIO_GAP = 7.0  # mm from the block's bottom to the top of the page number's dash
RED = "192 0 0"


@lru_cache(maxsize=1)
def _dash_height():
    """Height of the 宋体 dash's top above its baseline, in ems."""
    import uharfbuzz as hb

    path, index = font_file(layout.FOLIO_FONT)
    face = hb.Face(hb.Blob.from_file_path(path), index)
    font = hb.Font(face)
    glyph = font.get_nominal_glyph(0x2014)
    extents = font.get_glyph_extents(glyph)
    return extents.y_bearing / face.upem


def _subset(family, text):
    """The face of `family` cut down to the characters of `text` (HarfBuzz: milliseconds, not seconds)."""
    import uharfbuzz as hb

    path, index = font_file(family)
    face = hb.Face(hb.Blob.from_file_path(path), index)
    subset_input = hb.SubsetInput()
    for char in set(text):
        subset_input.unicode_set.add(ord(char))
    subset_input.flags = hb.SubsetFlags.DESUBROUTINIZE
    return hb.subset(face, subset_input).blob.data


class _Page:
    def __init__(self, number):
        self.number = number
        self.rows = 0
        self.objects = []  # (family, size, x mm, baseline mm, [delta mm], text, colour)

    @property
    def left(self):
        return 28.0 if self.number % 2 else 26.0  # the binding margin is on the left of odd pages

    def place(self, text, family, size, x, baseline, spacing, colour=None):
        deltas = [(layout.advance(family, char) * size + spacing) / MM for char in text[:-1]]
        self.objects.append((family, size, x, baseline, deltas, text, colour))


def _baseline(row, size):
    return TOP + (row * layout.LINE_PITCH + (layout.LINE_PITCH - size) / 2 + ASCENT * size) / MM


def _line_x(page, block, line):
    width = (line.width + line.spacing * (len(line.chars) - 1)) / MM
    if block.kind == "title":
        return page.left + (156 - width) / 2
    if block.kind == "signature":
        return page.left + 156 - 4 * layout.BODY_SIZE / MM - width
    return page.left


def paginate(blocks, attachment=None):
    """The blocks' lines on pages of 22 rows: a heading never ends a page, a blank row follows the
    title and comes before the signature. `attachment` (title, [(name, text)]) starts a new page."""
    pages = [_Page(1)]
    previous = None
    for block in blocks:
        if block.kind == "signature" and previous == "p" or previous == "title":
            pages[-1].rows += 1
        for line in block.lines:
            page = pages[-1]
            keep_with_next = block.kind in ("h1", "h2") and line is block.lines[-1]
            if page.rows >= ROWS or (keep_with_next and page.rows == ROWS - 1):
                page = _Page(len(pages) + 1)
                pages.append(page)
            colour_runs = line.runs()
            x = _line_x(page, block, line)
            baseline = _baseline(page.rows, block.size)
            for text, cls in colour_runs:
                page.place(text, block.family, block.size, x, baseline, line.spacing,
                           RED if cls == "figure-missing" else None)
                x += sum(layout.advance(block.family, c) * block.size + line.spacing for c in text) / MM
            page.rows += 1
        previous = block.kind
    if attachment:
        title, rows = attachment
        page = _Page(len(pages) + 1)
        pages.append(page)
        page.place("附件", layout.HEI_FONT, layout.BODY_SIZE, page.left, _baseline(0, layout.BODY_SIZE), 0)
        heading = layout.centred_lines([title])
        for index, line in enumerate(heading):
            block = Block("title", [line], layout.TITLE_FONT, layout.TITLE_SIZE)
            page.place(line.text, layout.TITLE_FONT, layout.TITLE_SIZE, _line_x(page, block, line),
                       _baseline(2 + index, layout.TITLE_SIZE), 0)
        row = 3 + len(heading)
        for name, value in rows:
            if row >= ROWS:
                page = _Page(len(pages) + 1)
                pages.append(page)
                row = 0
            baseline = _baseline(row, layout.BODY_SIZE)
            page.place(name, layout.BODY_FONT, layout.BODY_SIZE, page.left, baseline, layout.GRID_SPACING)
            width = sum(layout.advance(layout.BODY_FONT, c) for c in value) * layout.BODY_SIZE / MM
            page.place(value, layout.BODY_FONT, layout.BODY_SIZE, page.left + 156 - width, baseline, 0)
            row += 1
    return pages


def _folio(page):
    text = f"— {page.number} —"
    width = sum(layout.advance(layout.FOLIO_FONT, c) for c in text) * FOLIO_SIZE / MM
    inset = FOLIO_SIZE / MM  # one character in from the outer edge
    x = page.left + 156 - inset - width if page.number % 2 else page.left + inset
    baseline = TOP + 225 + FOLIO_GAP + _dash_height() * FOLIO_SIZE / MM
    page.place(text, layout.FOLIO_FONT, FOLIO_SIZE, x, baseline, 0)


def _draft_mark(page):
    text = "草稿"
    size = layout.TITLE_SIZE
    spacing = size / 2
    width = (sum(layout.advance(layout.HEI_FONT, c) for c in text) * size + spacing) / MM
    page.place(text, layout.HEI_FONT, size, (PAGE_W - width) / 2, TOP - 8, spacing, RED)


def _content_xml(page, font_ids, next_id):
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
             f'<ofd:Layer ID="{next_id()}">']
    for family, size, x, baseline, deltas, text, colour in page.objects:
        fill = f'<ofd:FillColor Value="{colour}"/>' if colour else ""
        delta = f' DeltaX="{" ".join(f"{d:.3f}" for d in deltas)}"' if deltas else ""
        parts.append(
            f'<ofd:TextObject ID="{next_id()}" Boundary="0 0 {PAGE_W:g} {PAGE_H:g}" Font="{font_ids[family]}" '
            f'Size="{size / MM:.3f}">{fill}<ofd:TextCode X="{x:.3f}" Y="{baseline:.3f}"{delta}>'
            f'{escape(text)}</ofd:TextCode></ofd:TextObject>')
    parts.append("</ofd:Layer></ofd:Content></ofd:Page>")
    return "".join(parts)


def render_ofd_bytes(content, *, draft):
    blocks = report_blocks(content, title_lines(content["title"], content.get("organisation", "")))
    chart = [(name, f"{float(value) * 100:.0f}%") for name, value in content.get("chart") or []]
    attachment = (f"{content['year']}年“高效办成一件事”综合压减率", chart) if chart else None
    pages = paginate(blocks, attachment)
    for page in pages:
        _folio(page)
        if draft:
            _draft_mark(page)

    counter = iter(range(1, 1_000_000))

    def next_id():
        return next(counter)

    used = {}
    for page in pages:
        for family, _, _, _, _, text, _ in page.objects:
            used[family] = used.get(family, "") + text
    font_ids = {family: next_id() for family in used}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        fonts_xml = []
        for family, font_id in font_ids.items():
            name = layout.FAMILY_CSS[family] if family in layout.FAMILY_CSS else family
            fonts_xml.append(f'<ofd:Font ID="{font_id}" FontName={quoteattr(name)} FamilyName={quoteattr(name)}>'
                             f'<ofd:FontFile>font_{font_id}.otf</ofd:FontFile></ofd:Font>')
            package.writestr(f"Doc_0/Res/font_{font_id}.otf", _subset(family, used[family]))
        package.writestr("Doc_0/PublicRes.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" '
                         f'BaseLoc="Res"><ofd:Fonts>{"".join(fonts_xml)}</ofd:Fonts></ofd:Res>')
        page_refs = []
        for index, page in enumerate(pages):
            page_id = next_id()
            package.writestr(f"Doc_0/Pages/Page_{index}/Content.xml", _content_xml(page, font_ids, next_id))
            page_refs.append(f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{index}/Content.xml"/>')
        package.writestr("Doc_0/Document.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
            f'<ofd:MaxUnitID>{next_id()}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_W:g} {PAGE_H:g}'
            f'</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
            f'<ofd:Pages>{"".join(page_refs)}</ofd:Pages></ofd:Document>'))
        keywords = ["法治政府建设", "年度报告", str(content["year"])] + (["草稿"] if draft else [])
        package.writestr("OFD.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
            f'<ofd:DocBody><ofd:DocInfo><ofd:DocID>{uuid.uuid5(uuid.NAMESPACE_URL, content["title"]).hex}</ofd:DocID>'
            f'<ofd:Title>{escape(content["title"])}</ofd:Title><ofd:Author>{escape(content.get("organisation", ""))}'
            f'</ofd:Author><ofd:Subject>{escape(content["title"])}</ofd:Subject>'
            f'<ofd:CreationDate>{content.get("published_on") or datetime.date.today().isoformat()}</ofd:CreationDate>'
            f'<ofd:Creator>新余市行政审批局门户</ofd:Creator>'
            f'<ofd:Keywords>{"".join(f"<ofd:Keyword>{k}</ofd:Keyword>" for k in keywords)}</ofd:Keywords>'
            f'<ofd:CustomDatas><ofd:CustomData Name="status">{"草稿" if draft else "正式"}</ofd:CustomData>'
            f'<ofd:CustomData Name="language">zh-CN</ofd:CustomData></ofd:CustomDatas>'
            f'</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'))
    return out.getvalue()


def report_build_ofd(report, *, content=None, draft=None):
    content = content or report_content(report)
    return render_ofd_bytes(content, draft=(not report.is_published) if draft is None else draft)
