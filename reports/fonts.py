"""Which characters of a text the PDF's fonts cannot draw (a missing glyph makes WeasyPrint search
every installed font, which is slow, and may print a blank box)."""
import subprocess
from functools import lru_cache

# Body 仿宋, title heavy Song, 一、 黑体, （一） 楷体, page numbers 宋体 (see reports.layout).
PDF_FAMILIES = ("FandolFang", "FandolSong:bold", "Noto Sans CJK SC", "AR PL UKai CN", "Noto Serif CJK SC")


@lru_cache(maxsize=None)
def font_file(family):
    """(path, index) fontconfig resolves `family` to."""
    out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", family], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    return out[0], int(out[1] or 0)


@lru_cache(maxsize=None)
def family_codepoints(family):
    from fontTools.ttLib import TTFont

    path, index = font_file(family)
    font = TTFont(path, fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def uncovered_characters(text, family=PDF_FAMILIES[0]):
    """Characters of `text` (other than whitespace) not in `family`."""
    codepoints = family_codepoints(family)
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in codepoints})
