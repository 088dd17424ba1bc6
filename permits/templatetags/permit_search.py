"""Marks the searched words in result text (escaped first, so data can never inject markup)."""
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def highlight(text, terms):
    """`terms` is a list of words; each found occurrence is wrapped in <mark>."""
    safe = escape(text)
    words = sorted({escape(t) for t in (terms or ()) if t}, key=len, reverse=True)
    if not words:
        return mark_safe(safe)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", safe))
