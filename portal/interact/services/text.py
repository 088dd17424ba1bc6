"""Citizens' text stored as plain text: no markup, no control characters, tidy whitespace."""
import re
import unicodedata

from django.utils.html import strip_tags

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(value):
    """Tags removed (repeatedly, so nested tricks fall apart), control and bidi characters dropped."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    previous = None
    while previous != text:
        previous, text = text, strip_tags(text)
    text = _CONTROL.sub("", text).replace("<", "＜").replace(">", "＞")
    return _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
