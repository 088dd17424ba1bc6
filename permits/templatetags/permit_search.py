"""Marks the searched words in result text (escaped first, so data can never inject markup)."""
import functools
import re
from html import escape

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@functools.lru_cache(maxsize=256)
def _pattern(terms):
    words = sorted({escape(t) for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


@register.filter
def highlight(text, terms):
    """`terms` is a list of words; each found occurrence is wrapped in <mark>."""
    pattern = _pattern(tuple(terms or ()))
    text = escape(str(text))
    return SafeString(pattern.sub(r"<mark>\g<0></mark>", text) if pattern else text)
