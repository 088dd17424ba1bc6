"""The report as laid-out blocks of lines: one layout that the PDF, the Word file and the OFD share."""
from dataclasses import dataclass

from reports import layout
from reports.placeholders import render_segments, staff_lines


@dataclass
class Block:
    kind: str  # title | h1 | h2 | p | signature
    lines: list  # [layout.Line]
    family: str = layout.BODY_FONT
    size: float = layout.BODY_SIZE

    @property
    def text(self):
        return "".join(line.text for line in self.lines)

    @property
    def css_family(self):
        return layout.FAMILY_CSS[self.family]


def _paragraph(segments, family=layout.BODY_FONT, kind="p"):
    return Block(kind, layout.break_lines(segments, family=family), family)


def published_text(content):
    published = content.get("published_on")
    if not published:
        return None
    y, m, d = (int(part) for part in published.split("-"))
    return f"{y}年{m}月{d}日"


def report_blocks(content, title_lines):
    """Blocks of the report's title, prose and signature, every line broken and justified."""
    figures = content["figures"]
    blocks = [Block("title", layout.centred_lines(title_lines), layout.TITLE_FONT, layout.TITLE_SIZE)]
    blocks += [_paragraph(render_segments(p, figures)) for p in staff_lines(content.get("intro", ""))]
    for section in content["sections"]:
        level, paragraphs = section["level"], staff_lines(section["body"])
        heading = render_segments(section["number"] + section["heading"], figures) if section["heading"] else []
        if level == 1 and heading:
            blocks.append(_paragraph(heading, layout.HEI_FONT, "h1"))
        elif level == 2 and heading:
            blocks.append(_paragraph(heading, layout.KAI_FONT, "h2"))
        elif level == 3 and heading:
            # 1. runs in with its paragraph, in the body face (GB/T 9704 7.3.3).
            first = paragraphs.pop(0) if paragraphs else ""
            blocks.append(_paragraph(heading + render_segments(first, figures)))
        blocks += [_paragraph(render_segments(p, figures)) for p in paragraphs]
    signature = [content.get("organisation", "")] + ([published_text(content)] if published_text(content) else [])
    for text in signature:
        lines = layout.break_lines([(text, "")], indent="")
        for line in lines:
            line.last, line.spacing = True, layout.GRID_SPACING
        blocks.append(Block("signature", lines))
    return blocks


def block_text(blocks):
    """The text of the blocks, one paragraph a line, without the typed indents."""
    return "\n".join(block.text.lstrip("\u3000") for block in blocks)
