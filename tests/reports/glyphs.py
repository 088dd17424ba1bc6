"""Glyph positions read back from a PDF (pdfminer.six): the lines as they are printed."""
import io
from collections import defaultdict

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTContainer

MM = 72 / 25.4
PAGE_HEIGHT = 297 * MM
BLOCK_TOP = 37 * MM
BLOCK_BOTTOM = (37 + 225) * MM


def _chars(item):
    if isinstance(item, LTChar):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _chars(child)


def page_lines(pdf):
    """[[{"y": baseline from the page top (pt), "size", "chars": [(char, x0, x1, font)]}]] a page, top down."""
    pages = []
    for page in extract_pages(io.BytesIO(pdf), laparams=LAParams()):
        rows = defaultdict(list)
        for char in _chars(page):
            # pdfminer's y0 is the baseline plus the descent; the matrix's f is the baseline itself.
            baseline = PAGE_HEIGHT - char.matrix[5]
            rows[round(baseline, 1)].append(char)
        lines = []
        for baseline in sorted(rows):
            chars = sorted(rows[baseline], key=lambda c: c.x0)
            lines.append({"y": baseline, "size": round(max(c.size for c in chars), 1),
                          "chars": [(c.get_text(), c.x0, c.x1, c.fontname) for c in chars]})
        pages.append(lines)
    return pages


def block_left(page_number):
    """The text block's left edge: the binding margin is on the left of odd pages."""
    return (28 if page_number % 2 else 26) * MM
