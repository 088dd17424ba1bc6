"""The report's chart, drawn by the project as SVG from the data: each measured bundle's reduction."""
from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR_HEIGHT = 11
GAP = 4
LABEL_WIDTH = 230
BAR_WIDTH = 170
FONT = "Noto Sans CJK SC"


def _short(name, limit=16):
    return name if len(name) <= limit else name[: limit - 1] + "…"


def reduction_chart_svg(rows, *, title="“高效办成一件事”压减率"):
    """Horizontal bars for [(name, fraction)]; empty string without rows."""
    if not rows:
        return ""
    top = 24
    height = top + len(rows) * (BAR_HEIGHT + GAP) + 16
    width = LABEL_WIDTH + BAR_WIDTH + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="10" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{width / 2}" y="14" text-anchor="middle" font-size="12">{escape(title)}</text>',
        f'<line x1="{LABEL_WIDTH}" y1="{top - 4}" x2="{LABEL_WIDTH}" y2="{height - 14}" stroke="#333" stroke-width="0.6"/>',
    ]
    for index, (name, fraction) in enumerate(rows):
        y = top + index * (BAR_HEIGHT + GAP)
        bar = max(0.0, min(1.0, float(fraction))) * BAR_WIDTH
        percent = f"{float(fraction) * 100:.0f}%"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 3}" text-anchor="end">{escape(_short(name))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="#b22222"/>'
            f'<text x="{LABEL_WIDTH + bar + 4:.1f}" y="{y + BAR_HEIGHT - 3}">{percent}</text>'
        )
    axis_y = height - 4
    for tick in (0, 50, 100):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        parts.append(f'<text x="{x:.1f}" y="{axis_y}" text-anchor="middle" font-size="8">{tick}%</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
