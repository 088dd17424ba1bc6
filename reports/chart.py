"""The report's chart, drawn by the project as SVG from the data: each measured bundle's reduction.

Labels are never cut: a long name wraps onto as many lines as it needs and its bar grows with it.
A long list is drawn as several charts, each no taller than MAX_HEIGHT, so each fits a PDF page.
"""
from django.utils.html import escape
from django.utils.safestring import mark_safe

from permits.kernel.chinese import percent_text

LINE_HEIGHT = 12
BAR_HEIGHT = 11
GAP = 5
LABEL_WIDTH = 230
LABEL_CHARS = 22  # 10-unit CJK characters in the label column, with its 6-unit margin
BAR_WIDTH = 170
FONT = "Noto Sans CJK SC"
# viewBox units; 450 units span the 156 mm block, so 480 units are 166 mm: room left for the title.
MAX_HEIGHT = 480


def wrap_label(name, limit=LABEL_CHARS):
    """The label's lines: `limit` characters each (half-width ones count half), nothing dropped."""
    lines, line, width = [], "", 0.0
    for char in name:
        step = 0.5 if ord(char) < 128 else 1.0
        if width + step > limit and line:
            lines.append(line)
            line, width = "", 0.0
        line += char
        width += step
    return lines + [line] if line else lines or [""]


def chart_description(rows):
    """The values as a sentence, for the figure's alternative text."""
    return "；".join(f"{name}：{percent_text(fraction, 0)}" for name, fraction in rows)


def _row_height(lines):
    return max(BAR_HEIGHT, len(lines) * LINE_HEIGHT)


def reduction_chart_svg(rows, *, title="“高效办成一件事”压减率"):
    """Horizontal bars for [(name, fraction)]; empty string without rows."""
    if not rows:
        return ""
    top = 24
    wrapped = [wrap_label(name) for name, _ in rows]
    heights = [_row_height(lines) for lines in wrapped]
    height = top + sum(heights) + GAP * len(rows) + 16
    width = LABEL_WIDTH + BAR_WIDTH + 50
    label = f"{title}：{chart_description(rows)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="10" aria-label="{escape(label)}">',
        f"<title>{escape(title)}</title><desc>{escape(chart_description(rows))}</desc>",
        f'<text x="{width / 2}" y="14" text-anchor="middle" font-size="12">{escape(title)}</text>',
        f'<line x1="{LABEL_WIDTH}" y1="{top - 4}" x2="{LABEL_WIDTH}" y2="{height - 14}" stroke="#333" stroke-width="0.6"/>',
    ]
    y = top
    for (name, fraction), lines, row_height in zip(rows, wrapped, heights):
        bar = max(0.0, min(1.0, float(fraction))) * BAR_WIDTH
        bar_y = y + (row_height - BAR_HEIGHT) / 2
        first = y + (row_height - len(lines) * LINE_HEIGHT) / 2 + LINE_HEIGHT - 3
        spans = "".join(f'<tspan x="{LABEL_WIDTH - 6}" y="{first + i * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        parts.append(
            f'<text text-anchor="end">{spans}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{bar_y:.1f}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="#b22222"/>'
            f'<text x="{LABEL_WIDTH + bar + 4:.1f}" y="{bar_y + BAR_HEIGHT - 3:.1f}">{percent_text(fraction, 0)}</text>'
        )
        y += row_height + GAP
    axis_y = height - 4
    for tick in (0, 50, 100):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        parts.append(f'<text x="{x:.1f}" y="{axis_y}" text-anchor="middle" font-size="8">{tick}%</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def reduction_chart_svgs(rows, *, max_height=MAX_HEIGHT):
    """Charts of consecutive rows, each at most `max_height` tall, so none is cut at a page's end."""
    chunks, chunk, height = [], [], 24 + 16
    for row in rows:
        step = _row_height(wrap_label(row[0])) + GAP
        if chunk and height + step > max_height:
            chunks.append(chunk)
            chunk, height = [], 24 + 16
        chunk.append(row)
        height += step
    if chunk:
        chunks.append(chunk)
    return [reduction_chart_svg(chunk) for chunk in chunks]
