"""Lines of a GB/T 9704-2012 page laid out by the project: 28 character cells a line, every line of a
paragraph but its last justified to the block's right edge, punctuation kept off line starts.

WeasyPrint only stretches lines at spaces, which CJK prose has none of, so each line is broken here
with the fonts' real advance widths and set as its own block with the letter-spacing that makes it
end at the block's edge. The PDF, the OFD and the tests read the same lines.
"""
from dataclasses import dataclass, field
from functools import lru_cache

from .fonts import font_file

MM = 72 / 25.4
BLOCK_WIDTH = 156 * MM  # points
BLOCK_HEIGHT = 225 * MM
BODY_SIZE = 16.0  # 三号
TITLE_SIZE = 22.0  # 二号
LINE_PITCH = 28.95  # 22 lines in the 225 mm block
CELLS = 28  # characters a line holds
TITLE_CELLS = 20
INDENT = "\u3000\u3000"  # a paragraph opens two characters in, typed as two 全角空格
# Even spacing that puts 28 full-width characters across the block: the grid every line keeps.
GRID_SPACING = (BLOCK_WIDTH - CELLS * BODY_SIZE) / (CELLS - 1)

BODY_FONT = "FandolFang"  # 仿宋
TITLE_FONT = "FandolSong:bold"  # heavy Song standing in for 小标宋
HEI_FONT = "Noto Sans CJK SC"  # 黑体: 一、
KAI_FONT = "AR PL UKai CN"  # 楷体: （一）
FOLIO_FONT = "Noto Serif CJK SC"  # 宋体: page numbers
FAMILY_CSS = {BODY_FONT: "FandolFang", TITLE_FONT: "FandolSong", HEI_FONT: HEI_FONT, KAI_FONT: KAI_FONT}

# GB/T 15834 and common practice: these never open a line (closing marks) or close one (opening marks).
NO_LINE_START = frozenset("。，、；：？！）」』》〉】〕〗’”…—～·%‰.,;:?!)]}")
NO_LINE_END = frozenset("（「『《〈【〔〖‘“([{")
# Runs of these (numbers like 2024 or 77%, Latin words) are not split across lines.
UNBREAKABLE = frozenset("0123456789.%ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+-/")


@lru_cache(maxsize=None)
def _font(family):
    """(HarfBuzz font, units per em) of the face fontconfig gives for `family` (read lazily: fast)."""
    import uharfbuzz as hb

    path, index = font_file(family)
    face = hb.Face(hb.Blob.from_file_path(path), index)
    return hb.Font(face), face.upem


@lru_cache(maxsize=8192)
def advance(family, char):
    """Advance width of `char` in ems (1.0 for a missing glyph: the fallback font is CJK too)."""
    font, upem = _font(family)
    glyph = font.get_nominal_glyph(ord(char))
    return 1.0 if glyph is None else font.get_glyph_h_advance(glyph) / upem


@dataclass
class Line:
    chars: list  # [(char, css class or "")]
    width: float  # natural width in points at `size`
    last: bool
    size: float = BODY_SIZE
    spacing: float = field(init=False)

    def __post_init__(self):
        n = len(self.chars)
        if self.last or n < 2:
            self.spacing = GRID_SPACING * self.size / BODY_SIZE
        else:
            self.spacing = (BLOCK_WIDTH - self.width) / (n - 1)

    @property
    def text(self):
        return "".join(char for char, _ in self.chars)

    def runs(self):
        """[(text, css class)] with neighbouring characters of one class joined."""
        out = []
        for char, cls in self.chars:
            if out and out[-1][1] == cls:
                out[-1][0] += char
            else:
                out.append([char, cls])
        return [(text, cls) for text, cls in out]


def _break_at(chars, end):
    """Where to end a line that would overflow at `end`: pull one closing mark in (squeezed into the
    line, as 标点挤压 does) or push characters down so no mark or number is split badly."""
    if end >= len(chars):
        return len(chars)
    nxt = chars[end][0]
    if nxt in NO_LINE_START and (end + 1 >= len(chars) or chars[end + 1][0] not in NO_LINE_START):
        return end + 1
    cut = end
    while cut > 1 and (chars[cut][0] in NO_LINE_START or chars[cut - 1][0] in NO_LINE_END
                       or (chars[cut][0] in UNBREAKABLE and chars[cut - 1][0] in UNBREAKABLE)):
        cut -= 1
    return cut if cut > end - 6 else end  # a pathological run (a long URL) breaks where it must


def break_lines(segments, *, family=BODY_FONT, size=BODY_SIZE, cells=CELLS, indent=INDENT):
    """[(text, css class)] → [Line] filling `cells` full-width characters a line."""
    chars = [(char, "") for char in indent] + [(char, cls) for text, cls in segments for char in text]
    capacity = cells + 1e-6
    lines, start = [], 0
    while start < len(chars):
        width, end = 0.0, start
        while end < len(chars) and width + advance(family, chars[end][0]) <= capacity:
            width += advance(family, chars[end][0])
            end += 1
        end = max(_break_at(chars, end), start + 1)
        piece = chars[start:end]
        lines.append(Line(piece, sum(advance(family, c) for c, _ in piece) * size, end >= len(chars), size))
        start = end
    return lines


def centred_lines(texts, *, family=TITLE_FONT, size=TITLE_SIZE, cells=TITLE_CELLS):
    """Title lines: each given line broken to `cells` characters, none justified (they are centred)."""
    lines = []
    for text in texts:
        for line in break_lines([(text, "")], family=family, size=size, cells=cells, indent=""):
            line.last = True
            line.spacing = 0.0
            lines.append(line)
    return lines
